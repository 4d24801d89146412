using System.Globalization;
using System.Text;
using System.Text.Json;
using Parquet;
using Parquet.Schema;
using Parquet.Serialization;

namespace Scheme.Engine.Store;

public enum ExportFormat
{
    Jsonl,
    Csv,
    Parquet,
}

/// <summary>
/// Writes the units of a run directory as one row per unit, columns as <see cref="UnitColumns.Exported"/> names them:
/// JSONL (<see cref="UnitJsonl"/>: outcomes, metrics, missing metrics and indeterminate outcomes as objects), CSV
/// (RFC 4180 quoting; those four as JSON text in one column each) or Parquet (Parquet.Net, the CSV's columns).
/// Transcripts are not exported; they stay in the store. Rows are ordered by unit id.
/// </summary>
/// <remarks>
/// Streams: each row is written as it is read, so memory does not grow with the run (a million units export in well
/// under 200 MB); Parquet is written in row groups of <see cref="RowGroupSize"/> rows, the only rows held at once. The
/// file is written beside its final name and renamed into place when complete (<see cref="AtomicFile"/>), so a killed
/// or failed export never leaves a partial file under that name.
/// </remarks>
public static class RunExporter
{
    /// <summary>Rows per Parquet row group: small enough to hold, large enough for column compression to pay.</summary>
    public const int RowGroupSize = 20_000;

    /// <summary>Writes <paramref name="units"/> (enumerated once) to <paramref name="path"/>; returns how many were written.</summary>
    public static async Task<long> ExportAsync(IEnumerable<UnitRecord> units, ExportFormat format, string path, CancellationToken cancellationToken = default)
    {
        long count = 0;
        var counted = units.Select(u =>
        {
            cancellationToken.ThrowIfCancellationRequested();
            count++;
            return u;
        });
        await AtomicFile.WriteAsync(path, async stream =>
        {
            switch (format)
            {
                case ExportFormat.Jsonl:
                    UnitJsonl.Write(counted, stream);
                    break;
                case ExportFormat.Csv:
                    WriteCsv(counted, stream);
                    break;
                case ExportFormat.Parquet:
                    await WriteParquetAsync(counted, stream, cancellationToken).ConfigureAwait(false);
                    break;
                default:
                    throw new ArgumentOutOfRangeException(nameof(format), format, "Unknown export format.");
            }
        }, cancellationToken).ConfigureAwait(false);
        return count;
    }

    public static string Extension(ExportFormat format) => format switch
    {
        ExportFormat.Jsonl => ".jsonl",
        ExportFormat.Csv => ".csv",
        _ => ".parquet",
    };

    private static void WriteCsv(IEnumerable<UnitRecord> units, Stream stream)
    {
        using var writer = new StreamWriter(stream, new UTF8Encoding(false), 1 << 16, leaveOpen: true);
        writer.WriteLine(string.Join(",", UnitColumns.Exported.Select(c => c.Name)));
        foreach (var u in units)
        {
            var first = true;
            foreach (var value in Row.From(u).Values())
            {
                if (!first)
                {
                    writer.Write(',');
                }
                first = false;
                writer.Write(CsvField(value));
            }
            writer.WriteLine();
        }
    }

    /// <summary>Parquet in row groups: the schema is the one ParquetSerializer derives from <see cref="Row"/> (what this
    /// export always wrote), each group's columns are filled from its rows and written in schema order.</summary>
    private static async Task WriteParquetAsync(IEnumerable<UnitRecord> units, Stream stream, CancellationToken cancellationToken)
    {
        var schema = typeof(Row).GetParquetSchema(forWriting: true);
        var fields = schema.GetDataFields();
        await using var writer = await ParquetWriter.CreateAsync(schema, stream, cancellationToken: cancellationToken).ConfigureAwait(false);
        var rows = new List<Row>(RowGroupSize);
        foreach (var unit in units)
        {
            rows.Add(Row.From(unit));
            if (rows.Count == RowGroupSize)
            {
                await WriteRowGroupAsync(writer, fields, rows, cancellationToken).ConfigureAwait(false);
                rows.Clear();
            }
        }
        if (rows.Count > 0)
        {
            await WriteRowGroupAsync(writer, fields, rows, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task WriteRowGroupAsync(ParquetWriter writer, DataField[] fields, List<Row> rows, CancellationToken cancellationToken)
    {
        using var group = writer.CreateRowGroup();
        // Columns in the schema's order, which is Row's (and UnitColumns.Exported's): a test holds them to it.
        var f = 0;
        await Strings(r => r.unit_id).ConfigureAwait(false);
        await Strings(r => r.run).ConfigureAwait(false);
        await Strings(r => r.checkpoint).ConfigureAwait(false);
        await Strings(r => r.environment).ConfigureAwait(false);
        await Strings(r => r.variant).ConfigureAwait(false);
        await Strings(r => r.condition).ConfigureAwait(false);
        await Values(r => r.epoch).ConfigureAwait(false);
        await Values(r => r.seed).ConfigureAwait(false);
        await Strings(r => r.status).ConfigureAwait(false);
        await Strings(r => r.outcomes).ConfigureAwait(false);
        await Strings(r => r.metrics).ConfigureAwait(false);
        await Strings(r => r.missing).ConfigureAwait(false);
        await Strings(r => r.indeterminate).ConfigureAwait(false);
        await Values(r => r.tokens_in).ConfigureAwait(false);
        await Values(r => r.tokens_out).ConfigureAwait(false);
        await Nullables(r => r.cost_usd).ConfigureAwait(false);
        await Values(r => r.latency_ms).ConfigureAwait(false);
        await Strings(r => r.error).ConfigureAwait(false);
        await Strings(r => r.finished_at).ConfigureAwait(false);
        await Nullables(r => r.simulated).ConfigureAwait(false);
        group.CompleteValidate();

        Task Strings(Func<Row, string?> column) => group.WriteAsync(fields[f++], rows.Select(column).ToArray());
        Task Values<T>(Func<Row, T> column) where T : struct =>
            group.WriteAsync(fields[f++], new ReadOnlyMemory<T>(rows.Select(column).ToArray()), cancellationToken: cancellationToken);
        Task Nullables<T>(Func<Row, T?> column) where T : struct =>
            group.WriteAsync(fields[f++], new ReadOnlyMemory<T?>(rows.Select(column).ToArray()), cancellationToken: cancellationToken);
    }

    private static string Json<T>(IReadOnlyDictionary<string, T> values) =>
        JsonSerializer.Serialize(new SortedDictionary<string, T>(values.ToDictionary(), StringComparer.Ordinal), JsonText);

    /// <summary>Readable text: '+' and non-ASCII letters are not escaped (the output is a file, not HTML).</summary>
    private static readonly JsonSerializerOptions JsonText = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static string Invariant(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>One CSV field (RFC 4180): quoted when it holds a comma, a quote or a line break. Shared by every CSV export.</summary>
    internal static string CsvField(string? value)
    {
        value ??= "";
        return value.IndexOfAny([',', '"', '\n', '\r']) < 0 ? value : "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
    }

    private static string Status(UnitStatus status) => status == UnitStatus.Done ? "done" : "failed";

    /// <summary>The flat row of CSV and Parquet; property names are the column names of <see cref="UnitColumns.Exported"/>,
    /// in the same order (a test holds them to it).</summary>
#pragma warning disable IDE1006, SA1300 // Column names are snake_case on purpose: they are the export's schema.
    public sealed class Row
    {
        public string unit_id { get; set; } = "";
        public string run { get; set; } = "";
        public string checkpoint { get; set; } = "";
        public string environment { get; set; } = "";
        public string variant { get; set; } = "";
        public string condition { get; set; } = "";
        public int epoch { get; set; }
        public long seed { get; set; }
        public string status { get; set; } = "";
        public string outcomes { get; set; } = "{}";
        public string metrics { get; set; } = "{}";
        public string missing { get; set; } = "{}";
        public string indeterminate { get; set; } = "{}";
        public long tokens_in { get; set; }
        public long tokens_out { get; set; }
        public double? cost_usd { get; set; }
        public long latency_ms { get; set; }
        public string? error { get; set; }
        public string? finished_at { get; set; }
        public bool? simulated { get; set; }

        public static Row From(UnitRecord u) => new()
        {
            unit_id = u.UnitId,
            run = u.Run,
            checkpoint = u.Checkpoint,
            environment = u.Environment,
            variant = u.Variant,
            condition = u.Condition,
            epoch = u.Epoch,
            seed = u.Seed,
            status = Status(u.Status),
            outcomes = Json(u.Outcomes),
            metrics = Json(u.Metrics),
            missing = Json(u.Missing),
            indeterminate = Json(u.Indeterminate),
            tokens_in = u.TokensIn,
            tokens_out = u.TokensOut,
            cost_usd = u.CostUsd,
            latency_ms = u.LatencyMs,
            error = u.Error,
            finished_at = u.FinishedAt?.ToString("O", CultureInfo.InvariantCulture),
            simulated = u.Simulated,
        };

        /// <summary>The CSV cells, in column order.</summary>
        public IEnumerable<string?> Values() =>
        [
            unit_id, run, checkpoint, environment, variant, condition, Invariant(epoch), Invariant(seed), status, outcomes, metrics, missing,
            indeterminate, Invariant(tokens_in), Invariant(tokens_out), cost_usd?.ToString("R", CultureInfo.InvariantCulture) ?? "",
            Invariant(latency_ms), error ?? "", finished_at ?? "", simulated is { } s ? (s ? "true" : "false") : "",
        ];
    }
#pragma warning restore IDE1006, SA1300
}
