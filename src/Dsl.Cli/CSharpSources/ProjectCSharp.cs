using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Scheme.Compiler.Emit;
using CSharpMember = Scheme.Compiler.Semantics.Symbols.CSharpMember;

namespace Scheme.Cli.CSharpSources;

/// <summary>
/// The project's hand-written C#, read with Roslyn for the preregistration lock (<see cref="ICSharpImplementations"/>).
/// Why source and not compiled IL: the lock must show a researcher what changed, and a line diff of normalized source
/// reads; IL would change with the C# compiler's version while the code did not. Why normalized: layout and comments
/// are not meaning, so the text is the syntax tree without comments, printed by Roslyn's NormalizeWhitespace.
/// Each implementation is followed, through a semantic model over all the sources, into the project's own methods,
/// properties, fields, constructors and types it uses, transitively, so an edit to a helper a detector calls counts.
/// Symbols outside the sources (the BCL, packages, the generated code) are not followed: their version is the build's.
/// Nothing is parsed until the suite has a partial member to fingerprint, so suites without C# pay nothing.
/// </summary>
public sealed class ProjectCSharp(IReadOnlyList<string> paths, ProjectCSharpReferences? references = null) : ICSharpImplementations
{
    private readonly List<string> _problems = [];
    private readonly List<string> _warnings = [];
    private readonly HashSet<SyntaxTree> _reported = [];
    private readonly Dictionary<SyntaxTree, SemanticModel> _models = [];
    private readonly ProjectCSharpReferences _references = references ?? ProjectCSharpReferences.None;

    /// <summary>Diagnostics in the canonical <c>file(line,col): error SCHnnnn: ...</c> form: files that could not be read or parsed.</summary>
    public IReadOnlyList<string> Problems => _problems;

    /// <summary>Warnings in the same form: C# the lock reaches but cannot fingerprint (a referenced project's, SCH9022).</summary>
    public IReadOnlyList<string> Warnings => _warnings;

    public IReadOnlyDictionary<CSharpMember, string> CanonicalTexts(IReadOnlyList<CSharpMember> members)
    {
        var result = new Dictionary<CSharpMember, string>();
        if (members.Count == 0 || paths.Count == 0)
        {
            return result;
        }
        _models.Clear();
        var compilation = Compile();
        var reach = new CSharpReach(compilation);
        var projects = ProjectAssemblies(compilation);
        var wanted = members.ToHashSet();
        var implementations = compilation.SyntaxTrees
            .SelectMany(t => t.GetRoot().DescendantNodes().OfType<MethodDeclarationSyntax>())
            // The implementing half of a partial method: `partial`, with a body, in the generated class's other half.
            .Where(m => (m.Body is not null || m.ExpressionBody is not null) && m.Modifiers.Any(SyntaxKind.PartialKeyword) && m.Parent is TypeDeclarationSyntax)
            .Select(m => (Member: new CSharpMember(((TypeDeclarationSyntax)m.Parent!).Identifier.ValueText, m.Identifier.ValueText), Syntax: m))
            .Where(m => wanted.Contains(m.Member))
            .GroupBy(m => m.Member);
        var initializers = ModuleInitializers(compilation);
        foreach (var implementation in implementations)
        {
            // Two implementations of one member is the C# compiler's error; both are fingerprinted meanwhile.
            result[implementation.Key] = Canonical(compilation, reach, projects, implementation.Key, implementation.Select(i => i.Syntax).ToList(), initializers);
        }
        return result;
    }

    private CSharpCompilation Compile()
    {
        var trees = new List<SyntaxTree>();
        var options = CSharpParseOptions.Default.WithLanguageVersion(LanguageVersion.Preview);
        foreach (var path in paths.Distinct(StringComparer.Ordinal))
        {
            try
            {
                trees.Add(CSharpSyntaxTree.ParseText(File.ReadAllText(path), options, path));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
            {
                _problems.Add($"{path}: error SCH9020: This C# file cannot be read to fingerprint the suite's C# for the preregistration lock: {e.Message}");
            }
        }
        // The SDK's global usings live under obj/, which is not passed: the build passes its Using items instead.
        if (_references.Usings.Count > 0)
        {
            trees.Add(CSharpSyntaxTree.ParseText(string.Concat(_references.Usings.Select(u => u.GlobalUsing + "\n")), options, "<global usings>"));
        }
        // The project's references bind names on framework and package types (t.File(...) is a string, so a project's
        // extension on string is found); without them, the core library only, and names that do not bind are followed by name.
        var metadata = _references.Assemblies.Where(File.Exists).Select(r => (MetadataReference)MetadataReference.CreateFromFile(r)).ToList();
        if (metadata.Count == 0)
        {
            metadata.Add(MetadataReference.CreateFromFile(typeof(object).Assembly.Location));
        }
        return CSharpCompilation.Create("SchemePreregistration", trees, metadata,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, allowUnsafe: true));
    }

    /// <summary>The assemblies of the project's &lt;ProjectReference&gt;s: C# the lock reaches but does not read.</summary>
    private HashSet<IAssemblySymbol> ProjectAssemblies(CSharpCompilation compilation)
    {
        var set = new HashSet<IAssemblySymbol>(SymbolEqualityComparer.Default);
        var projects = _references.ProjectReferences.Select(Path.GetFullPath).ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var reference in compilation.References.OfType<PortableExecutableReference>().Where(r => r.FilePath is { } p && projects.Contains(Path.GetFullPath(p))))
        {
            // Scheme.* is the toolchain (this repository's suites reference it as projects): its version is the build's, like a package's.
            if (compilation.GetAssemblyOrModuleSymbol(reference) is IAssemblySymbol assembly && !assembly.Name.StartsWith("Scheme.", StringComparison.Ordinal))
            {
                set.Add(assembly);
            }
        }
        return set;
    }

    /// <summary>[ModuleInitializer] methods run before anything else and may set what a detector reads: every part includes them.
    /// Found by the attribute's name, so they are found whether or not the attribute binds.</summary>
    private static List<MethodDeclarationSyntax> ModuleInitializers(CSharpCompilation compilation) =>
        compilation.SyntaxTrees.SelectMany(t => t.GetRoot().DescendantNodes().OfType<MethodDeclarationSyntax>())
            .Where(m => m.AttributeLists.SelectMany(l => l.Attributes).Any(a => a.Name.ToString().Split('.')[^1] is "ModuleInitializer" or "ModuleInitializerAttribute"))
            .ToList();

    /// <summary>The implementation, then every declaration of the project it uses, each under a line naming it.</summary>
    private string Canonical(CSharpCompilation compilation, CSharpReach reach, HashSet<IAssemblySymbol> projects, CSharpMember member,
        IReadOnlyList<MethodDeclarationSyntax> roots, IReadOnlyList<MethodDeclarationSyntax> initializers)
    {
        var printed = new HashSet<SyntaxNode>();
        var followed = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
        var warned = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
        var sections = new List<(string Header, string Text)>();
        var pending = new Queue<(string Header, SyntaxNode Node)>(roots.Select(r => ($"// {member}", (SyntaxNode)r)));
        foreach (var initializer in initializers)
        {
            pending.Enqueue(($"// module initializer {initializer.Identifier.ValueText}", initializer));
        }
        var rootCount = roots.Count;
        while (pending.TryDequeue(out var item))
        {
            var node = Declaration(item.Node);
            if (node is null || !printed.Add(node))
            {
                continue;
            }
            ReportSyntaxErrors(node.SyntaxTree, member);
            // A type is printed as its header only (attributes, modifiers, name, parameters, base list, constraints);
            // the header is text only: the semantic model is asked about the original node, which is in the tree.
            sections.Add((item.Header, node is BaseTypeDeclarationSyntax type ? Header(type) : Normalize(node)));
            // One semantic model per file: each binds lazily and keeps what it bound, so helpers shared by many members are bound once.
            if (!_models.TryGetValue(node.SyntaxTree, out var model))
            {
                _models[node.SyntaxTree] = model = compilation.GetSemanticModel(node.SyntaxTree);
            }
            foreach (var (reached, at) in reach.Reached(model, node))
            {
                if (reached is null)
                {
                    continue;
                }
                // Members only: they are code that runs (a namespace or a type named on the way to one is not).
                if (reached is IMethodSymbol or IPropertySymbol or IFieldSymbol or IEventSymbol && reached.ContainingAssembly is { } assembly
                    && projects.Contains(assembly) && warned.Add(reached.OriginalDefinition))
                {
                    Warn(at, member, reached, assembly);
                }
                foreach (var symbol in Expand(reached))
                {
                    if (!followed.Add(symbol))
                    {
                        continue;
                    }
                    foreach (var reference in symbol.DeclaringSyntaxReferences)
                    {
                        pending.Enqueue(($"// {symbol.ToDisplayString(SymbolDisplayFormat.CSharpErrorMessageFormat)}", reference.GetSyntax()));
                    }
                }
            }
        }
        // The implementation first; the rest by name, so the text does not depend on file order or on where a helper lives.
        var ordered = sections.Take(rootCount).Concat(sections.Skip(rootCount).OrderBy(s => s.Header, StringComparer.Ordinal).ThenBy(s => s.Text, StringComparer.Ordinal));
        return string.Join("\n\n", ordered.Select(s => s.Header + "\n" + s.Text));

        // A symbol, what can run in its place (overrides, implementations, a partial's body), and what runs when its type is first used.
        IEnumerable<ISymbol> Expand(ISymbol symbol)
        {
            var definition = Definition(symbol);
            if (!Followed(definition) || !CSharpReach.IsSource(definition) && !IsVirtual(definition))
            {
                return [];
            }
            var all = new List<ISymbol> { definition };
            if (IsVirtual(definition))
            {
                all.AddRange(reach.Overriders(definition).Select(Definition));
            }
            var types = all.Select(s => s as INamedTypeSymbol ?? s.ContainingType).OfType<INamedTypeSymbol>().Where(CSharpReach.IsSource).Distinct(SymbolEqualityComparer.Default);
            return all.Where(CSharpReach.IsSource).Concat(types.OfType<INamedTypeSymbol>().SelectMany(t => CSharpReach.Initialization(t).Append(t)));
        }
    }

    private void Warn(SyntaxNode at, CSharpMember member, ISymbol reached, IAssemblySymbol assembly)
    {
        var position = at.GetLocation().GetLineSpan();
        _warnings.Add($"{position.Path}({position.StartLinePosition.Line + 1},{position.StartLinePosition.Character + 1}): warning SCH9022: The C# of {member} " +
            $"uses {reached.ToDisplayString(SymbolDisplayFormat.CSharpErrorMessageFormat)}, which is in the referenced project {assembly.Name}: the preregistration " +
            "lock fingerprints only this project's C#, so an edit there would leave verify at Verified. Move that code into this project, or keep the referenced project unchanged after the lock.");
    }

    private static bool IsVirtual(ISymbol symbol) =>
        symbol is IMethodSymbol or IPropertySymbol or IEventSymbol && (symbol.IsVirtual || symbol.IsAbstract || symbol.IsOverride || symbol.ContainingType?.TypeKind == TypeKind.Interface);

    private static ISymbol Definition(ISymbol symbol)
    {
        symbol = symbol.OriginalDefinition;
        if (symbol is IMethodSymbol { AssociatedSymbol: IPropertySymbol accessorOf })
        {
            symbol = accessorOf.OriginalDefinition;
        }
        return symbol switch
        {
            IMethodSymbol method => (method.ReducedFrom ?? method).PartialImplementationPart ?? method.ReducedFrom ?? method,
            // A partial property's body is its implementation part, which may be in another file.
            IPropertySymbol property => property.PartialImplementationPart ?? property,
            _ => symbol,
        };
    }

    private static bool Followed(ISymbol symbol) => symbol switch
    {
        IMethodSymbol m => m.MethodKind is not (MethodKind.LocalFunction or MethodKind.AnonymousFunction),
        IPropertySymbol or IFieldSymbol or IEventSymbol or INamedTypeSymbol => true,
        _ => false,
    };

    /// <summary>The whole declaration a syntax reference points into (a field's declarator -> the field declaration).</summary>
    private static SyntaxNode? Declaration(SyntaxNode node) => node switch
    {
        VariableDeclaratorSyntax { Parent.Parent: BaseFieldDeclarationSyntax field } => field,
        MemberDeclarationSyntax member => member,
        _ => node.FirstAncestorOrSelf<MemberDeclarationSyntax>(),
    };

    /// <summary>
    /// A type is shown without its members: the members it has are followed one by one where they are used, so
    /// editing an unrelated method of a helper class changes nothing. A record's parameters and the base list stay.
    /// The header is only printed: the stripped node is outside the tree, so no semantic model may be asked about it.
    /// </summary>
    private static string Header(BaseTypeDeclarationSyntax type) => type switch
    {
        TypeDeclarationSyntax t => Normalize(t.WithMembers([])),
        _ => Normalize(type),
    };

    private void ReportSyntaxErrors(SyntaxTree tree, CSharpMember member)
    {
        if (_reported.Contains(tree) || tree.GetDiagnostics().FirstOrDefault(d => d.Severity == DiagnosticSeverity.Error) is not { } error)
        {
            return;
        }
        _reported.Add(tree);
        var at = error.Location.GetLineSpan().StartLinePosition;
        _problems.Add($"{tree.FilePath}({at.Line + 1},{at.Character + 1}): error SCH9021: The C# of {member} (a partial member the suite declares, or code it uses) " +
            $"is in a file with a syntax error ({error.GetMessage(System.Globalization.CultureInfo.InvariantCulture)}), so the preregistration lock cannot fingerprint it. Fix the C# here.");
    }

    /// <summary>Syntax without comments or layout, printed one way.</summary>
    public static string Normalize(SyntaxNode node) =>
        new TriviaStripper().Visit(node).NormalizeWhitespace("    ", "\n").ToFullString().Trim();

    /// <summary>Drops comments, documentation comments, #region lines and whitespace; NormalizeWhitespace puts back the layout.</summary>
    private sealed class TriviaStripper() : CSharpSyntaxRewriter(visitIntoStructuredTrivia: false)
    {
        public override SyntaxTrivia VisitTrivia(SyntaxTrivia trivia) => trivia.Kind() switch
        {
            SyntaxKind.SingleLineCommentTrivia or SyntaxKind.MultiLineCommentTrivia or SyntaxKind.SingleLineDocumentationCommentTrivia
                or SyntaxKind.MultiLineDocumentationCommentTrivia or SyntaxKind.RegionDirectiveTrivia or SyntaxKind.EndRegionDirectiveTrivia
                or SyntaxKind.WhitespaceTrivia or SyntaxKind.EndOfLineTrivia => default,
            _ => trivia,
        };
    }
}
