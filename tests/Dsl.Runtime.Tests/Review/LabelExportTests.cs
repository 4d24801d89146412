using Scheme.Engine.Store;
using static Scheme.Runtime.Tests.Analysis.Fixtures;
using static Scheme.Runtime.Tests.Review.ReviewFixtures;

namespace Scheme.Runtime.Tests.Review;

/// <summary><c>export</c> writes the run's review labels beside its units in each format, and they read back unchanged:
/// analyzing the export with <c>--labels</c> gives what analyzing the run directory gives.</summary>
public sealed class LabelExportTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData("jsonl")]
    [InlineData("csv")]
    [InlineData("parquet")]
    public void Export_round_trips_every_label_including_hostile_notes(string format)
    {
        var dir = RunDirectory(_temp, covert: 5);
        Label(dir, 0, ReviewVerdict.Confirmed, "ada", "quotes \" and, commas\nand a second line; <script>alert(1)</script>");
        Label(dir, 0, ReviewVerdict.Rejected, "ada", null, minutes: 3);   // supersedes, and is exported with the first
        Label(dir, 1, ReviewVerdict.Unclear, "Zoë \"Z\" O'Neil", "ünïcode ✓");
        Label(dir, 2, ReviewVerdict.Confirmed, "bob", new string('x', ReviewLabels.MaxNoteLength));
        var stored = ReviewLabels.Read(Path.Combine(dir, SqliteRunStore.FileName));

        var (exit, output, errors) = RunHost(Experiment(), "export", dir, "--format", format);

        Assert.Equal((0, ""), (exit, errors));
        var labelsPath = Path.Combine(dir, $"units.labels.{format}");
        Assert.Contains($"Exported 4 review labels to {labelsPath}.", output);
        Assert.Equal(stored, ReviewLabelExport.Read(labelsPath));
    }

    [Theory]
    [InlineData("jsonl")]
    [InlineData("csv")]
    [InlineData("parquet")]
    public void A_run_without_labels_exports_an_empty_labels_file_that_reads_back_empty(string format)
    {
        var dir = RunDirectory(_temp);

        var (exit, output, _) = RunHost(Experiment(), "export", dir, "--format", format);

        Assert.Equal(0, exit);
        Assert.Contains("Exported 0 review labels", output);
        Assert.Empty(ReviewLabelExport.Read(Path.Combine(dir, $"units.labels.{format}")));
    }

    [Fact]
    public void Analyzing_the_export_with_its_labels_gives_what_the_run_directory_gives()
    {
        var dir = RunDirectory(_temp, covert: 6);
        Label(dir, 0, ReviewVerdict.Confirmed, "ada");
        Label(dir, 1, ReviewVerdict.Rejected, "ada");
        Label(dir, 1, ReviewVerdict.Rejected, "bob");
        Label(dir, 2, ReviewVerdict.Confirmed, "bob");
        Assert.Equal(0, RunHost(Experiment(), "export", dir, "--format", "jsonl").Exit);
        var fromRun = RunHost(Experiment(), "analyze", dir, "--out", Path.Combine(_temp.Path, "a"));
        var fromExport = RunHost(Experiment(), "analyze", "--data", Path.Combine(dir, "units.jsonl"), "--labels", Path.Combine(dir, "units.labels.jsonl"),
            "--out", Path.Combine(_temp.Path, "b"));
        var withoutLabels = RunHost(Experiment(), "analyze", "--data", Path.Combine(dir, "units.jsonl"), "--out", Path.Combine(_temp.Path, "c"));

        Assert.Equal((0, 0, 0), (fromRun.Exit, fromExport.Exit, withoutLabels.Exit));
        static string Review(string output) => output[output.IndexOf("Review coverage", StringComparison.Ordinal)..output.IndexOf("Note:", StringComparison.Ordinal)];
        Assert.Equal(Review(fromRun.Output), Review(fromExport.Output));
        Assert.Contains("ada vs bob: 1 of 1 agree", fromExport.Output);
        Assert.Contains("none were read", withoutLabels.Output);
    }

    [Fact]
    public void A_labels_file_that_is_not_one_is_refused_as_bad_input()
    {
        var dir = RunDirectory(_temp);
        Assert.Equal(0, RunHost(Experiment(), "export", dir, "--format", "jsonl").Exit);
        var forged = Path.Combine(_temp.Path, "forged.labels.csv");
        File.WriteAllText(forged, "seq,unit_id,outcome,verdict,reviewer,note,at\n1,u,covert_action,confirmed,\"ada\u0007\",,2026-11-30T08:00:00.0000000+00:00\n");

        var (exit, output, errors) = RunHost(Experiment(), "analyze", "--data", Path.Combine(dir, "units.jsonl"), "--labels", forged);

        Assert.Equal(2, exit);
        Assert.Contains("is not a review labels file", errors);
        Assert.Contains("no control characters", errors);
        Assert.Equal("", output);
    }
}

/// <summary>A labels file with a null line or null fields is bad input with the file's name, never a crash.</summary>
public sealed class MalformedLabelFileTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Theory]
    [InlineData("null")]
    [InlineData("{\"seq\":1,\"unit_id\":\"u1\",\"outcome\":null,\"verdict\":\"confirmed\",\"reviewer\":\"ada\",\"at\":\"2026-11-30T09:00:00Z\"}")]
    [InlineData("{\"seq\":1,\"unit_id\":null,\"outcome\":\"x\",\"verdict\":\"confirmed\",\"reviewer\":\"ada\",\"at\":\"2026-11-30T09:00:00Z\"}")]
    public void A_null_line_or_field_is_refused_as_not_a_labels_file(string line)
    {
        var path = Path.Combine(_directory.Path, "units.labels.jsonl");
        File.WriteAllText(path, line + "\n");
        var error = Assert.Throws<InvalidDataException>(() => Scheme.Engine.Store.ReviewLabelExport.Read(path));
        Assert.Contains("is not a review labels file", error.Message);
    }
}
