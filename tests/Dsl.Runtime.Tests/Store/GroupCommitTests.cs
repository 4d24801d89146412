using System.Diagnostics;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Scheme.Engine.Design;
using Scheme.Engine.Store;
using Scheme.Runtime.Cli;
using Scheme.Runtime.Tests.Engine;

namespace Scheme.Runtime.Tests.Store;

/// <summary>
/// The store's group commit: when a group becomes visible to another process (full group, deadline), that the store's own
/// reads see every unit it was given, that Dispose commits, and that a group that cannot be written stops the run with
/// its reason (SCH9070) rather than vanishing on the writer thread.
/// </summary>
public sealed class GroupCommitTests : IDisposable
{
    private static readonly DateTimeOffset Finished = new(2026, 11, 30, 10, 0, 0, TimeSpan.Zero);
    private static readonly GroupCommit Never = new(1_000_000, TimeSpan.FromHours(1));
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    private string RunDirectory => Path.Combine(_directory.Path, "run");

    private static UnitRecord Row(string id, bool done = true) => new(id, "Main", "m", "Env", "default", "baseline", 0, 7,
        done ? UnitStatus.Done : UnitStatus.Failed, new Dictionary<string, bool> { ["x"] = true }, new Dictionary<string, double?> { ["x_rate"] = 1 },
        Error: done ? null : "boom", FinishedAt: Finished);

    /// <summary>Rows another connection sees: what is committed, not what is queued.</summary>
    private long Committed()
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Path.Combine(RunDirectory, SqliteRunStore.FileName), Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM units;";
        return (long)command.ExecuteScalar()!;
    }

    /// <summary>Polls the committed row count (the observable event) until it reaches <paramref name="count"/>.</summary>
    private void WaitForCommitted(long count)
    {
        var clock = Stopwatch.StartNew();
        while (Committed() < count)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"only {Committed()} of {count} rows committed after 30 s");
            Thread.Yield();
        }
    }

    [Fact]
    public void A_full_group_is_committed_without_waiting_for_its_deadline()
    {
        using var store = SqliteRunStore.Open(RunDirectory, new GroupCommit(3, TimeSpan.FromHours(1)));
        store.Record(Row("a"));
        store.Record(Row("b"));
        Assert.Equal(0, Committed());
        store.Record(Row("c"));
        WaitForCommitted(3);
    }

    [Fact]
    public void A_lone_unit_is_committed_by_its_deadline()
    {
        using var store = SqliteRunStore.Open(RunDirectory, new GroupCommit(1000, TimeSpan.FromMilliseconds(20)));
        var clock = Stopwatch.StartNew();
        store.Record(Row("a"));
        WaitForCommitted(1);
        // 20 ms on an idle machine; the bound only catches a writer that waits for a full group.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), clock.Elapsed.ToString());
    }

    [Fact]
    public void The_store_reads_its_own_writes_before_they_are_due()
    {
        using var store = SqliteRunStore.Open(RunDirectory, Never);
        store.Record(Row("a"));
        store.Record(Row("b", done: false));
        Assert.Equal(0, Committed());
        Assert.Equal(["a"], store.CompletedIds());
        Assert.True(store.IsDone("a"));
        Assert.Equal((1, 1), store.StatusCounts());
        Assert.Equal(["a", "b"], store.Units().Select(u => u.UnitId));
        Assert.Equal(2, Committed());
    }

    [Fact]
    public void Dispose_commits_what_is_queued()
    {
        using (var store = SqliteRunStore.Open(RunDirectory, Never))
        {
            foreach (var i in Enumerable.Range(0, 100))
            {
                store.Record(Row($"u{i:000}"));
            }
        }
        Assert.Equal(100, Committed());
    }

    [Fact]
    public void A_later_result_in_the_same_group_follows_the_upsert_rules()
    {
        using var store = SqliteRunStore.Open(RunDirectory, Never);
        store.Record(Row("a", done: false));
        store.Record(Row("a"));
        store.Record(Row("b"));
        store.Record(Row("b", done: false));
        Assert.All(store.Units(), u => Assert.Equal(UnitStatus.Done, u.Status));
    }

    [Fact]
    public void More_units_than_the_queue_holds_all_arrive_from_many_writers()
    {
        // Groups of 4 and a queue of 64: writers wait for room instead of growing memory, and nothing is lost.
        using var store = SqliteRunStore.Open(RunDirectory, new GroupCommit(4, TimeSpan.FromMilliseconds(1)));
        Parallel.For(0, 2000, i => store.Record(Row($"u{i:0000}")));
        Assert.Equal(2000, store.CompletedIds().Count);
    }

    [Fact]
    public void A_group_that_cannot_be_written_is_reported_to_the_next_caller_and_not_again_by_dispose()
    {
        var store = SqliteRunStore.Open(RunDirectory, new GroupCommit(2, TimeSpan.FromHours(1)));
        store.Record(Row("a"));
        store.Record(Row("b"));
        store.Flush();
        RefuseInserts();
        store.Record(Row("c"));
        store.Record(Row("d"));
        var failure = Assert.Throws<RunStoreWriteException>(() => store.Flush());
        Assert.Contains("disk is full (simulated)", failure.Message);
        Assert.Contains("resume", failure.Message);
        Assert.Throws<RunStoreWriteException>(() => store.Record(Row("e")));
        Assert.Throws<RunStoreWriteException>(() => store.CompletedIds());
        store.Dispose();
        Assert.Equal(2, Committed());
    }

    [Fact]
    public void A_failure_nobody_saw_is_thrown_by_dispose()
    {
        var store = SqliteRunStore.Open(RunDirectory, Never);
        RefuseInserts();
        store.Record(Row("a"));
        Assert.Throws<RunStoreWriteException>(store.Dispose);
    }

    /// <summary>
    /// A run whose store stops taking writes ends with error SCH9070 and the reason, no stack trace; the units that were
    /// committed stay, and resume finishes the run once the cause is gone.
    /// </summary>
    [Fact]
    public void A_run_whose_store_stops_taking_writes_stops_with_SCH9070_and_resume_finishes_it()
    {
        using var fixture = new RunnerFixture();
        var experiment = TestExperiments.Agentic(fixture.KeyVariable, tasks: 50, epochs: 40);
        using (SqliteRunStore.Open(fixture.RunDirectory))
        {
        }
        RefuseInserts(fixture.RunDirectory, after: 700);

        var code = fixture.Run(experiment, default, "run", "--offline", "--out", fixture.RunDirectory, "--progress-interval", "3600");

        Assert.Equal(RunnerHost.InternalError, code);
        var error = fixture.Errors.ToString();
        Assert.Contains(error.Split('\n'), line => line.StartsWith("error SCH9070: cannot write ", StringComparison.Ordinal));
        Assert.Contains("disk is full (simulated)", error);
        Assert.DoesNotContain("   at ", error);
        // Groups are all or nothing: the group that crossed 700 rows was rolled back whole.
        Assert.InRange(fixture.Units().Count, 0, 699);
        Assert.All(fixture.Units(), u => Assert.Equal(UnitStatus.Done, u.Status));
        using (var connection = new SqliteConnection($"Data Source={Path.Combine(fixture.RunDirectory, SqliteRunStore.FileName)};Pooling=False"))
        {
            connection.Open();
            using var drop = connection.CreateCommand();
            drop.CommandText = "DROP TRIGGER refuse;";
            drop.ExecuteNonQuery();
        }
        Assert.Equal(RunnerHost.Success, fixture.Run(experiment, default, "resume", fixture.RunDirectory, "--progress-interval", "3600"));
        Assert.Equal(2000, fixture.Units().Count);
    }

    /// <summary>Makes every insert past <paramref name="after"/> rows fail as SQLite fails on a full disk; a trigger, made by
    /// another connection, which the store's prepared statement picks up (SQLite re-prepares on a schema change).</summary>
    private void RefuseInserts(string? directory = null, int after = 0)
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(directory ?? RunDirectory, SqliteRunStore.FileName)};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"CREATE TRIGGER refuse BEFORE INSERT ON units WHEN (SELECT COUNT(*) FROM units) >= {after} " +
            "BEGIN SELECT RAISE(ABORT, 'database or disk is full (simulated)'); END;";
        command.ExecuteNonQuery();
    }

    [Fact]
    public void A_small_transcript_is_stored_as_gzip_any_reader_opens()
    {
        var json = "{\"model\":\"simulated\",\"note\":\"é ✓ \\u0000\"}";
        var stored = TranscriptCompression.Compress(json);
        Assert.True(json.Length < TranscriptCompression.StoredBelow);
        using var gzip = new GZipStream(new MemoryStream(stored), CompressionMode.Decompress);
        using var reader = new StreamReader(gzip, Encoding.UTF8);
        Assert.Equal(json, reader.ReadToEnd());
        // The gzip tool itself checks the CRC and length too.
        var path = Path.Combine(_directory.Path, "t.gz");
        File.WriteAllBytes(path, stored);
        var gunzip = Process.Start(new ProcessStartInfo("gzip", ["-dc", path]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var text = gunzip.StandardOutput.ReadToEnd();
        gunzip.WaitForExit();
        Assert.Equal(0, gunzip.ExitCode);
        Assert.Equal(json, text);
        var large = JsonSerializer.Serialize(new { text = new string('a', 5000) });
        Assert.Equal(large, TranscriptCompression.Decompress(TranscriptCompression.Compress(large)));
        Assert.True(TranscriptCompression.Compress(large).Length < 1000);
    }

    [Fact]
    public void Expanded_units_have_the_ids_and_seeds_of_their_coordinates_whatever_the_names()
    {
        var experiment = TestExperiments.Agentic("K", tasks: 3, epochs: 12) is var e
            ? e with { Name = "Exp/é✓", Runs = [e.Runs[0] with { Name = "R ün", Conditions = ["baseline", "Eval/cue ✓", new string('c', 700)] }] }
            : null!;
        var units = DesignExpander.Expand(experiment, experiment.Runs[0]).ToList();
        Assert.Equal(3 * 12 * 3, units.Count);
        Assert.All(units, u =>
        {
            Assert.Equal(DesignExpander.UnitId(experiment.Name, u.Run, u.Checkpoint, u.Environment, u.Variant, u.Condition, u.Epoch), u.Id);
            Assert.Equal(DesignExpander.SampleSeed(experiment, experiment.Runs[0], u.Checkpoint, u.Environment, u.Variant, u.Epoch), u.Seed);
        });
        Assert.Equal(units.Count, units.Select(u => u.Id).Distinct().Count());
    }
}
