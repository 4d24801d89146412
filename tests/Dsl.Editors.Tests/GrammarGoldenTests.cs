namespace Scheme.Editors.Tests;

/// <summary>
/// The TextMate grammar tokenizes every valid sample and the example suite as its golden scope file says
/// (Golden/, one line per token; SCHEME_UPDATE_BASELINES=1 rewrites them: review the diff).
/// </summary>
[Collection("extension")]
public sealed class GrammarGoldenTests(ExtensionFixture extension)
{
    private const string SamplesPrefix = "tests/Dsl.Compiler.Tests/";

    /// <summary>Every valid sample (imported libraries included), every suite under experiments/ and the dotnet new templates' files, relative to the root.</summary>
    private static List<string> Samples() =>
        new[]
            {
                Path.Combine(Repository.Root, "tests", "Dsl.Compiler.Tests", "Samples", "Valid"), Path.Combine(Repository.Root, "experiments"),
                Path.Combine(Repository.Root, "src", "Dsl.Templates", "content"),
            }
            .SelectMany(d => Directory.EnumerateFiles(d, "*.scheme", SearchOption.AllDirectories))
            .Where(p => !p.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj"))
            .Select(p => Path.GetRelativePath(Repository.Root, p).Replace('\\', '/'))
            .Order(StringComparer.Ordinal)
            .ToList();

    private static string GoldenPath(string sample) =>
        Path.Combine(Repository.Golden, (sample.StartsWith(SamplesPrefix, StringComparison.Ordinal) ? sample[SamplesPrefix.Length..] : sample) + ".scopes");

    [Fact]
    public void Every_sample_tokenizes_as_its_golden_scope_file()
    {
        var samples = Samples();
        Assert.Contains("experiments/AntiScheming/suite.scheme", samples);
        Assert.True(samples.Count >= 15, $"only {samples.Count} samples found");
        var scopes = Tokenizer.Files(extension, samples.Select(s => Path.Combine(Repository.Root, s)));

        var failures = new List<string>();
        foreach (var sample in samples)
        {
            var actual = scopes[Path.Combine(Repository.Root, sample)];
            var golden = GoldenPath(sample);
            if (Repository.UpdateBaselines)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(golden)!);
                File.WriteAllText(golden, actual);
                continue;
            }
            if (!File.Exists(golden))
            {
                failures.Add($"{sample}: no golden file {golden} (run with SCHEME_UPDATE_BASELINES=1 and review it)");
                continue;
            }
            var expected = File.ReadAllText(golden).Replace("\r\n", "\n");
            if (expected == actual)
            {
                continue;
            }
            var expectedLines = expected.Split('\n');
            var actualLines = actual.Split('\n');
            var line = Enumerable.Range(0, Math.Max(expectedLines.Length, actualLines.Length))
                .First(i => i >= expectedLines.Length || i >= actualLines.Length || expectedLines[i] != actualLines[i]);
            failures.Add($"{sample}: differs from {golden} at its line {line + 1}:\n" +
                $"- {(line < expectedLines.Length ? expectedLines[line] : "(end)")}\n+ {(line < actualLines.Length ? actualLines[line] : "(end)")}");
        }

        // A golden file whose sample is gone would otherwise rot unnoticed.
        var expectedGoldens = samples.Select(GoldenPath).ToHashSet(StringComparer.Ordinal);
        failures.AddRange(Directory.Exists(Repository.Golden)
            ? Directory.EnumerateFiles(Repository.Golden, "*.scopes", SearchOption.AllDirectories)
                .Where(g => !expectedGoldens.Contains(g)).Select(g => $"{g}: golden file of no sample (delete it)")
            : []);
        Assert.True(failures.Count == 0,
            string.Join("\n\n", failures) + "\n\nIf the change is intended, run the tests with SCHEME_UPDATE_BASELINES=1 and review the golden files.");
    }

    [Fact]
    public void No_token_of_a_valid_sample_is_an_illegal_character()
    {
        // Every character of a valid suite is a token of the lexer, so none may fall through to the grammar's catch-all.
        var samples = Samples();
        var scopes = Tokenizer.Files(extension, samples.Select(s => Path.Combine(Repository.Root, s)));
        var illegal = scopes.SelectMany(f => f.Value.Split('\n').Where(l => l.Contains("invalid.illegal")).Select(l => $"{f.Key}: {l}")).ToList();
        Assert.True(illegal.Count == 0, string.Join("\n", illegal));
    }
}
