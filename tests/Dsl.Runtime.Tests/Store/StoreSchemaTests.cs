using Microsoft.Data.Sqlite;
using Scheme.Engine.Store;

namespace Scheme.Runtime.Tests.Store;

/// <summary>Schema 4: missing metrics and indeterminate outcomes with their reasons, compressed transcripts, old rows kept.</summary>
public sealed class StoreSchemaTests : IDisposable
{
    private static readonly DateTimeOffset Finished = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    private static UnitRecord Record(string id, string? transcript) => new(id, "Main", "m", "Env", "", "baseline", 0, 1, UnitStatus.Done,
        new Dictionary<string, bool> { ["long"] = true }, new Dictionary<string, double?> { ["long_rate"] = 1 }, 1, 2, null, 3, null, Finished)
    {
        Missing = new Dictionary<string, string> { ["answer"] = "the value is not a finite number (NaN)" },
        Indeterminate = new Dictionary<string, string> { ["bomb"] = "the regular expression '^(a+)+$' timed out" },
        TranscriptJson = transcript,
    };

    [Fact]
    public void Missing_and_indeterminate_reasons_and_the_transcript_survive_a_reopen()
    {
        var transcript = "{\"messages\":[" + string.Join(",", Enumerable.Repeat("{\"role\":\"user\",\"content\":\"the same prompt again\"}", 2_000)) + "]}";
        using (var store = SqliteRunStore.Open(_directory.Path))
        {
            store.Record(Record("u1", transcript));
        }
        using var reopened = SqliteRunStore.Open(_directory.Path);
        var row = Assert.Single(reopened.Units());

        Assert.Equal(transcript, row.TranscriptJson);
        Assert.Equal("the value is not a finite number (NaN)", row.Missing!["answer"]);
        Assert.Contains("timed out", row.Indeterminate!["bomb"]);
        using var connection = new SqliteConnection($"Data Source={Path.Combine(_directory.Path, SqliteRunStore.FileName)};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT length(transcript_gz), transcript FROM units;";
        using var reader = command.ExecuteReader();
        reader.Read();
        Assert.True(reader.GetInt64(0) < transcript.Length / 20, $"{reader.GetInt64(0)} compressed bytes for {transcript.Length} characters");
        Assert.True(reader.IsDBNull(1));
    }

    [Fact]
    public void A_schema_3_store_is_upgraded_in_place_and_its_text_transcripts_still_read()
    {
        var path = Path.Combine(_directory.Path, SqliteRunStore.FileName);
        using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            using var create = connection.CreateCommand();
            create.CommandText = """
                CREATE TABLE units (unit_id TEXT PRIMARY KEY, run TEXT NOT NULL, checkpoint TEXT NOT NULL, environment TEXT NOT NULL,
                    variant TEXT NOT NULL, condition TEXT NOT NULL, epoch INTEGER NOT NULL, seed INTEGER NOT NULL, status TEXT NOT NULL,
                    outcomes TEXT NOT NULL, transcript TEXT, tokens_in INTEGER NOT NULL, tokens_out INTEGER NOT NULL, cost_usd REAL,
                    latency_ms INTEGER NOT NULL, error TEXT, finished_at TEXT NOT NULL, metrics TEXT);
                INSERT INTO units VALUES ('old', 'Main', 'm', 'Env', '', 'baseline', 0, 1, 'done', '{"x":true}', '{"model":"m"}', 1, 2, NULL, 3, NULL,
                    '2025-01-01T00:00:00.0000000+00:00', '{"x_rate":1}');
                PRAGMA user_version = 3;
                """;
            create.ExecuteNonQuery();
        }

        using var store = SqliteRunStore.Open(_directory.Path);
        store.Record(Record("new", "{\"model\":\"n\"}"));
        var rows = store.Units().ToDictionary(u => u.UnitId);

        Assert.Equal("{\"model\":\"m\"}", rows["old"].TranscriptJson);
        Assert.Empty(rows["old"].Missing);
        Assert.Equal("{\"model\":\"n\"}", rows["new"].TranscriptJson);
        Assert.NotEmpty(rows["new"].Missing);
    }

    [Fact]
    public async Task The_jsonl_and_csv_exports_carry_missing_and_indeterminate()
    {
        var jsonl = Path.Combine(_directory.Path, "units.jsonl");
        var csv = Path.Combine(_directory.Path, "units.csv");

        await RunExporter.ExportAsync([Record("u1", null)], ExportFormat.Jsonl, jsonl);
        await RunExporter.ExportAsync([Record("u1", null)], ExportFormat.Csv, csv);

        using var line = System.Text.Json.JsonDocument.Parse(File.ReadAllLines(jsonl).Single());
        Assert.Equal("the value is not a finite number (NaN)", line.RootElement.GetProperty("missing").GetProperty("answer").GetString());
        Assert.Contains("timed out", line.RootElement.GetProperty("indeterminate").GetProperty("bomb").GetString());
        Assert.False(line.RootElement.GetProperty("metrics").TryGetProperty("answer", out _));
        var header = File.ReadLines(csv).First().Split(',');
        Assert.Contains("missing", header);
        Assert.Contains("indeterminate", header);
    }
}
