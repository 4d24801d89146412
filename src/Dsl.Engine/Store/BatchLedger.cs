using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Scheme.Engine.Store;

/// <summary>One batch of <c>run --batch</c> as run.db records it.</summary>
/// <param name="BatchId">Null while the batch is being created (its input file is uploaded; POST /v1/batches not answered yet).</param>
/// <param name="State"><see cref="BatchLedger.Creating"/>, <see cref="BatchLedger.Submitted"/>, or how it ended once its output
/// is in the cache (completed, expired, failed, cancelled), or <see cref="BatchLedger.NeverCreated"/>.</param>
public sealed record BatchRow(long Seq, string? BatchId, string InputFileId, int Round, string State, DateTimeOffset Created,
    int RequestCount, string Endpoint, string KeyVariable, string Model, string? Note = null)
{
    /// <summary>Submitted (or possibly submitted) and not yet read back: resume polls it instead of submitting its requests again.</summary>
    public bool IsOpen => State is BatchLedger.Creating or BatchLedger.Submitted;
}

/// <summary>
/// The batches of a batched run (table <c>batches</c>, schema 7). A batch is written before the runner waits on it,
/// and its input file before the batch is created, so a runner killed at any point leaves a record of everything it
/// may have paid for: resume polls those batches (never submitting their requests again) before it goes on.
/// </summary>
public static class BatchLedger
{
    public const string Table = "batches";
    public const string Creating = "creating";
    public const string Submitted = "submitted";
    public const string NeverCreated = "never_created";

    internal const string CreateSql = $"""
        CREATE TABLE IF NOT EXISTS {Table} (
            seq           INTEGER PRIMARY KEY AUTOINCREMENT,
            batch_id      TEXT UNIQUE,
            input_file_id TEXT NOT NULL,
            round         INTEGER NOT NULL,
            state         TEXT NOT NULL,
            created       TEXT NOT NULL,
            request_count INTEGER NOT NULL,
            endpoint      TEXT NOT NULL,
            key_variable  TEXT NOT NULL,
            model         TEXT NOT NULL,
            note          TEXT
        );
        """;

    internal static long Add(SqliteConnection connection, BatchRow row)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"""
            INSERT INTO {Table} (batch_id, input_file_id, round, state, created, request_count, endpoint, key_variable, model, note)
            VALUES ($batch, $file, $round, $state, $created, $count, $endpoint, $key, $model, $note) RETURNING seq;
            """;
        command.Parameters.AddWithValue("$batch", (object?)row.BatchId ?? DBNull.Value);
        command.Parameters.AddWithValue("$file", row.InputFileId);
        command.Parameters.AddWithValue("$round", row.Round);
        command.Parameters.AddWithValue("$state", row.State);
        command.Parameters.AddWithValue("$created", row.Created.ToString("O", CultureInfo.InvariantCulture));
        command.Parameters.AddWithValue("$count", row.RequestCount);
        command.Parameters.AddWithValue("$endpoint", row.Endpoint);
        command.Parameters.AddWithValue("$key", row.KeyVariable);
        command.Parameters.AddWithValue("$model", row.Model);
        command.Parameters.AddWithValue("$note", (object?)row.Note ?? DBNull.Value);
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    internal static void Update(SqliteConnection connection, long seq, string? batchId, string state, string? note)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"UPDATE {Table} SET batch_id = coalesce($batch, batch_id), state = $state, note = coalesce($note, note) WHERE seq = $seq;";
        command.Parameters.AddWithValue("$batch", (object?)batchId ?? DBNull.Value);
        command.Parameters.AddWithValue("$state", state);
        command.Parameters.AddWithValue("$note", (object?)note ?? DBNull.Value);
        command.Parameters.AddWithValue("$seq", seq);
        command.ExecuteNonQuery();
    }

    internal static List<BatchRow> Read(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT seq, batch_id, input_file_id, round, state, created, request_count, endpoint, key_variable, model, note FROM {Table} ORDER BY seq;";
        using var reader = command.ExecuteReader();
        var rows = new List<BatchRow>();
        while (reader.Read())
        {
            rows.Add(new BatchRow(reader.GetInt64(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.GetString(2), reader.GetInt32(3),
                reader.GetString(4), DateTimeOffset.Parse(reader.GetString(5), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind),
                reader.GetInt32(6), reader.GetString(7), reader.GetString(8), reader.GetString(9), reader.IsDBNull(10) ? null : reader.GetString(10)));
        }
        return rows;
    }
}
