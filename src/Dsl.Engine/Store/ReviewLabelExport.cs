using System.Globalization;
using System.Text;
using System.Text.Json;
using Parquet.Serialization;

namespace Scheme.Engine.Store;

/// <summary>
/// The review labels of a run as a file beside its units export (<c>units.labels.jsonl</c>, <c>.csv</c>, <c>.parquet</c>):
/// every label in store order, superseded ones included (a reader takes each reviewer's latest with
/// <see cref="ReviewLabels.Current"/>), columns <c>seq, unit_id, outcome, verdict, reviewer, note, at</c>. Read back by
/// <see cref="Read"/> (so <c>analyze --data units.jsonl --labels units.labels.jsonl</c> sees what the run directory holds).
/// </summary>
public static class ReviewLabelExport
{
    public static readonly string[] Columns = ["seq", "unit_id", "outcome", "verdict", "reviewer", "note", "at"];

    /// <summary>The labels file beside a units export: units.jsonl → units.labels.jsonl.</summary>
    public static string PathBeside(string unitsPath) =>
        System.IO.Path.Combine(System.IO.Path.GetDirectoryName(unitsPath) ?? "",
            System.IO.Path.GetFileNameWithoutExtension(unitsPath) + ".labels" + System.IO.Path.GetExtension(unitsPath));

    /// <summary>Writes the labels all or nothing (<see cref="AtomicFile"/>), as the units export beside them.</summary>
    public static Task WriteAsync(IReadOnlyList<ReviewLabel> labels, ExportFormat format, string path, CancellationToken cancellationToken = default) =>
        AtomicFile.WriteAsync(path, stream => WriteAsync(labels, format, stream, cancellationToken), cancellationToken);

    private static async Task WriteAsync(IReadOnlyList<ReviewLabel> labels, ExportFormat format, Stream stream, CancellationToken cancellationToken)
    {
        switch (format)
        {
            case ExportFormat.Jsonl:
                await using (var writer = new StreamWriter(stream, new UTF8Encoding(false), leaveOpen: true))
                {
                    foreach (var label in labels)
                    {
                        await writer.WriteLineAsync(JsonSerializer.Serialize(Row.From(label), Json)).ConfigureAwait(false);
                    }
                }
                break;
            case ExportFormat.Csv:
                await using (var writer = new StreamWriter(stream, new UTF8Encoding(false), leaveOpen: true))
                {
                    await writer.WriteLineAsync(string.Join(",", Columns)).ConfigureAwait(false);
                    foreach (var row in labels.Select(Row.From))
                    {
                        await writer.WriteLineAsync(string.Join(",", row.Values().Select(RunExporter.CsvField))).ConfigureAwait(false);
                    }
                }
                break;
            default:
                await ParquetSerializer.SerializeAsync(labels.Select(Row.From), stream, cancellationToken: cancellationToken).ConfigureAwait(false);
                break;
        }
    }

    /// <summary>Reads a labels file in any of the three formats (by its extension); a malformed one is bad input.</summary>
    public static IReadOnlyList<ReviewLabel> Read(string path)
    {
        try
        {
            var rows = System.IO.Path.GetExtension(path).ToLowerInvariant() switch
            {
                ".csv" => ReadCsv(path),
                ".parquet" => ReadParquet(path),
                _ => File.ReadLines(path).Where(l => l.Length > 0)
                    .Select(l => JsonSerializer.Deserialize<Row>(l, Json) ?? throw new FormatException("a line is null, not a label")).ToList(),
            };
            return rows.Select(r => r.ToLabel(path)).ToList();
        }
        catch (Exception e) when (e is JsonException or FormatException or IOException or InvalidOperationException or NotSupportedException or ArgumentException)
        {
            throw new InvalidDataException($"{path} is not a review labels file ({e.Message})", e);
        }
    }

    private static List<Row> ReadParquet(string path)
    {
        using var stream = File.OpenRead(path);
        return [.. ParquetSerializer.DeserializeAsync<Row>(stream).GetAwaiter().GetResult().Data];
    }

    private static List<Row> ReadCsv(string path)
    {
        var records = CsvRecords(File.ReadAllText(path, Encoding.UTF8)).ToList();
        if (records.Count == 0 || !records[0].SequenceEqual(Columns))
        {
            throw new FormatException($"the header is not {string.Join(",", Columns)}");
        }
        return records.Skip(1).Select(f => f.Count == Columns.Length
            ? new Row { seq = long.Parse(f[0], CultureInfo.InvariantCulture), unit_id = f[1], outcome = f[2], verdict = f[3], reviewer = f[4], note = f[5].Length == 0 ? null : f[5], at = f[6] }
            : throw new FormatException($"a row has {f.Count} fields, not {Columns.Length}")).ToList();
    }

    /// <summary>RFC 4180 records: quoted fields may hold commas, quotes (doubled) and line breaks.</summary>
    private static IEnumerable<List<string>> CsvRecords(string text)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"') { field.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else field.Append(c);
                continue;
            }
            switch (c)
            {
                case '"': quoted = true; break;
                case ',': fields.Add(field.ToString()); field.Clear(); break;
                case '\r': break;
                case '\n':
                    fields.Add(field.ToString()); field.Clear();
                    yield return fields;
                    fields = [];
                    break;
                default: field.Append(c); break;
            }
        }
        if (quoted) throw new FormatException("a quoted field is not closed");
        if (field.Length > 0 || fields.Count > 0)
        {
            fields.Add(field.ToString());
            yield return fields;
        }
    }

    private static readonly JsonSerializerOptions Json = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

#pragma warning disable IDE1006, SA1300 // Column names are snake_case on purpose: they are the export's schema.
    public sealed class Row
    {
        public long seq { get; set; }
        public string unit_id { get; set; } = "";
        public string outcome { get; set; } = "";
        public string verdict { get; set; } = "";
        public string reviewer { get; set; } = "";
        public string? note { get; set; }
        public string at { get; set; } = "";

        public static Row From(ReviewLabel label) => new()
        {
            seq = label.Sequence,
            unit_id = label.UnitId,
            outcome = label.Outcome,
            verdict = ReviewLabel.Text(label.Verdict),
            reviewer = label.Reviewer,
            note = label.Note,
            at = label.At.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture),
        };

        public IEnumerable<string?> Values() => [seq.ToString(CultureInfo.InvariantCulture), unit_id, outcome, verdict, reviewer, note, at];

        /// <summary>The label, validated as the store validates what it accepts.</summary>
        public ReviewLabel ToLabel(string path)
        {
            // JSON null or an empty Parquet cell leaves a field null: a malformed file, said as such.
            if (unit_id is null || outcome is null || verdict is null || reviewer is null || at is null)
            {
                throw new FormatException($"label {seq} lacks a field");
            }
            if (!ReviewLabel.TryParse(verdict, out var parsed))
            {
                throw new FormatException($"label {seq} has the verdict '{verdict}'");
            }
            if (ReviewLabels.Problem(unit_id, outcome, reviewer, note) is { } problem)
            {
                throw new FormatException($"label {seq}: {problem}");
            }
            return new ReviewLabel(unit_id, outcome, parsed, reviewer, note,
                DateTimeOffset.Parse(at, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind), seq);
        }
    }
#pragma warning restore IDE1006, SA1300
}
