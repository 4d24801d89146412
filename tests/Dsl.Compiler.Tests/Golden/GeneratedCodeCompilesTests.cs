using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Scheme.Compiler.Tests.Golden;

/// <summary>
/// The generated C# of every valid sample compiles, with Roslyn, against the real runtime, with no warning.
/// A sample that uses csharp("...") or its own tools keeps their C# in &lt;sample&gt;.impl.cs beside it.
/// </summary>
public sealed class GeneratedCodeCompilesTests
{
    private static readonly Lazy<IReadOnlyList<MetadataReference>> References = new(() =>
        ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!)
            .Split(Path.PathSeparator)
            .Append(typeof(Scheme.Runtime.Model.ExperimentDefinition).Assembly.Location)
            .Distinct()
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))
            .ToList());

    public static IEnumerable<object[]> ValidSamples() => SampleCompiler.Files("Valid");

    [Theory]
    [MemberData(nameof(ValidSamples))]
    public void Generated_code_compiles_cleanly(string sample)
    {
        var result = SampleCompiler.Compile(sample);
        Assert.True(result.Success, string.Join("\n", result.Diagnostics));
        var parseOptions = new CSharpParseOptions(LanguageVersion.Latest);
        var trees = result.GeneratedFiles
            .Select(f => CSharpSyntaxTree.ParseText(f.Content, parseOptions, path: f.FileName))
            .ToList();
        var implementation = Path.Combine(TestPaths.Samples, Path.ChangeExtension(sample, ".impl.cs"));
        if (File.Exists(implementation))
        {
            trees.Add(CSharpSyntaxTree.ParseText(File.ReadAllText(implementation), parseOptions, path: implementation));
        }
        trees.Add(CSharpSyntaxTree.ParseText("global using System; global using System.Linq; global using System.Collections.Generic;", parseOptions));

        var compilation = CSharpCompilation.Create("Sample", trees, References.Value,
            new CSharpCompilationOptions(OutputKind.ConsoleApplication, nullableContextOptions: NullableContextOptions.Enable));
        using var stream = new MemoryStream();
        var emit = compilation.Emit(stream);

        var problems = emit.Diagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning).ToList();
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }
}
