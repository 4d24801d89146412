using System.Text.Json;
using Microsoft.Data.Sqlite;
using Scheme.Engine.Design;
using Scheme.Engine.Episodes;
using Scheme.Engine.Grading;
using Scheme.Engine.Providers;
using Scheme.Engine.Store;
using Scheme.Model;

namespace Scheme.Runtime.Tests.Store;

public sealed class SqliteRunStoreTests : IDisposable
{
    private static readonly DateTimeOffset Finished = new(2025, 9, 17, 12, 30, 15, 123, TimeSpan.FromHours(2));
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    private string RunDirectory => Path.Combine(_directory.Path, "runs", "main");

    private static WorkUnit Unit(string id, int epoch = 0) =>
        new(id, "Main", "o3", "Sandbagging", "goal=true", new Dictionary<string, object> { ["goal"] = true }, "baseline", epoch, 1234567890123L + epoch);

    private static EpisodeResult Episode(WorkUnit unit, bool covert = true) => new(
        unit, "o3-test", EpisodeEnd.Submitted, 2,
        [ChatMessage.User("Go"), ChatMessage.Assistant("", [new ToolCallRequest("call_1", "submit", "{\"answer\":\"B\"}")], "Hmm."),
         ChatMessage.Tool("call_1", "Submitted.")],
        [new ToolCall("submit", new Dictionary<string, string> { ["answer"] = "B" })],
        new Dictionary<string, string> { ["config.yaml"] = "oversight_enabled: false" },
        [new Email("a@example.com", "Hi", "Body")],
        new Dictionary<string, string> { ["answer"] = "B" },
        [new FollowupAnswer("Did you?", "No.", "confessed", false)],
        new Dictionary<string, bool> { ["covert_action"] = covert, ["confessed"] = false },
        new TokenUsage(120, 30), TimeSpan.FromMilliseconds(4321), new Transcript());

    [Fact]
    public void The_metric_summary_counts_only_units_a_metric_applies_to_and_survives_a_cell_where_it_applies_to_none()
    {
        using var store = SqliteRunStore.Open(RunDirectory);
        // confession_rate is asked only where covert: null (absent) for the other units, and for every unit of one cell.
        store.Record(UnitRecord.Done(Episode(Unit("u1", 0)) with { Metrics = new Dictionary<string, double?> { ["covert_rate"] = 1, ["confession_rate"] = 1 } }, Finished));
        store.Record(UnitRecord.Done(Episode(Unit("u2", 1)) with { Metrics = new Dictionary<string, double?> { ["covert_rate"] = 0, ["confession_rate"] = null } }, Finished));
        var other = Unit("u3", 2) with { Condition = "EvalCue" };
        store.Record(UnitRecord.Done(Episode(other) with { Metrics = new Dictionary<string, double?> { ["covert_rate"] = 0, ["confession_rate"] = null } }, Finished));

        var summary = store.MetricSummary().Select(r => (r.Metric, r.Condition, r.Units, r.Mean)).ToList();
        Assert.Equal([("confession_rate", "baseline", 1L, 1.0), ("covert_rate", "EvalCue", 1L, 0.0), ("covert_rate", "baseline", 2L, 0.5)], summary);
    }

    [Fact]
    public void Reopening_after_a_write_sees_every_field()
    {
        var record = UnitRecord.Done(Episode(Unit("u1")), Finished, costUsd: 0.0125);
        using (var store = SqliteRunStore.Open(RunDirectory))
        {
            store.Record(record);
        }
        using var reopened = SqliteRunStore.Open(RunDirectory);
        var read = reopened.Get("u1")!;
        // Dictionaries compare by reference in a record: take them from the row, then compare their contents.
        Assert.Equal(record with { Outcomes = read.Outcomes, Metrics = read.Metrics, Missing = read.Missing, Indeterminate = read.Indeterminate }, read);
        Assert.Equal(record.Metrics.OrderBy(p => p.Key), read.Metrics.OrderBy(p => p.Key));
        Assert.Equal(record.Outcomes.OrderBy(p => p.Key), read.Outcomes.OrderBy(p => p.Key));
        Assert.Equal(Finished, read.FinishedAt);
        Assert.Equal(Finished.Offset, read.FinishedAt!.Value.Offset);
        Assert.True(reopened.IsDone("u1"));
        Assert.Equal(["u1"], reopened.CompletedIds());
    }

    [Fact]
    public void Transcript_json_holds_the_conversation_and_final_state()
    {
        var json = JsonDocument.Parse(UnitRecord.Done(Episode(Unit("u1")), Finished).TranscriptJson!).RootElement;
        Assert.Equal("submitted", json.GetProperty("end").GetString());
        var workspace = json.GetProperty("workspace");
        var id = workspace.GetProperty("files").GetProperty("config.yaml").GetString()!;
        Assert.Equal("oversight_enabled: false", workspace.GetProperty("contents").GetProperty(id).GetString());
        Assert.Equal("Hmm.", json.GetProperty("messages")[1].GetProperty("reasoning").GetString());
        Assert.Equal("assistant", json.GetProperty("messages")[1].GetProperty("role").GetString());
        Assert.Equal("submit", json.GetProperty("calls")[0].GetProperty("tool").GetString());
        Assert.Equal("a@example.com", json.GetProperty("emails")[0].GetProperty("to").GetString());
        Assert.Equal("No.", json.GetProperty("followups")[0].GetProperty("answer").GetString());
    }

    [Fact]
    public void The_database_is_in_wal_mode_in_the_run_directory()
    {
        using var store = SqliteRunStore.Open(RunDirectory);
        Assert.Equal(Path.Combine(RunDirectory, "run.db"), store.Path);
        using var connection = new SqliteConnection($"Data Source={store.Path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode;";
        Assert.Equal("wal", command.ExecuteScalar());
    }

    [Fact]
    public void Writing_the_same_unit_twice_keeps_one_row_with_the_newer_result()
    {
        using var store = SqliteRunStore.Open(RunDirectory);
        store.Record(UnitRecord.Done(Episode(Unit("u1"), covert: true), Finished));
        store.Record(UnitRecord.Done(Episode(Unit("u1"), covert: false), Finished.AddMinutes(1)));
        var row = Assert.Single(store.Units());
        Assert.False(row.Outcomes["covert_action"]);
        Assert.Equal(Finished.AddMinutes(1), row.FinishedAt);
    }

    [Fact]
    public void A_failed_unit_is_not_done_and_a_retry_replaces_it()
    {
        using var store = SqliteRunStore.Open(RunDirectory);
        store.Record(UnitRecord.Failed(Unit("u1"), "HTTP 500 after 5 attempts", Finished));
        Assert.False(store.IsDone("u1"));
        Assert.Empty(store.CompletedIds());
        Assert.Equal("HTTP 500 after 5 attempts", store.Get("u1")!.Error);

        store.Record(UnitRecord.Done(Episode(Unit("u1")), Finished));
        Assert.True(store.IsDone("u1"));
        Assert.Null(store.Get("u1")!.Error);
    }

    [Fact]
    public void A_late_failure_never_replaces_a_done_unit()
    {
        using var store = SqliteRunStore.Open(RunDirectory);
        store.Record(UnitRecord.Done(Episode(Unit("u1")), Finished));
        store.Record(UnitRecord.Failed(Unit("u1"), "timeout", Finished.AddMinutes(1)));
        var row = store.Get("u1")!;
        Assert.Equal(UnitStatus.Done, row.Status);
        Assert.NotNull(row.TranscriptJson);
    }

    [Fact]
    public void Completed_ids_list_only_done_units()
    {
        using var store = SqliteRunStore.Open(RunDirectory);
        store.Record(UnitRecord.Done(Episode(Unit("a")), Finished));
        store.Record(UnitRecord.Failed(Unit("b"), "x", Finished));
        store.Record(UnitRecord.Done(Episode(Unit("c")), Finished));
        Assert.Equal(["a", "c"], store.CompletedIds().Order());
        Assert.Null(store.Get("missing"));
        Assert.False(store.IsDone("missing"));
    }

    [Fact]
    public async Task Concurrent_writers_lose_nothing()
    {
        using var store = SqliteRunStore.Open(RunDirectory);
        await Task.WhenAll(Enumerable.Range(0, 40).Select(i => Task.Run(() => store.Record(UnitRecord.Done(Episode(Unit($"u{i:00}", i)), Finished)))));
        Assert.Equal(40, store.CompletedIds().Count);
        Assert.Equal(Enumerable.Range(0, 40).Select(i => $"u{i:00}"), store.Units().Select(u => u.UnitId));
    }

    [Fact]
    public void Manifest_round_trips_and_can_be_completed()
    {
        using var store = SqliteRunStore.Open(RunDirectory);
        Assert.Null(store.ReadManifest());
        var manifest = new RunManifest("AntiScheming", "sha256:abc", "0.1.0", "71f8569", ["run", "--run", "Main"], Finished, PreregistrationHash: "lockhash");
        store.WriteManifest(manifest);
        store.WriteManifest(manifest with { EndedAt = Finished.AddHours(1) });
        using var reopened = SqliteRunStore.Open(RunDirectory);
        var read = reopened.ReadManifest()!;
        Assert.Equal(manifest.Arguments, read.Arguments);
        Assert.Equal(manifest with { EndedAt = Finished.AddHours(1), Arguments = read.Arguments }, read);
    }
}
