using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Scheme.Analysis;
using Scheme.Engine.Store;

namespace Scheme.Runtime.Tests.Analysis;

/// <summary>
/// Writes a run.db with plain SQL in the store's layout (schema 4: nullable JSON columns <c>missing</c> and
/// <c>indeterminate</c> in <c>units</c>), so the analysis tests do not depend on the store's code, which others change.
/// </summary>
internal static class RawRunDatabase
{
    /// <param name="arguments">The manifest's command line (JSON), as the run stored it.</param>
    public static string Create(string directory, IEnumerable<UnitRecord> units, int schema = 4, DateTimeOffset? startedAt = null, string arguments = "[\"run\"]")
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, "run.db");
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        connection.Open();
        var extra = schema >= 4 ? ", missing TEXT, indeterminate TEXT" : "";
        Execute(connection, $"""
            CREATE TABLE units (unit_id TEXT PRIMARY KEY, run TEXT NOT NULL, checkpoint TEXT NOT NULL, environment TEXT NOT NULL,
                variant TEXT NOT NULL, condition TEXT NOT NULL, epoch INTEGER NOT NULL, seed INTEGER NOT NULL, status TEXT NOT NULL,
                outcomes TEXT NOT NULL, transcript TEXT, tokens_in INTEGER NOT NULL, tokens_out INTEGER NOT NULL, cost_usd REAL,
                latency_ms INTEGER NOT NULL, error TEXT, finished_at TEXT NOT NULL, metrics TEXT{extra});
            CREATE TABLE manifest (id INTEGER PRIMARY KEY, experiment TEXT NOT NULL, hash TEXT NOT NULL, compiler_version TEXT NOT NULL,
                git_commit TEXT, arguments TEXT NOT NULL, started_at TEXT NOT NULL, ended_at TEXT, prereg_hash TEXT);
            PRAGMA user_version = {schema};
            """);
        if (startedAt is { } started)
        {
            using var manifest = connection.CreateCommand();
            manifest.CommandText = "INSERT INTO manifest VALUES (1, 'Test', 'hash', '0.0', NULL, $arguments, $started, NULL, NULL);";
            manifest.Parameters.AddWithValue("$started", started.ToString("O", CultureInfo.InvariantCulture));
            manifest.Parameters.AddWithValue("$arguments", arguments);
            manifest.ExecuteNonQuery();
        }
        using var transaction = connection.BeginTransaction();
        foreach (var u in units)
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = $"""
                INSERT INTO units VALUES ($id, $run, $checkpoint, $environment, $variant, $condition, $epoch, $seed, $status, $outcomes,
                    NULL, $in, $out, $cost, $latency, $error, $finished, $metrics{(schema >= 4 ? ", $missing, $indeterminate" : "")});
                """;
            var p = command.Parameters;
            p.AddWithValue("$id", u.UnitId);
            p.AddWithValue("$run", u.Run);
            p.AddWithValue("$checkpoint", u.Checkpoint);
            p.AddWithValue("$environment", u.Environment);
            p.AddWithValue("$variant", u.Variant);
            p.AddWithValue("$condition", u.Condition);
            p.AddWithValue("$epoch", u.Epoch);
            p.AddWithValue("$seed", u.Seed);
            p.AddWithValue("$status", u.Status == UnitStatus.Done ? "done" : "failed");
            p.AddWithValue("$outcomes", JsonSerializer.Serialize(u.Outcomes));
            p.AddWithValue("$in", u.TokensIn);
            p.AddWithValue("$out", u.TokensOut);
            p.AddWithValue("$cost", (object?)u.CostUsd ?? DBNull.Value);
            p.AddWithValue("$latency", u.LatencyMs);
            p.AddWithValue("$error", (object?)u.Error ?? DBNull.Value);
            p.AddWithValue("$finished", (u.FinishedAt ?? DateTimeOffset.UnixEpoch).ToString("O", CultureInfo.InvariantCulture));
            p.AddWithValue("$metrics", u.Metrics.Count == 0 ? DBNull.Value : JsonSerializer.Serialize(u.Metrics));
            if (schema >= 4)
            {
                p.AddWithValue("$missing", u.Missing.Count == 0 ? DBNull.Value : JsonSerializer.Serialize(u.Missing));
                p.AddWithValue("$indeterminate", u.Indeterminate.Count == 0 ? DBNull.Value : JsonSerializer.Serialize(u.Indeterminate));
            }
            command.ExecuteNonQuery();
        }
        transaction.Commit();
        return path;
    }

    public static void Execute(string path, string sql)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        connection.Open();
        Execute(connection, sql);
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
