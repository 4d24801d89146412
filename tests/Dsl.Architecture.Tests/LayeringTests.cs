using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Scheme.Architecture.Tests;

/// <summary>
/// The layers of the toolchain, checked on the built assemblies and on the sources: what generated code references
/// (Scheme.Model, over Scheme.Contracts) depends on nothing else of ours; the engine not on the analyses; the analyses
/// not on the command line; the viewer not on the command line either; the compiler only on the contracts it shares with the runtime. Within and across the
/// assemblies, no namespace depends on itself through others.
/// </summary>
public sealed class LayeringTests
{
    private static readonly string Root = typeof(LayeringTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "RepositoryRoot").Value!;

    /// <summary>Each assembly of ours and the assemblies of ours it may reference.</summary>
    public static readonly TheoryData<string, string[]> Allowed = new()
    {
        { "Scheme.Contracts", [] },
        { "Scheme.Model", ["Scheme.Contracts"] },
        { "Scheme.Engine", ["Scheme.Contracts", "Scheme.Model"] },
        { "Scheme.Analysis", ["Scheme.Contracts", "Scheme.Model", "Scheme.Engine"] },
        // The transcript viewer reads stores and shows analyses; the runner's view command hosts it.
        { "Scheme.Viewer", ["Scheme.Contracts", "Scheme.Model", "Scheme.Engine", "Scheme.Analysis"] },
        { "Scheme.Runtime", ["Scheme.Contracts", "Scheme.Model", "Scheme.Engine", "Scheme.Analysis", "Scheme.Viewer"] },
        { "Scheme.Compiler", ["Scheme.Contracts"] },
    };

    [Theory]
    [MemberData(nameof(Allowed))]
    public void Each_assembly_references_only_the_layers_below_it(string assembly, string[] allowed)
    {
        var references = Assembly.Load(assembly).GetReferencedAssemblies().Select(a => a.Name!)
            .Where(n => n.StartsWith("Scheme.", StringComparison.Ordinal)).ToList();

        Assert.All(references, r => Assert.Contains(r, allowed));
    }

    [Fact]
    public void What_generated_code_references_needs_no_package()
    {
        var model = Assembly.Load("Scheme.Model").GetReferencedAssemblies().Select(a => a.Name!);

        Assert.All(model, n => Assert.True(n.StartsWith("System", StringComparison.Ordinal) || n is "Scheme.Contracts" or "netstandard",
            $"Scheme.Model references {n}: generated runners and every consumer would carry it."));
    }

    [Theory]
    [InlineData("src/Dsl.Contracts", "src/Dsl.Model", "src/Dsl.Engine", "src/Dsl.Analysis", "src/Dsl.Viewer", "src/Dsl.Runtime")]
    [InlineData("src/Dsl.Compiler")]
    public void No_namespace_depends_on_itself_through_others(params string[] projects)
    {
        var graph = NamespaceGraph(projects);

        var cycles = StronglyConnected(graph).Where(c => c.Count > 1).ToList();

        Assert.True(cycles.Count == 0, "Namespace cycles:\n" + string.Join("\n", cycles.Select(c => string.Join(" <-> ", c) + ": " + Edges(graph, c))));
    }

    /// <summary>For every namespace of the sources, the namespaces of ours whose types its code names (resolved by Roslyn).</summary>
    private static Dictionary<string, Dictionary<string, string>> NamespaceGraph(string[] projects)
    {
        var trees = projects.SelectMany(p => Directory.EnumerateFiles(Path.Combine(Root, p), "*.cs", SearchOption.AllDirectories))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Select(f => CSharpSyntaxTree.ParseText(File.ReadAllText(f), path: f))
            .ToList();
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Concat(Directory.EnumerateFiles(AppContext.BaseDirectory, "*.dll").Where(f => !Path.GetFileName(f).StartsWith("Scheme.", StringComparison.Ordinal)))
            .Distinct()
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p));
        var compilation = CSharpCompilation.Create("Layers", trees, references, new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        var graph = new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal);
        foreach (var tree in trees)
        {
            var model = compilation.GetSemanticModel(tree);
            var root = tree.GetRoot();
            var from = root.DescendantNodes().OfType<BaseNamespaceDeclarationSyntax>().FirstOrDefault()?.Name.ToString();
            if (from is null)
            {
                continue;
            }
            var edges = graph.TryGetValue(from, out var e) ? e : graph[from] = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var name in root.DescendantNodes().OfType<SimpleNameSyntax>())
            {
                var symbol = model.GetSymbolInfo(name).Symbol;
                var type = symbol as INamedTypeSymbol ?? symbol?.ContainingType;
                var ns = type?.ContainingNamespace?.ToDisplayString();
                if (ns is not null && ns != from && ns.StartsWith("Scheme.", StringComparison.Ordinal) && !edges.ContainsKey(ns))
                {
                    edges[ns] = $"{Path.GetFileName(tree.FilePath)} names {type!.Name}";
                }
            }
        }
        return graph;
    }

    private static string Edges(Dictionary<string, Dictionary<string, string>> graph, IReadOnlyList<string> cycle) =>
        string.Join("; ", cycle.SelectMany(a => cycle.Where(b => graph.GetValueOrDefault(a)?.ContainsKey(b) == true).Select(b => $"{a} -> {b} ({graph[a][b]})")));

    /// <summary>Tarjan's strongly connected components.</summary>
    private static List<List<string>> StronglyConnected(Dictionary<string, Dictionary<string, string>> graph)
    {
        var index = 0;
        var stack = new Stack<string>();
        var indices = new Dictionary<string, int>();
        var low = new Dictionary<string, int>();
        var onStack = new HashSet<string>();
        var result = new List<List<string>>();
        void Visit(string v)
        {
            indices[v] = low[v] = index++;
            stack.Push(v);
            onStack.Add(v);
            foreach (var w in graph.GetValueOrDefault(v)?.Keys ?? Enumerable.Empty<string>())
            {
                if (!indices.ContainsKey(w))
                {
                    Visit(w);
                    low[v] = Math.Min(low[v], low[w]);
                }
                else if (onStack.Contains(w))
                {
                    low[v] = Math.Min(low[v], indices[w]);
                }
            }
            if (low[v] == indices[v])
            {
                var component = new List<string>();
                string w;
                do
                {
                    w = stack.Pop();
                    onStack.Remove(w);
                    component.Add(w);
                }
                while (w != v);
                result.Add(component);
            }
        }
        foreach (var v in graph.Keys.ToList())
        {
            if (!indices.ContainsKey(v))
            {
                Visit(v);
            }
        }
        return result;
    }
}
