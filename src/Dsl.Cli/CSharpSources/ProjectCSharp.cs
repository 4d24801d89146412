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
public sealed class ProjectCSharp(IReadOnlyList<string> paths) : ICSharpImplementations
{
    private readonly List<string> _problems = [];
    private readonly HashSet<SyntaxTree> _reported = [];
    private readonly Dictionary<SyntaxTree, SemanticModel> _models = [];

    /// <summary>Diagnostics in the canonical <c>file(line,col): error SCHnnnn: ...</c> form: files that could not be read or parsed.</summary>
    public IReadOnlyList<string> Problems => _problems;

    public IReadOnlyDictionary<CSharpMember, string> CanonicalTexts(IReadOnlyList<CSharpMember> members)
    {
        var result = new Dictionary<CSharpMember, string>();
        if (members.Count == 0 || paths.Count == 0)
        {
            return result;
        }
        _models.Clear();
        var compilation = Compile();
        var wanted = members.ToHashSet();
        var implementations = compilation.SyntaxTrees
            .SelectMany(t => t.GetRoot().DescendantNodes().OfType<MethodDeclarationSyntax>())
            // The implementing half of a partial method: `partial`, with a body, in the generated class's other half.
            .Where(m => (m.Body is not null || m.ExpressionBody is not null) && m.Modifiers.Any(SyntaxKind.PartialKeyword) && m.Parent is TypeDeclarationSyntax)
            .Select(m => (Member: new CSharpMember(((TypeDeclarationSyntax)m.Parent!).Identifier.ValueText, m.Identifier.ValueText), Syntax: m))
            .Where(m => wanted.Contains(m.Member))
            .GroupBy(m => m.Member);
        foreach (var implementation in implementations)
        {
            // Two implementations of one member is the C# compiler's error; both are fingerprinted meanwhile.
            result[implementation.Key] = Canonical(compilation, implementation.Key, implementation.Select(i => i.Syntax).ToList());
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
        // The core library resolves overloads on BCL types; nothing else is referenced, as nothing else is followed.
        return CSharpCompilation.Create("SchemePreregistration", trees, [MetadataReference.CreateFromFile(typeof(object).Assembly.Location)]);
    }

    /// <summary>The implementation, then every declaration of the project it uses, each under a line naming it.</summary>
    private string Canonical(CSharpCompilation compilation, CSharpMember member, IReadOnlyList<MethodDeclarationSyntax> roots)
    {
        var printed = new HashSet<SyntaxNode>();
        var sections = new List<(string Header, string Text)>();
        var pending = new Queue<(string Header, SyntaxNode Node)>(roots.Select(r => ($"// {member}", (SyntaxNode)r)));
        var rootCount = roots.Count;
        while (pending.TryDequeue(out var item))
        {
            var node = Declaration(item.Node);
            if (node is null || !printed.Add(node))
            {
                continue;
            }
            ReportSyntaxErrors(node.SyntaxTree, member);
            var shown = node is BaseTypeDeclarationSyntax type ? Header(type) : node;
            sections.Add((item.Header, Normalize(shown)));
            // One semantic model per file: each binds lazily and keeps what it bound, so helpers shared by many members are bound once.
            if (!_models.TryGetValue(node.SyntaxTree, out var model))
            {
                _models[node.SyntaxTree] = model = compilation.GetSemanticModel(node.SyntaxTree);
            }
            foreach (var symbol in shown.DescendantNodesAndSelf().SelectMany(n => Referenced(model, n)))
            {
                foreach (var reference in symbol.DeclaringSyntaxReferences)
                {
                    pending.Enqueue(($"// {symbol.ToDisplayString(SymbolDisplayFormat.CSharpErrorMessageFormat)}", reference.GetSyntax()));
                }
            }
        }
        // The implementation first; the rest by name, so the text does not depend on file order or on where a helper lives.
        var ordered = sections.Take(rootCount).Concat(sections.Skip(rootCount).OrderBy(s => s.Header, StringComparer.Ordinal).ThenBy(s => s.Text, StringComparer.Ordinal));
        return string.Join("\n\n", ordered.Select(s => s.Header + "\n" + s.Text));
    }

    /// <summary>The project symbols a node names: methods (the implementation part of a partial), properties, fields, events, types.</summary>
    private static IEnumerable<ISymbol> Referenced(SemanticModel model, SyntaxNode node)
    {
        if (node is not (SimpleNameSyntax or BaseObjectCreationExpressionSyntax or ElementAccessExpressionSyntax or ConstructorInitializerSyntax))
        {
            return [];
        }
        var info = model.GetSymbolInfo(node);
        var symbols = info.Symbol is { } s ? [s] : info.CandidateSymbols.ToArray();
        return symbols.Select(Definition).Where(Followed);
    }

    private static ISymbol Definition(ISymbol symbol)
    {
        symbol = symbol.OriginalDefinition;
        return symbol is IMethodSymbol method ? (method.ReducedFrom ?? method).PartialImplementationPart ?? method.ReducedFrom ?? method : symbol;
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
    /// </summary>
    private static SyntaxNode Header(BaseTypeDeclarationSyntax type) => type switch
    {
        TypeDeclarationSyntax t => t.WithMembers([]),
        EnumDeclarationSyntax e => e,
        _ => type,
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
