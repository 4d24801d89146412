using Scheme.Compiler.Diagnostics;

namespace Scheme.Compiler.Tests.Golden;

/// <summary>
/// Each valid sample has its generated C# beside it (&lt;file&gt;.scheme.g.cs) and must compile with no error
/// or warning; each invalid sample has its expected diagnostics beside it (&lt;file&gt;.scheme.diagnostics).
/// </summary>
public sealed class GoldenFileTests
{
    public static IEnumerable<object[]> ValidSamples() => SampleCompiler.Files("Valid");

    public static IEnumerable<object[]> InvalidSamples() => SampleCompiler.Files("Invalid");

    [Theory]
    [MemberData(nameof(ValidSamples))]
    public void Valid_sample_compiles_without_diagnostics_to_its_baseline(string sample)
    {
        var result = SampleCompiler.Compile(sample);

        Assert.True(result.Diagnostics.Count == 0, string.Join("\n", result.Diagnostics));
        Assert.NotEmpty(result.GeneratedFiles);
        foreach (var file in result.GeneratedFiles)
        {
            Baseline.Assert(Path.Combine(TestPaths.Samples, file.SourcePath + ".g.cs"), file.Content);
        }
    }

    [Theory]
    [MemberData(nameof(InvalidSamples))]
    public void Invalid_sample_reports_its_baseline_diagnostics(string sample)
    {
        var result = SampleCompiler.Compile(sample);

        Assert.Contains(result.Diagnostics, d => d.Severity == DiagnosticSeverity.Error || sample.Contains("warning", StringComparison.Ordinal));
        // Messages about missing files name the folder searched, which is an absolute path; baselines keep it
        // relative to the samples folder so they do not depend on where the repository is checked out.
        var diagnostics = string.Concat(result.Diagnostics.Select(d => d + "\n"))
            .Replace(TestPaths.Samples.Replace('\\', '/'), "<Samples>", StringComparison.Ordinal)
            .Replace(TestPaths.Samples, "<Samples>", StringComparison.Ordinal);
        Baseline.Assert(Path.Combine(TestPaths.Samples, sample + ".diagnostics"), diagnostics);
    }

    [Fact]
    public void Every_diagnostic_code_has_an_invalid_sample()
    {
        var reported = SampleCompiler.Files("Invalid")
            .Select(f => (string)f[0])
            .SelectMany(f => SampleCompiler.Compile(f).Diagnostics)
            .Select(d => d.Code)
            .ToHashSet();
        var missing = DiagnosticCatalog.All.Select(d => d.Code).Where(c => !reported.Contains(c)).ToList();

        Assert.True(missing.Count == 0, "No invalid sample reports: " + string.Join(", ", missing));
    }

    [Fact]
    public void There_are_at_least_sixty_invalid_samples() =>
        Assert.True(SampleCompiler.Files("Invalid").Count() >= 60, $"Only {SampleCompiler.Files("Invalid").Count()} invalid samples.");
}
