using System.Runtime.CompilerServices;
using Parquet.Serialization;
using Scheme.Engine.Store;
using Scheme.Runtime.Cli;
using Scheme.Runtime.Tests.Engine;

namespace Scheme.Runtime.Tests.Store;

/// <summary>
/// <c>export</c> streams rows from run.db and writes them as they come, and its files are those the exporter wrote when it
/// held the run in memory: the golden files in ExportGolden/ were written by that exporter (commit 67e4d9f) from
/// <see cref="HostileStore"/>, and the streaming one must write JSONL and CSV byte for byte the same, and Parquet with the
/// same values (read back with Parquet.Net). <c>SCHEME_UPDATE_BASELINES=1</c> rewrites them: only do that for a deliberate
/// change of the export format, and say so in the commit.
/// </summary>
public sealed class StreamingExportTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    private static string Golden([CallerFilePath] string here = "") => Path.Combine(Path.GetDirectoryName(here)!, "ExportGolden");

    private static bool Update => Environment.GetEnvironmentVariable("SCHEME_UPDATE_BASELINES") == "1";

    private (int Code, string Output, string Errors) Export(params string[] args)
    {
        var output = new StringWriter();
        var errors = new StringWriter();
        var code = RunnerHost.Run(["export", .. args], TestExperiments.Agentic("SCHEME_TEST_KEY_UNUSED"), output, errors, CancellationToken.None);
        return (code, output.ToString(), errors.ToString());
    }

    [Theory]
    [InlineData("jsonl")]
    [InlineData("csv")]
    public void Jsonl_and_csv_of_hostile_rows_are_byte_identical_to_the_in_memory_exporters(string format)
    {
        var run = Path.Combine(_directory.Path, "run");
        HostileStore.Create(run);
        var file = Path.Combine(_directory.Path, "out", "units." + format);

        var (code, output, errors) = Export(run, "--format", format, "--output", file);

        Assert.True(code == RunnerHost.Success, errors);
        Assert.Contains($"Exported {HostileStore.Units} units", output);
        foreach (var (written, golden) in new[] { (file, "hostile." + format), (ReviewLabelExport.PathBeside(file), "hostile.labels." + format) })
        {
            var expected = Path.Combine(Golden(), golden);
            if (Update)
            {
                Directory.CreateDirectory(Golden());
                File.Copy(written, expected, overwrite: true);
            }
            var want = File.ReadAllBytes(expected);
            var got = File.ReadAllBytes(written);
            Assert.True(want.AsSpan().SequenceEqual(got), $"{golden} differs; first difference at byte {want.AsSpan().CommonPrefixLength(got)}");
        }
        // Nothing but the export and its labels: no temp file is left beside them.
        Assert.Equal(["units." + format, "units.labels." + format], Directory.GetFiles(Path.GetDirectoryName(file)!).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Parquet_of_hostile_rows_has_the_in_memory_exporters_values()
    {
        var run = Path.Combine(_directory.Path, "run");
        HostileStore.Create(run);
        var file = Path.Combine(_directory.Path, "units.parquet");

        var (code, _, errors) = Export(run, "--format", "parquet", "--output", file);

        Assert.True(code == RunnerHost.Success, errors);
        var expected = Path.Combine(Golden(), "hostile.parquet");
        if (Update)
        {
            File.Copy(file, expected, overwrite: true);
        }
        var want = (await ParquetSerializer.DeserializeAsync<RunExporter.Row>(expected)).Data;
        var got = (await ParquetSerializer.DeserializeAsync<RunExporter.Row>(file)).Data;
        Assert.Equal(HostileStore.Units, want.Count);
        Assert.Equal(want.Select(Fields), got.Select(Fields));
        if (Update)
        {
            File.Copy(ReviewLabelExport.PathBeside(file), Path.Combine(Golden(), "hostile.labels.parquet"), overwrite: true);
        }
        var labelsWant = ReviewLabelExport.Read(Path.Combine(Golden(), "hostile.labels.parquet"));
        Assert.Equal(5, labelsWant.Count);
        Assert.Equal(labelsWant, ReviewLabelExport.Read(ReviewLabelExport.PathBeside(file)));
    }

    /// <summary>Every column of a row, as text that tells null from empty and keeps a double's every bit.</summary>
    private static string Fields(RunExporter.Row row) => string.Join("\u0000", typeof(RunExporter.Row).GetProperties().Select(p => p.GetValue(row) switch
    {
        null => "<null>",
        double d => BitConverter.DoubleToInt64Bits(d).ToString(System.Globalization.CultureInfo.InvariantCulture),
        var v => $"{v.GetType().Name}:{v}",
    }));
}
