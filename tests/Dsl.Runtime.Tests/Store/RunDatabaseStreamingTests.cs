using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Scheme.Analysis;
using Scheme.Engine.Store;
using Scheme.Model;
using static Scheme.Runtime.Tests.Analysis.Fixtures;

namespace Scheme.Runtime.Tests.Store;

/// <summary>
/// The streaming reader of run.db (<see cref="RunDatabase.ReadUnits"/>: SQLite's sort in storage order, rows decoded from
/// its buffers) against the store's per-row decoder (<see cref="RunDatabase.ReadRow"/> over the primary key's order), and
/// what export and analyze make of it: the same records, unreadable rows named, files written all or nothing.
/// </summary>
public sealed class RunDatabaseStreamingTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    private string Db(string run) => Path.Combine(run, SqliteRunStore.FileName);

    [Fact]
    public void The_streaming_reader_reads_hostile_rows_as_the_stores_decoder_does_in_the_same_order()
    {
        var run = Path.Combine(_directory.Path, "run");
        HostileStore.Create(run);
        List<UnitRecord> expected;
        using (var store = SqliteRunStore.Open(run))
        {
            expected = [.. store.Units()];
        }
        var errors = new List<UnitReadError>();

        var streamed = RunDatabase.ReadUnits(Db(run), errors, transcripts: true, resolveSimulated: false).ToList();
        var withoutTranscripts = RunDatabase.ReadUnits(Db(run), errors, resolveSimulated: false).ToList();

        Assert.Empty(errors);
        Assert.Equal(HostileStore.Units, expected.Count);
        Assert.Equal(expected.Select(Show), streamed.Select(Show));
        Assert.Equal(Enumerable.Range(1, HostileStore.Units).Select(i => (long)i), streamed.Select(u => u.Line));
        Assert.Contains(streamed, u => u.TranscriptJson is not null);
        Assert.Equal(expected.Select(u => Show(u with { TranscriptJson = null })), withoutTranscripts.Select(Show));
    }

    [Theory]
    [InlineData("outcomes", "'{\"covert\": tru'")]
    [InlineData("metrics", "'[1, 2]'")]
    [InlineData("missing", "'{\"m\": 3}'")]
    [InlineData("finished_at", "'yesterday'")]
    [InlineData("status", "'maybe'")]
    public void An_unreadable_row_is_named_with_SCH9073_and_left_out_of_an_export_of_the_others(string column, string value)
    {
        var run = Path.Combine(_directory.Path, "run");
        HostileStore.Create(run);
        string damaged;
        using (var connection = new SqliteConnection($"Data Source={Db(run)};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            // A hand-edited file: the table's CHECK would refuse another status, so the edit goes around it.
            command.CommandText = "PRAGMA ignore_check_constraints = 1; " +
                $"UPDATE units SET {column} = {value} WHERE unit_id = (SELECT unit_id FROM units ORDER BY unit_id LIMIT 1 OFFSET 7) RETURNING unit_id;";
            damaged = (string)command.ExecuteScalar()!;
        }
        var file = Path.Combine(_directory.Path, "units.jsonl");

        var (exit, output, errors) = RunHost(Experiment(), "export", run, "--output", file);

        Assert.Equal(Scheme.Runtime.Cli.AnalyzeCommand.MalformedData, exit);
        Assert.Contains($"run.db(8): error SCH9073: Unreadable unit row (unit_id {damaged})", errors);
        Assert.Contains($"Exported {HostileStore.Units - 1} units", output);
        Assert.DoesNotContain("internal error", errors + output);
        var ids = File.ReadLines(file).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("unit_id").GetString()).ToList();
        Assert.Equal(HostileStore.Units - 1, ids.Count);
        Assert.DoesNotContain(damaged, ids);
    }

    [Fact]
    public void An_export_that_cannot_be_written_is_SCH9074_and_leaves_nothing_behind()
    {
        var run = Path.Combine(_directory.Path, "run");
        HostileStore.Create(run);
        var blocker = Path.Combine(_directory.Path, "a-file");
        File.WriteAllText(blocker, "not a folder");
        var folder = Path.Combine(_directory.Path, "a-folder");
        Directory.CreateDirectory(folder);

        foreach (var target in new[] { Path.Combine(blocker, "units.csv"), folder })
        {
            var (exit, _, errors) = RunHost(Experiment(), "export", run, "--format", "csv", "--output", target);

            Assert.Equal(Scheme.Runtime.Cli.RunnerHost.UsageError, exit);
            Assert.Contains($"error SCH9074: cannot write the export {target}", errors);
            Assert.DoesNotContain("internal error", errors);
        }
        Assert.Empty(Directory.GetFiles(folder));
        Assert.Equal(["a-file"], Directory.GetFiles(_directory.Path).Select(Path.GetFileName));
    }

    [Theory]
    [InlineData(ExportFormat.Jsonl)]
    [InlineData(ExportFormat.Csv)]
    [InlineData(ExportFormat.Parquet)]
    public async Task An_export_that_fails_midway_leaves_the_previous_file_and_no_partial_one(ExportFormat format)
    {
        var file = Path.Combine(_directory.Path, "units" + RunExporter.Extension(format));
        await File.WriteAllTextAsync(file, "the previous export");

        static IEnumerable<UnitRecord> FailingAfter(int count)
        {
            foreach (var unit in Units("o3", "A", "baseline", count, covert: 3))
            {
                yield return unit;
            }
            throw new InvalidDataException("the store went away");
        }

        var failure = await Assert.ThrowsAsync<InvalidDataException>(() => RunExporter.ExportAsync(FailingAfter(RunExporter.RowGroupSize + 5), format, file));

        Assert.Equal("the store went away", failure.Message);
        Assert.Equal("the previous export", await File.ReadAllTextAsync(file));
        Assert.Equal([file], Directory.GetFiles(_directory.Path));
    }

    /// <summary>
    /// analyze DIR (streamed, in SQLite's sort order), analyze --data of the run's JSONL export, and the analysis of the
    /// store's rows as its own decoder reads them in key order give the same analysis.json, on a run whose storage order
    /// is not its id order, with a mean metric (sums depend on order), a permutation test (its draws depend on the order
    /// of the values), a paired test, failed units and a unit outside the design.
    /// </summary>
    [Fact]
    public void Analyze_of_the_run_directory_equals_analyze_of_its_export_and_of_the_stores_rows()
    {
        var run = Path.Combine(_directory.Path, "run");
        var experiment = Experiment(
        [
            Hypothesis("H1", new Cell("o3_as"), Direction.Less, new Cell("o3"), "fisher_exact"),
            Hypothesis("H2", new Cell("o3_as"), Direction.Greater, new Cell("o3"), "permutation", metric: "score"),
            Hypothesis("H3", new Cell("o3", Condition: "EvalCue"), Direction.Less, new Cell("o3", Condition: "baseline"), "mcnemar", paired: true),
        ]);
        var random = new Random(7);
        using (var store = SqliteRunStore.Open(run))
        {
            foreach (var checkpoint in new[] { "o3", "o3_as" })
            {
                foreach (var environment in new[] { "A", "B" })
                {
                    foreach (var condition in new[] { "baseline", "EvalCue" })
                    {
                        for (var epoch = 0; epoch < 60; epoch++)
                        {
                            var unit = Unit(checkpoint, environment, condition, epoch, random.NextDouble() < (checkpoint == "o3" ? 0.3 : 0.1),
                                score: random.NextDouble() / 3, finishedAt: new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero).AddSeconds(random.Next(10_000)));
                            // Ids that are hashes, as the runner's are: storage order is not id order.
                            var id = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(unit.UnitId)))[..16];
                            store.Record(epoch % 17 == 5 ? UnitRecord.Failed(new Scheme.Engine.Design.WorkUnit(id, "Main", checkpoint, environment,
                                "default", new Dictionary<string, object>(), condition, epoch, epoch), "timeout", DateTimeOffset.UnixEpoch) : unit with { UnitId = id });
                        }
                    }
                }
            }
        }
        var a = Path.Combine(_directory.Path, "a");
        var b = Path.Combine(_directory.Path, "b");
        var c = Path.Combine(_directory.Path, "c");

        var fromRun = RunHost(experiment, "analyze", run, "--out", a);
        Assert.Equal(0, RunHost(experiment, "export", run).Exit);
        var fromExport = RunHost(experiment, "analyze", "--data", Path.Combine(run, "units.jsonl"), "--labels", Path.Combine(run, "units.labels.jsonl"), "--out", b);
        List<UnitRecord> stored;
        using (var store = SqliteRunStore.Open(run))
        {
            stored = [.. store.Units()];
        }
        Directory.CreateDirectory(c);
        AnalysisJson.Write(ExperimentAnalyzer.Analyze(experiment, new UnitValidator(experiment).Filter(stored, "x", []), new AnalysisOptions(run, Labels: [])),
            Path.Combine(c, "analysis.json"));

        Assert.Equal((0, 0), (fromRun.Exit, fromExport.Exit));
        var expected = Normalized(Path.Combine(c, "analysis.json"));
        Assert.Contains("\"H2\"", expected);
        Assert.Equal(expected, Normalized(Path.Combine(a, "analysis.json")));
        Assert.Equal(expected, Normalized(Path.Combine(b, "analysis.json")));
    }

    /// <summary>analysis.json without what names its input (the run directory or the export).</summary>
    private static string Normalized(string path)
    {
        var root = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(path))!;
        root["data"]!["source"] = "";
        return root.ToJsonString();
    }

    /// <summary>Every field of a record, dictionaries in key order, as text.</summary>
    private static string Show(UnitRecord u) => string.Join(" | ",
        u.UnitId, u.Run, u.Checkpoint, u.Environment, u.Variant, u.Condition, u.Epoch, u.Seed, u.Status,
        Pairs(u.Outcomes), Pairs(u.Metrics), Pairs(u.Missing), Pairs(u.Indeterminate), u.TokensIn, u.TokensOut,
        u.CostUsd is { } cost ? BitConverter.DoubleToInt64Bits(cost) : "null", u.LatencyMs, u.Error ?? "null",
        u.FinishedAt?.ToString("O") ?? "null", u.FinishedAt?.Offset, u.Simulated?.ToString() ?? "null", u.TranscriptJson ?? "null");

    private static string Pairs<T>(IReadOnlyDictionary<string, T> values) =>
        string.Join(", ", values.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={(p.Value is double d ? BitConverter.DoubleToInt64Bits(d) : p.Value)}"));
}

/// <summary>An export killed with SIGKILL mid-file leaves nothing under the export's name; the next export writes it whole.</summary>
public sealed class KilledExportTests : IDisposable
{
    private const int Rows = 400_000;

    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    private static TaskCompletionSource<string> ReadOnThread(StreamReader reader)
    {
        var text = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        new Thread(() => text.SetResult(reader.ReadToEnd())) { IsBackground = true }.Start();
        return text;
    }

    [Fact]
    public async Task An_export_killed_with_sigkill_leaves_no_file_under_its_name()
    {
        var run = Path.Combine(_directory.Path, "run");
        using (var store = SqliteRunStore.Open(run))
        {
            store.Record(Unit("o3", "A", "baseline", 0, covert: true));
        }
        // Enough rows that the export takes a while, in one statement (a transaction per row would take minutes).
        using (var connection = new SqliteConnection($"Data Source={Path.Combine(run, SqliteRunStore.FileName)};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = $"""
                WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {Rows})
                INSERT INTO units (unit_id, run, checkpoint, environment, variant, condition, epoch, seed, status, outcomes, metrics,
                    tokens_in, tokens_out, cost_usd, latency_ms, error, finished_at, simulated)
                SELECT hex(randomblob(8)), 'Main', 'o3', 'A', 'default', 'baseline', i, i, 'done', '{"{"}"covert_action":true{"}"}', '{"{"}"score":0.25{"}"}',
                    100, 50, 0.001, 1000, NULL, '2026-03-01T00:00:00.0000000+00:00', 0 FROM n;
                """;
            command.ExecuteNonQuery();
        }
        var file = Path.Combine(_directory.Path, "out", "units.csv");
        var start = new System.Diagnostics.ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in (string[])[typeof(Program).Assembly.Location, "runner", "SCHEME_TEST_UNUSED_KEY", "1", "export", run, "--format", "csv", "--output", file])
        {
            start.ArgumentList.Add(arg);
        }
        using var child = System.Diagnostics.Process.Start(start)!;
        // Dedicated threads, not ReadToEndAsync: async pipe reads block thread-pool threads on Unix (see KillAndResumeTests).
        var outputs = Task.WhenAll(ReadOnThread(child.StandardOutput).Task, ReadOnThread(child.StandardError).Task);

        // Killed once the export has written part of its file (the temporary one beside the name), watched on this thread.
        var folder = Path.GetDirectoryName(file)!;
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (!child.HasExited && DateTime.UtcNow < deadline
               && !(Directory.Exists(folder) && Directory.GetFiles(folder, ".units.csv.*.tmp").Any(f => new FileInfo(f).Length > 0)))
        {
            Thread.Yield();
        }
        if (child.HasExited)
        {
            Assert.Fail($"The export ended before it could be killed: {string.Join("\n", await outputs)}");
        }
        child.Kill(); // SIGKILL on Unix
        await child.WaitForExitAsync();
        var said = string.Join("\n", await outputs);

        Assert.NotEqual(0, child.ExitCode);
        Assert.False(File.Exists(file), $"a killed export left a file under the export's name (exit {child.ExitCode}: {said})");
        // What it leaves is a hidden temporary file, which the next export neither reads nor needs.
        Assert.Single(Directory.GetFiles(folder, ".units.csv.*.tmp"));
        var (exit, output, errors) = RunHost(Experiment(), "export", run, "--format", "csv", "--output", file);
        Assert.True(exit == 0, errors);
        Assert.Contains($"Exported {Rows + 1} units", output);
        Assert.Equal(Rows + 2, File.ReadLines(file).Count());
    }
}
