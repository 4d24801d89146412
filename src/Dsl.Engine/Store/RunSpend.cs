using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Scheme.Engine.Store;

/// <summary>
/// The <c>spend</c> table of run.db (schema 7): one row per runner session (one process of <c>run</c> or
/// <c>resume</c>) with what it has paid so far, in micro-dollars so that sums are exact. A session rewrites its own
/// row as it spends (<see cref="RunBudget"/>: at most about once a second, and at the end), so the table's sum is
/// what the run directory has paid, up to the last second of a session that was killed.
/// </summary>
internal static class RunSpend
{
    internal const string Table = "spend";

    internal const string CreateSql = $"""
        CREATE TABLE IF NOT EXISTS {Table} (
            session    TEXT PRIMARY KEY,
            started_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            micro_usd  INTEGER NOT NULL CHECK (micro_usd >= 0)
        );
        """;

    internal static void Write(SqliteConnection connection, string session, DateTimeOffset startedAt, double usd)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"""
            INSERT INTO {Table} (session, started_at, updated_at, micro_usd) VALUES ($session, $started, $updated, $micro)
            ON CONFLICT (session) DO UPDATE SET updated_at = excluded.updated_at, micro_usd = excluded.micro_usd;
            """;
        command.Parameters.AddWithValue("$session", session);
        command.Parameters.AddWithValue("$started", startedAt.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture));
        command.Parameters.AddWithValue("$updated", DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture));
        command.Parameters.AddWithValue("$micro", ToMicro(usd));
        command.ExecuteNonQuery();
    }

    internal static double Total(SqliteConnection connection, string? exceptSession)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT COALESCE(SUM(micro_usd), 0) FROM {Table} WHERE $except IS NULL OR session <> $except;";
        command.Parameters.AddWithValue("$except", (object?)exceptSession ?? DBNull.Value);
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture) / 1e6;
    }

    internal static long ToMicro(double usd) => (long)Math.Round(Math.Max(0, usd) * 1e6);
}
