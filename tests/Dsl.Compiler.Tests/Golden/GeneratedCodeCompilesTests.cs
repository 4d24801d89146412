using Microsoft.CodeAnalysis;

namespace Scheme.Compiler.Tests.Golden;

/// <summary>
/// The generated C# of every valid sample compiles, with Roslyn, against the real runtime, with no warning.
/// A sample that uses csharp("...") or its own tools keeps their C# in &lt;sample&gt;.impl.cs beside it.
/// </summary>
public sealed class GeneratedCodeCompilesTests
{
    public static IEnumerable<object[]> ValidSamples() => SampleCompiler.Files("Valid");

    [Theory]
    [MemberData(nameof(ValidSamples))]
    public void Generated_code_compiles_cleanly(string sample)
    {
        var result = SampleCompiler.Compile(sample);
        Assert.True(result.Success, string.Join("\n", result.Diagnostics));
        var trees = result.GeneratedFiles.Select(f => CSharpBuild.Parse(f.Content, f.FileName)).ToList();
        var implementation = Path.Combine(TestPaths.Samples, Path.ChangeExtension(sample, ".impl.cs"));
        if (File.Exists(implementation))
        {
            trees.Add(CSharpBuild.Parse(File.ReadAllText(implementation), implementation));
        }

        var (problems, _) = CSharpBuild.Emit(CSharpBuild.Create("Sample", trees, OutputKind.ConsoleApplication));

        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }
}
