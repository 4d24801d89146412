using Microsoft.Data.Sqlite;
using Scheme.Engine.Store;

namespace Scheme.Runtime.Tests.Batch;

public sealed class BatchLedgerTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void A_schema_6_store_gains_the_batches_table_and_records_a_batch_through_its_states()
    {
        var path = Path.Combine(_directory.Path, SqliteRunStore.FileName);
        using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            using var create = connection.CreateCommand();
            create.CommandText = "CREATE TABLE units (unit_id TEXT PRIMARY KEY); PRAGMA user_version = 6;";
            create.ExecuteNonQuery();
        }

        using (var store = SqliteRunStore.Open(_directory.Path))
        {
            Assert.Empty(store.Batches());
            var created = DateTimeOffset.Parse("2026-01-02T03:04:05Z", System.Globalization.CultureInfo.InvariantCulture);
            var seq = store.AddBatch(new BatchRow(0, null, "file-1", 2, BatchLedger.Creating, created, 7, "http://127.0.0.1:1/v1", "KEY", "gpt-4.1"));
            Assert.True(Assert.Single(store.Batches()).IsOpen);
            store.UpdateBatch(seq, "batch_9", BatchLedger.Submitted);
            store.UpdateBatch(seq, null, "expired", "2 answered");
        }

        using var reopened = SqliteRunStore.Open(_directory.Path);
        var row = Assert.Single(reopened.Batches());
        Assert.Equal(("batch_9", "file-1", 2, "expired", 7, "gpt-4.1", "KEY", "2 answered"),
            (row.BatchId, row.InputFileId, row.Round, row.State, row.RequestCount, row.Model, row.KeyVariable, row.Note));
        Assert.False(row.IsOpen);
        using var connection2 = new SqliteConnection($"Data Source={path};Pooling=False");
        connection2.Open();
        using var version = connection2.CreateCommand();
        version.CommandText = "PRAGMA user_version;";
        Assert.Equal(7L, version.ExecuteScalar());
    }
}
