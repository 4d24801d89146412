using Microsoft.CodeAnalysis;
using Scheme.Compiler.Emit;
using Scheme.Compiler.Tests.Golden;
using Scheme.Model;

namespace Scheme.Compiler.Tests.Library;

/// <summary>experiments/InContextScheming compiled as the build compiles it: the compiler, then its generated C# through
/// Roslyn, then the definition loaded. Compiled once for the tests that read it.</summary>
internal static class InContextSchemingSuite
{
    public static string Directory { get; } = Path.Combine(TestPaths.RepositoryRoot, "experiments", "InContextScheming");

    public static Lazy<ExperimentDefinition> Definition { get; } = new(Compile);

    private static ExperimentDefinition Compile()
    {
        var result = SchemeCompilation.CompileFiles(System.IO.Directory.EnumerateFiles(Directory, "*.scheme"), new EmitOptions("InContextScheming"), Directory);
        Assert.True(result.Success, string.Join("\n", result.Diagnostics));
        var trees = result.GeneratedFiles.Select(f => CSharpBuild.Parse(f.Content, f.FileName)).ToList();
        var (problems, image) = CSharpBuild.Emit(CSharpBuild.Create("InContextSchemingSuite", trees, OutputKind.ConsoleApplication));
        Assert.True(image is not null, string.Join("\n", problems));
        return (ExperimentDefinition)CSharpBuild.Load(image).GetType("InContextScheming.InContextSchemingStudy", throwOnError: true)!
            .GetProperty("Definition")!.GetValue(null)!;
    }
}
