using Scheme.Compiler.Emit;
using Scheme.Compiler.Text;

namespace Scheme.Compiler.Tests.Golden;

/// <summary>
/// Compiles a sample with paths relative to the samples folder, so baselines are machine-independent. The sample is
/// read from disk as the command line reads its inputs, and the samples folder is the project.
/// </summary>
internal static class SampleCompiler
{
    public static CompilationResult Compile(string relativePath) =>
        SchemeCompilation.CompileFiles([(relativePath.Replace('\\', '/'), Path.Combine(TestPaths.Samples, relativePath))],
            new EmitOptions("Samples", GenerateEntryPoint: true, CompilerVersion: "test", AbsoluteLinePaths: false), TestPaths.Samples);

    public static SourceFile Read(string relativePath)
    {
        var full = Path.Combine(TestPaths.Samples, relativePath);
        return new SourceFile(relativePath.Replace('\\', '/'), File.ReadAllText(full), full);
    }

    public static IEnumerable<object[]> Files(string folder) =>
        Directory.EnumerateFiles(Path.Combine(TestPaths.Samples, folder), "*.scheme")
            .Select(f => Path.GetRelativePath(TestPaths.Samples, f).Replace('\\', '/'))
            .Order(StringComparer.Ordinal)
            .Select(f => new object[] { f });
}
