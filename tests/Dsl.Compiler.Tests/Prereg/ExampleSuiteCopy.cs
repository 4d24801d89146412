using Microsoft.CodeAnalysis;
using Scheme.Compiler.Emit;
using Scheme.Compiler.Tests.Golden;
using Scheme.Model;

namespace Scheme.Compiler.Tests.Prereg;

/// <summary>
/// A copy of the shipped example suite (experiments/AntiScheming) for the tamper tests: copied, changed by the test,
/// compiled with the compiler, its generated C# (and any C# of the suite's own) compiled with Roslyn, and its definition
/// loaded, the way the build and the runner would see it.
/// </summary>
internal static class ExampleSuiteCopy
{
    /// <summary>Copies experiments/AntiScheming, without its build output, into <paramref name="directory"/>.</summary>
    public static void CopyTo(string directory)
    {
        var source = Path.Combine(TestPaths.RepositoryRoot, "experiments", "AntiScheming");
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories)
                     .Where(f => Path.GetRelativePath(source, f).Split(Path.DirectorySeparatorChar)[0] is not ("bin" or "obj")))
        {
            var target = Path.Combine(directory, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    /// <summary>Compiles the copy's .scheme files and <paramref name="csharpFiles"/> together and loads the definition.</summary>
    public static ExperimentDefinition Compile(string directory, string assemblyName, EmitOptions? options = null, IReadOnlyList<string>? csharpFiles = null)
    {
        var result = SchemeCompilation.CompileFiles(Directory.EnumerateFiles(directory, "*.scheme"), options ?? new EmitOptions("AntiScheming"), directory);
        Assert.True(result.Success, string.Join("\n", result.Diagnostics));
        var trees = result.GeneratedFiles.Select(f => CSharpBuild.Parse(f.Content, f.FileName))
            .Concat((csharpFiles ?? []).Select(f => CSharpBuild.Parse(File.ReadAllText(f), f))).ToList();
        var (problems, image) = CSharpBuild.Emit(CSharpBuild.Create(assemblyName, trees, OutputKind.ConsoleApplication));
        Assert.True(image is not null, string.Join("\n", problems));
        return (ExperimentDefinition)CSharpBuild.Load(image).GetType("AntiScheming.AntiSchemingStressTest", throwOnError: true)!
            .GetProperty("Definition")!.GetValue(null)!;
    }
}
