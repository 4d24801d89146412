using System.Text.Json;
using Microsoft.Data.Sqlite;
using Scheme.Engine.Store;

namespace Scheme.Runtime.Tests.Store;

/// <summary>One unit row, named once: every format's columns are <see cref="UnitColumns"/>, in its order.</summary>
public sealed class UnitColumnsTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    private static readonly UnitRecord Row = new("u1", "Main", "m", "Env", "v=1", "baseline", 3, 42, UnitStatus.Done,
        new Dictionary<string, bool> { ["x"] = true }, new Dictionary<string, double?> { ["x_rate"] = 1 }, 10, 20, 0.5, 1000, null,
        new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero))
    {
        Missing = new Dictionary<string, string> { ["m"] = "why" },
        Indeterminate = new Dictionary<string, string> { ["i"] = "why" },
    };

    private static readonly IReadOnlyList<string> Exported = UnitColumns.Exported.Select(c => c.Name).ToList();

    [Fact]
    public async Task Jsonl_csv_and_parquet_have_the_exported_columns_in_order()
    {
        var jsonl = Path.Combine(_directory.Path, "u.jsonl");
        var csv = Path.Combine(_directory.Path, "u.csv");
        var parquet = Path.Combine(_directory.Path, "u.parquet");

        await RunExporter.ExportAsync([Row], ExportFormat.Jsonl, jsonl);
        await RunExporter.ExportAsync([Row], ExportFormat.Csv, csv);
        await RunExporter.ExportAsync([Row], ExportFormat.Parquet, parquet);

        using var line = JsonDocument.Parse(File.ReadLines(jsonl).Single());
        Assert.Equal(Exported, line.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Equal(Exported, File.ReadLines(csv).First().Split(','));
        await using var stream = File.OpenRead(parquet);
        await using var reader = await Parquet.ParquetReader.CreateAsync(stream);
        Assert.Equal(Exported, reader.Schema.GetDataFields().Select(f => f.Name));
    }

    [Fact]
    public void The_store_has_every_stored_column_and_round_trips_the_row()
    {
        using (var store = SqliteRunStore.Open(_directory.Path))
        {
            store.Record(Row);
        }
        using var connection = new SqliteConnection($"Data Source={Path.Combine(_directory.Path, SqliteRunStore.FileName)};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT name FROM pragma_table_info('units');";
        using var reader = command.ExecuteReader();
        var columns = new List<string>();
        while (reader.Read())
        {
            columns.Add(reader.GetString(0));
        }
        Assert.Equal(UnitColumns.Stored.Select(c => c.Name), columns);

        var read = Assert.Single(RunDatabase.ReadUnits(Path.Combine(_directory.Path, SqliteRunStore.FileName), []));
        var written = new MemoryStream();
        UnitJsonl.Write([Row], written);
        var again = new MemoryStream();
        UnitJsonl.Write([read with { Line = 0 }], again);
        Assert.Equal(written.ToArray(), again.ToArray());
    }
}
