using Scheme.Compiler.Diagnostics;
using Scheme.Compiler.Emit;
using Scheme.Compiler.Tests.Golden;

namespace Scheme.Compiler.Tests.Unit;

/// <summary>
/// The README's tour of the language is a suite a reader copies: it must compile without an error, and its generated C#
/// must compile too. The files it loads are given stand-ins; warnings (a tour declares things no run uses) are allowed.
/// </summary>
public sealed partial class ReadmeTourTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("scheme-tour-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void The_readme_tour_compiles_and_so_does_its_generated_code()
    {
        var readme = File.ReadAllText(Path.Combine(TestPaths.RepositoryRoot, "README.md"));
        var tour = readme[readme.IndexOf("## A tour of the language", StringComparison.Ordinal)..];
        var start = tour.IndexOf("```scheme\n", StringComparison.Ordinal) + "```scheme\n".Length;
        var source = tour[start..tour.IndexOf("\n```", start, StringComparison.Ordinal)];
        Write("tour.scheme", source);
        Write("spec.scheme", "// specs and checkpoints shared between suites would go here\n");
        foreach (var loaded in LoadedFiles().Matches(source).Select(m => m.Groups[1].Value).Distinct())
        {
            Write(loaded, loaded.EndsWith(".json", StringComparison.Ordinal) ? "[\"4\"]" : "A stand-in text.");
        }

        var result = SchemeCompilation.CompileFiles([("tour.scheme", Path.Combine(_directory, "tour.scheme")), ("spec.scheme", Path.Combine(_directory, "spec.scheme"))],
            new EmitOptions("Tour", GenerateEntryPoint: true), _directory);

        Assert.True(result.Diagnostics.All(d => !d.IsError), string.Join("\n", result.Diagnostics));
        var trees = result.GeneratedFiles.Select(f => CSharpBuild.Parse(f.Content, f.FileName)).ToList();
        var (problems, _) = CSharpBuild.Emit(CSharpBuild.Create("Tour", trees, Microsoft.CodeAnalysis.OutputKind.ConsoleApplication));
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    private void Write(string relativePath, string text)
    {
        var path = Path.Combine(_directory, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }

    [System.Text.RegularExpressions.GeneratedRegex("(?:load|rubric)\\(\"([^\"]+)\"\\)")]
    private static partial System.Text.RegularExpressions.Regex LoadedFiles();
}
