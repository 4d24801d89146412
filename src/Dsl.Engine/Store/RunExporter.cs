using System.Globalization;
using System.Text;
using System.Text.Json;
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
public static class RunExporter
{
    public static async Task ExportAsync(IReadOnlyList<UnitRecord> units, ExportFormat format, string path, CancellationToken cancellationToken = default)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }
        switch (format)
        {
            case ExportFormat.Jsonl:
                await using (var stream = File.Create(path))
                {
                    UnitJsonl.Write(units, stream);
                }
                break;
            case ExportFormat.Csv:
                await WriteCsvAsync(units, path, cancellationToken).ConfigureAwait(false);
                break;
            case ExportFormat.Parquet:
                await using (var stream = File.Create(path))
                {
                    await ParquetSerializer.SerializeAsync(units.Select(Row.From), stream, cancellationToken: cancellationToken).ConfigureAwait(false);
                }
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(format), format, "Unknown export format.");
        }
    }

    public static string Extension(ExportFormat format) => format switch
    {
        ExportFormat.Jsonl => ".jsonl",
        ExportFormat.Csv => ".csv",
        _ => ".parquet",
    };

    private static async Task WriteCsvAsync(IReadOnlyList<UnitRecord> units, string path, CancellationToken cancellationToken)
    {
        await using var writer = new StreamWriter(path, false, new UTF8Encoding(false));
        await writer.WriteLineAsync(string.Join(",", UnitColumns.Exported.Select(c => c.Name))).ConfigureAwait(false);
        foreach (var u in units)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await writer.WriteLineAsync(string.Join(",", Row.From(u).Values().Select(CsvField))).ConfigureAwait(false);
        }
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
