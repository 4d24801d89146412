using System.Diagnostics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Scheme.Compiler.Emit;
using Scheme.Compiler.Tests.Golden;
using Scheme.Compiler.Text;
using Scheme.Model;
using Xunit.Abstractions;

namespace Scheme.Compiler.Tests.Fuzz;

/// <summary>
/// Nothing in a .scheme file, or in the names of the files and folders that hold it, may become code. Thousands
/// of suites with hostile text in every string, name and path are compiled; each must either be refused with an
/// SCH error or compile, with Roslyn against the real runtime, to exactly the declared members: the same C# syntax,
/// node for node, as the same suite with plain values, no other type, member or attribute (such as
/// [ModuleInitializer]), and every string value read back exactly. Suites are compiled by Roslyn in batches.
/// </summary>
[Collection(LargeCompilations.Name)]
public sealed class EmitterFuzzTests(ITestOutputHelper output)
{
    // 2,400 suites of some 45 hostile strings, names and paths each; the compiler front end, not Roslyn, takes most of the time.
    private const int Batches = 8;
    private const int SuitesPerBatch = 300;

    /// <summary>The refusals a hostile suite may earn: each names something C# cannot hold or the language forbids.</summary>
    private static readonly HashSet<string> Refusals =
    [
        "SCH0308", "SCH0309", "SCH0310", "SCH0311", // base_url, api_key_env, workspace paths, csharp() method names that are not what they must be
        "SCH0126", // a declaration named like something the generated code needs
        "SCH0134", // a declaration and a C# method of one name
        "SCH0129", // a path a #line directive cannot hold
        "SCH0130", // two names that would become one C# member
        "SCH0131", // a name longer than C# allows
        "SCH0501", "SCH0502", // a hostile prompt that is not a valid template
    ];

    [Fact]
    public void Hostile_text_in_every_position_is_refused_or_compiles_to_exactly_the_declared_members()
    {
        using var files = new FuzzFiles(seed: 1, folders: 12);
        var stopwatch = Stopwatch.StartNew();
        var reference = Reference(files);
        var refused = new Dictionary<string, int>();
        var accepted = 0;
        for (var batch = 0; batch < Batches; batch++)
        {
            var trees = new List<SyntaxTree>();
            var suites = new List<(int Seed, HostileSuite Suite, string Namespace)>();
            for (var i = 0; i < SuitesPerBatch; i++)
            {
                var seed = batch * SuitesPerBatch + i;
                var suite = HostileSuite.Create(seed, new Random(seed), files, plain: false);
                var options = new EmitOptions(suite.Namespace, GenerateEntryPoint: true);
                var result = Compile(suite, options, seed);
                var errors = result.Diagnostics.Where(d => d.IsError).ToList();
                if (errors.Count > 0)
                {
                    var unexpected = errors.FirstOrDefault(e => !Refusals.Contains(e.Code));
                    Assert.True(unexpected is null, $"Seed {seed}: refused with an unexpected diagnostic: {unexpected}\n{suite.Text}");
                    Assert.Empty(result.GeneratedFiles);
                    foreach (var code in errors.Select(e => e.Code).Distinct())
                    {
                        refused[code] = refused.GetValueOrDefault(code) + 1;
                    }
                    continue;
                }
                accepted++;
                var generated = result.GeneratedFiles.Select(f => (f, Tree: CSharpBuild.Parse(f.Content, $"{seed}/{f.FileName}"))).ToList();
                foreach (var (file, tree) in generated)
                {
                    var kind = file.SourcePath == suite.Path ? "suite" : "import";
                    Assert.True(Shape(tree).SequenceEqual(reference[kind]),
                        $"Seed {seed}: the C# of the {kind} file differs in shape from the plain suite's:\n{FirstDifference(Shape(tree), reference[kind])}\n{file.Content}");
                }
                var literals = generated.SelectMany(g => StringLiterals(g.Tree)).ToHashSet(StringComparer.Ordinal);
                var missing = suite.Stored.Concat(suite.InLambdas).FirstOrDefault(v => !literals.Contains(v));
                Assert.True(missing is null, $"Seed {seed}: no C# string literal holds the value {Show(missing)}.");
                trees.AddRange(generated.Select(g => g.Tree));
                trees.Add(Implementation(generated.Select(g => g.Tree), seed));
                suites.Add((seed, suite, options.Namespace));
            }
            CheckBatch(batch, trees, suites);
        }
        var total = Batches * SuitesPerBatch;
        output.WriteLine($"{total} hostile suites in {stopwatch.Elapsed.TotalSeconds:F1} s: {accepted} compiled exactly, refused: " +
            string.Join(", ", refused.OrderBy(r => r.Key).Select(r => $"{r.Key} x{r.Value}")));
        // Both outcomes must be common, or the generator has stopped putting hostile text where it matters.
        Assert.InRange(accepted, total / 5, total - total / 5);
    }

    /// <summary>Roslyn compiles the batch with no error or warning; then its symbols and its values are checked.</summary>
    private static void CheckBatch(int batch, List<SyntaxTree> trees, List<(int Seed, HostileSuite Suite, string Namespace)> suites)
    {
        var compilation = CSharpBuild.Create($"Fuzz{batch}", trees);
        var (problems, image) = CSharpBuild.Emit(compilation);
        Assert.True(problems.Count == 0, $"Batch {batch}: {problems.Count} C# problems (trees are named seed/file): " +
            string.Join("\n", problems.Take(5)));
        Assert.Empty(compilation.Assembly.GetAttributes());
        Assert.Empty(compilation.SourceModule.GetAttributes());
        var assembly = CSharpBuild.Load(image!);
        foreach (var (seed, suite, ns) in suites)
        {
            CheckSymbols(compilation, suite, ns, seed);
            var experimentType = compilation.GetSymbolsWithName(_ => true, SymbolFilter.Type)
                .OfType<INamedTypeSymbol>().Single(t => t.ContainingNamespace.ToDisplayString() == ns && t.Name == suite.Experiment);
            var definition = (ExperimentDefinition)assembly.GetType(experimentType.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat)
                .Replace("global::", "").Replace("@", ""), throwOnError: true)!.GetProperty("Definition")!.GetValue(null)!;
            var strings = new HashSet<string>(StringComparer.Ordinal);
            Collect(definition, strings);
            var missing = suite.Stored.FirstOrDefault(v => !strings.Contains(v));
            Assert.True(missing is null, $"Seed {seed}: the runtime's definition holds no string {Show(missing)}.");
        }
    }

    /// <summary>The suite's namespace holds its file class, the imported file's class, the experiment and the runner's Main: nothing else.</summary>
    private static void CheckSymbols(CSharpCompilation compilation, HostileSuite suite, string ns, int seed)
    {
        var types = compilation.GetSymbolsWithName(_ => true, SymbolFilter.Type).OfType<INamedTypeSymbol>()
            .Where(t => t.ContainingNamespace.ToDisplayString() == ns).ToList();
        Assert.True(types.All(t => t.ContainingType is null), $"Seed {seed}: a nested type was declared: {string.Join(", ", types)}");
        var experiment = types.Single(t => t.Name == suite.Experiment);
        var program = types.Single(t => t.Name == "SchemeRunnerProgram");
        var classes = types.Except([experiment, program]).ToList();
        Assert.True(classes.Count == 2, $"Seed {seed}: expected the suite's and the import's class, found {string.Join(", ", types.Select(t => t.Name))}");
        var suiteClass = classes.Single(c => c.GetMembers().OfType<IFieldSymbol>().Any(f => f.Name == suite.Fields[0]));
        var importClass = classes.Single(c => !SymbolEqualityComparer.Default.Equals(c, suiteClass));
        Assert.Equal(Sorted(suite.Fields.Concat(suite.Methods)), Names(suiteClass));
        Assert.Equal([suite.ImportedCheckpoint], Names(importClass));
        Assert.Equal(["Definition"], Names(experiment));
        Assert.Equal(["Main"], Names(program));
        foreach (var symbol in types.SelectMany(t => t.GetMembers().Append(t)))
        {
            Assert.True(symbol.GetAttributes().Length == 0, $"Seed {seed}: {symbol} has attributes: {string.Join(", ", symbol.GetAttributes())}");
        }
    }

    private static List<string> Names(INamedTypeSymbol type) =>
        Sorted(type.GetMembers().Where(m => !m.IsImplicitlyDeclared && m is not IMethodSymbol { AssociatedSymbol: not null }).Select(m => m.Name));

    private static List<string> Sorted(IEnumerable<string> names) => names.Distinct().Order(StringComparer.Ordinal).ToList();

    /// <summary>The plain suite's C# shape, per generated file (the suite's and the imported one's).</summary>
    private static Dictionary<string, List<SyntaxKind>> Reference(FuzzFiles files)
    {
        var suite = HostileSuite.Create(-1, new Random(0), files, plain: true);
        var result = Compile(suite, new EmitOptions(suite.Namespace), -1);
        Assert.True(result.Success, string.Join("\n", result.Diagnostics));
        return result.GeneratedFiles.ToDictionary(f => f.SourcePath == suite.Path ? "suite" : "import", f => Shape(CSharpBuild.Parse(f.Content, f.FileName)));
    }

    private static CompilationResult Compile(HostileSuite suite, EmitOptions options, int seed)
    {
        try
        {
            return SchemeCompilation.Compile([new SourceFile(suite.Path, suite.Text, suite.FullPath)], options);
        }
        catch (Exception e)
        {
            throw new Xunit.Sdk.XunitException($"Seed {seed}: the compiler threw {e}\n{suite.Text}");
        }
    }

    /// <summary>
    /// Every node's kind, structured trivia (directives, doc comments) included, except where the namespace is named
    /// (its declaration, and global::Namespace in qualified names), whose parts differ from suite to suite.
    /// </summary>
    private static List<SyntaxKind> Shape(SyntaxTree tree)
    {
        var root = tree.GetRoot();
        var nsName = root.DescendantNodes().OfType<BaseNamespaceDeclarationSyntax>().Single().Name;
        var qualified = "global::" + nsName;
        var skipped = new HashSet<SyntaxNode> { nsName };
        foreach (var alias in root.DescendantNodes().OfType<AliasQualifiedNameSyntax>())
        {
            SyntaxNode? node = alias;
            while (node is ExpressionSyntax && node.ToString() != qualified)
            {
                node = node.Parent;
            }
            if (node is not null && node.ToString() == qualified)
            {
                skipped.Add(node);
            }
        }
        return root.DescendantNodes(n => !skipped.Contains(n), descendIntoTrivia: true)
            .Where(n => !skipped.Contains(n))
            .Select(n => n.Kind())
            .ToList();
    }

    private static string FirstDifference(List<SyntaxKind> actual, List<SyntaxKind> expected)
    {
        var i = 0;
        while (i < actual.Count && i < expected.Count && actual[i] == expected[i])
        {
            i++;
        }
        return $"node {i}: {(i < actual.Count ? actual[i] : "end")} where the plain suite has {(i < expected.Count ? expected[i] : "end")}";
    }

    private static IEnumerable<string> StringLiterals(SyntaxTree tree) =>
        tree.GetRoot().DescendantNodes().OfType<LiteralExpressionSyntax>()
            .Where(l => l.IsKind(SyntaxKind.StringLiteralExpression))
            .Select(l => l.Token.ValueText);

    /// <summary>A body for every partial method the generated code declares, as the researcher's C# would give.</summary>
    private static SyntaxTree Implementation(IEnumerable<SyntaxTree> generated, int seed)
    {
        var code = new System.Text.StringBuilder();
        foreach (var tree in generated)
        {
            var root = tree.GetRoot();
            var ns = root.DescendantNodes().OfType<BaseNamespaceDeclarationSyntax>().Single().Name.ToString();
            foreach (var type in root.DescendantNodes().OfType<ClassDeclarationSyntax>())
            {
                var methods = type.Members.OfType<MethodDeclarationSyntax>().Where(m => m.Body is null && m.ExpressionBody is null).ToList();
                if (methods.Count == 0)
                {
                    continue;
                }
                code.Append($"namespace {ns} {{ using global::Scheme.Model;\n");
                code.Append($"public static partial class {type.Identifier.Text} {{\n");
                foreach (var method in methods)
                {
                    code.Append($"public static partial {method.ReturnType} {method.Identifier.Text}{method.ParameterList} => default!;\n");
                }
                code.Append("} }\n");
            }
        }
        return CSharpBuild.Parse(code.ToString(), $"{seed}/impl.cs");
    }

    /// <summary>Every string reachable from a definition: names, texts, paths, edits, digests.</summary>
    private static void Collect(object? value, HashSet<string> strings)
    {
        switch (value)
        {
            case null or Delegate:
                return;
            case string s:
                strings.Add(s);
                return;
            case System.Collections.IEnumerable items:
                foreach (var item in items)
                {
                    Collect(item, strings);
                }
                return;
        }
        var type = value.GetType();
        if (type.Namespace?.StartsWith("Scheme.Model", StringComparison.Ordinal) != true || type.IsEnum)
        {
            return;
        }
        foreach (var property in type.GetProperties(System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.Public).Where(p => p.GetIndexParameters().Length == 0 && p.Name != "EqualityContract"))
        {
            Collect(property.GetValue(value), strings);
        }
    }

    private static string Show(string? value) =>
        value is null ? "null" : string.Concat(value.Select(c => c is >= ' ' and < '\u007f' ? c.ToString() : $"\\u{(int)c:X4}"));
}
