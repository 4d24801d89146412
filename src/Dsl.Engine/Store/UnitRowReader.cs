using System.Buffers.Text;
using System.Collections.ObjectModel;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Scheme.Engine.Store;

/// <summary>
/// Reads the units table forward-only, straight from SQLite's row buffers: what <c>export</c>, <c>analyze DIR</c> and
/// <c>review</c> stream a million rows through. It decodes a row as <see cref="RunDatabase.ReadRow"/> does (a test holds
/// the two to the same records on hostile rows), but without the per-row costs that dominate at that scale: no UTF-16
/// copy of the JSON columns (they are parsed from the UTF-8 bytes with <see cref="Utf8JsonReader"/>), one string per
/// distinct coordinate (run, checkpoint, environment, variant, condition and JSON keys are pooled), no column lookup by
/// name, empty objects shared, and the finish time parsed from its bytes.
/// </summary>
internal sealed class UnitRowReader
{
    // Ordinals: the select list is UnitColumns.Stored in order, with NULL for a column the file lacks or the caller skips.
    private const int UnitId = 0, Run = 1, Checkpoint = 2, Environment = 3, Variant = 4, Condition = 5, Epoch = 6, Seed = 7, Status = 8,
        Outcomes = 9, Metrics = 10, Missing = 11, Indeterminate = 12, TokensIn = 13, TokensOut = 14, CostUsd = 15, LatencyMs = 16,
        Error = 17, FinishedAt = 18, Simulated = 19, TranscriptText = 20, TranscriptGz = 21;

    private static readonly IReadOnlyDictionary<string, bool> NoOutcomes = ReadOnlyDictionary<string, bool>.Empty;
    private static readonly IReadOnlyDictionary<string, double?> NoMetrics = ReadOnlyDictionary<string, double?>.Empty;
    private static readonly IReadOnlyDictionary<string, string> NoReasons = ReadOnlyDictionary<string, string>.Empty;

    /// <summary>Distinct JSON texts per column whose decoded objects are shared; beyond it (a mean metric's values rarely
    /// repeat) texts are decoded each time.</summary>
    private const int MaxShared = 4096;

    private readonly Shared<IReadOnlyDictionary<string, bool>> _outcomes;
    private readonly Shared<IReadOnlyDictionary<string, double?>> _metrics;
    private readonly Shared<IReadOnlyDictionary<string, string>> _missing, _indeterminate;
    private readonly Dictionary<string, string> _pool = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private char[] _chars = new char[256];

    private UnitRowReader()
    {
        _lookup = _pool.GetAlternateLookup<ReadOnlySpan<char>>();
        _outcomes = new(ReadOutcomes);
        _metrics = new(ReadMetrics);
        _missing = new(ReadReasons);
        _indeterminate = new(ReadReasons);
    }

    /// <summary>The select list for <paramref name="present"/> columns (the units table's), in the ordinals above.</summary>
    public static string Select(IReadOnlySet<string> present, bool transcripts) =>
        string.Join(", ", UnitColumns.Stored.Select(c =>
            present.Contains(c.Name) && (transcripts || c.Name is not (UnitColumns.TranscriptText or UnitColumns.TranscriptGz)) ? c.Name : "NULL"));

    /// <summary>
    /// Runs <paramref name="sql"/> (which selects <see cref="Select"/>'s list) on its own read-only connection
    /// (<see cref="NativeStatement"/>) and yields each row as a record, its <see cref="UnitRecord.Line"/> its 1-based
    /// position. A row that cannot be decoded goes to <paramref name="errors"/>; an SQLite error (a damaged file) throws
    /// <see cref="InvalidDataException"/>.
    /// </summary>
    public static IEnumerable<UnitRecord> Read(string path, string sql, ICollection<UnitReadError> errors)
    {
        var reader = new UnitRowReader();
        using var statement = new NativeStatement(path, sql);
        long row = 0;
        while (statement.Step(path))
        {
            row++;
            UnitRecord? unit = null;
            string? error = null;
            try
            {
                unit = reader.Decode(statement, row);
            }
            catch (Exception e) when (e is JsonException or FormatException or InvalidCastException or InvalidOperationException or OverflowException)
            {
                error = $"Unreadable unit row{(statement.IsNull(UnitId) ? "" : $" (unit_id {statement.Text(UnitId)})")}: {e.Message}";
            }
            if (error is not null)
            {
                errors.Add(new UnitReadError(path, row, error));
            }
            else
            {
                yield return unit!;
            }
        }
    }

    private UnitRecord Decode(NativeStatement s, long row)
    {
        var status = Bytes(s, Status, UnitColumns.Status) switch
        {
            var b when b.SequenceEqual("done"u8) => UnitStatus.Done,
            var b when b.SequenceEqual("failed"u8) => UnitStatus.Failed,
            var other => throw new FormatException($"status must be 'done' or 'failed', not '{Encoding.UTF8.GetString(other)}'."),
        };
        return new UnitRecord(Unique(s, UnitId, UnitColumns.UnitId), Pooled(s, Run, UnitColumns.Run), Pooled(s, Checkpoint, UnitColumns.Checkpoint),
            Pooled(s, Environment, UnitColumns.Environment), Pooled(s, Variant, UnitColumns.Variant), Pooled(s, Condition, UnitColumns.Condition),
            checked((int)Integer(s, Epoch, UnitColumns.Epoch)), Integer(s, Seed, UnitColumns.Seed), status,
            _outcomes.Get(Bytes(s, Outcomes, UnitColumns.Outcomes)),
            IsNull(s, Metrics) ? NoMetrics : _metrics.Get(s.Bytes(Metrics)),
            Integer(s, TokensIn, UnitColumns.TokensIn), Integer(s, TokensOut, UnitColumns.TokensOut),
            IsNull(s, CostUsd) ? null : s.Double(CostUsd), Integer(s, LatencyMs, UnitColumns.LatencyMs),
            IsNull(s, Error) ? null : s.Text(Error),
            Time(Bytes(s, FinishedAt, UnitColumns.FinishedAt)))
        {
            Missing = IsNull(s, Missing) ? NoReasons : _missing.Get(s.Bytes(Missing)),
            Indeterminate = IsNull(s, Indeterminate) ? NoReasons : _indeterminate.Get(s.Bytes(Indeterminate)),
            Simulated = IsNull(s, Simulated) ? null : s.Int64(Simulated) != 0,
            TranscriptJson = !IsNull(s, TranscriptGz) ? TranscriptCompression.Decompress(s.Bytes(TranscriptGz).ToArray())
                : IsNull(s, TranscriptText) ? null : s.Text(TranscriptText),
            Line = row,
        };
    }

    private static bool IsNull(NativeStatement s, int column) => s.IsNull(column);

    /// <summary>A NOT NULL column's bytes; NULL (a hand-edited file) is an unreadable row, as in <see cref="RunDatabase.ReadRow"/>.</summary>
    private static ReadOnlySpan<byte> Bytes(NativeStatement s, int column, string name) =>
        IsNull(s, column) ? throw new InvalidCastException($"{name} is NULL.") : s.Bytes(column);

    private static long Integer(NativeStatement s, int column, string name) =>
        IsNull(s, column) ? throw new InvalidCastException($"{name} is NULL.") : s.Int64(column);

    private static string Unique(NativeStatement s, int column, string name) => Encoding.UTF8.GetString(Bytes(s, column, name));

    private string Pooled(NativeStatement s, int column, string name) => Pooled(Bytes(s, column, name));

    /// <summary>One string per distinct text: a million rows share the few hundred names of a design.</summary>
    private string Pooled(ReadOnlySpan<byte> utf8)
    {
        if (_chars.Length < utf8.Length)
        {
            _chars = new char[Math.Max(utf8.Length, _chars.Length * 2)];
        }
        var span = _chars.AsSpan(0, Encoding.UTF8.GetChars(utf8, _chars));
        if (_lookup.TryGetValue(span, out var existing))
        {
            return existing;
        }
        var text = new string(span);
        if (_pool.Count < 100_000)
        {
            _pool[text] = text;
        }
        return text;
    }

    /// <summary>As written by the store ("O"); any other form DateTimeOffset.Parse reads is read the slow way.</summary>
    private static DateTimeOffset Time(ReadOnlySpan<byte> utf8) =>
        Utf8Parser.TryParse(utf8, out DateTimeOffset value, out var consumed, 'O') && consumed == utf8.Length
            ? value
            : DateTimeOffset.Parse(Encoding.UTF8.GetString(utf8), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);

    /// <summary>{name: bool}; JSON null is empty, as JsonSerializer reads it.</summary>
    private IReadOnlyDictionary<string, bool> ReadOutcomes(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        if (!StartObject(ref reader))
        {
            return NoOutcomes;
        }
        Dictionary<string, bool>? result = null;
        while (Next(ref reader))
        {
            var key = Key(ref reader);
            reader.Read();
            (result ??= new Dictionary<string, bool>(4, StringComparer.Ordinal))[key] = reader.TokenType switch
            {
                JsonTokenType.True => true,
                JsonTokenType.False => false,
                _ => throw new JsonException($"outcome '{key}' is not true or false."),
            };
        }
        End(ref reader);
        return result ?? NoOutcomes;
    }

    private IReadOnlyDictionary<string, double?> ReadMetrics(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        if (!StartObject(ref reader))
        {
            return NoMetrics;
        }
        Dictionary<string, double?>? result = null;
        while (Next(ref reader))
        {
            var key = Key(ref reader);
            reader.Read();
            (result ??= new Dictionary<string, double?>(4, StringComparer.Ordinal))[key] = reader.TokenType switch
            {
                JsonTokenType.Null => null,
                JsonTokenType.Number => reader.GetDouble(),
                _ => throw new JsonException($"metric '{key}' is not a number or null."),
            };
        }
        End(ref reader);
        return result ?? NoMetrics;
    }

    /// <summary>{name: reason}; a null reason is "".</summary>
    private IReadOnlyDictionary<string, string> ReadReasons(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        if (!StartObject(ref reader))
        {
            return NoReasons;
        }
        Dictionary<string, string>? result = null;
        while (Next(ref reader))
        {
            var key = Key(ref reader);
            reader.Read();
            (result ??= new Dictionary<string, string>(2, StringComparer.Ordinal))[key] = reader.TokenType switch
            {
                JsonTokenType.Null => "",
                JsonTokenType.String => reader.GetString()!,
                _ => throw new JsonException($"the reason of '{key}' is not a string."),
            };
        }
        End(ref reader);
        return result ?? NoReasons;
    }

    /// <summary>True at the start of an object; false for JSON null; anything else is not the column's shape.</summary>
    private static bool StartObject(ref Utf8JsonReader reader)
    {
        reader.Read();
        return reader.TokenType switch
        {
            JsonTokenType.StartObject => true,
            JsonTokenType.Null => EndNull(ref reader),
            _ => throw new JsonException($"expected a JSON object, found {reader.TokenType}."),
        };
    }

    private static bool EndNull(ref Utf8JsonReader reader)
    {
        End(ref reader);
        return false;
    }

    private static bool Next(ref Utf8JsonReader reader) => reader.Read() && reader.TokenType == JsonTokenType.PropertyName;

    /// <summary>Nothing may follow the value (the reader throws on text after it).</summary>
    private static void End(ref Utf8JsonReader reader)
    {
        if (reader.Read())
        {
            throw new JsonException("text after the JSON value.");
        }
    }

    private delegate T Decoder<T>(ReadOnlySpan<byte> json);

    /// <summary>
    /// Decoded JSON objects by their exact text: a design has few distinct outcome maps (<c>{"covert_action":true}</c>), so
    /// a million rows share a handful of read-only dictionaries instead of decoding and allocating one each. Records never
    /// change their dictionaries, so sharing is safe.
    /// </summary>
    private sealed class Shared<T>(Decoder<T> decode)
    {
        private readonly Dictionary<byte[], T> _byText = new(BytesComparer.Instance);
        private Dictionary<byte[], T>.AlternateLookup<ReadOnlySpan<byte>> Lookup => _byText.GetAlternateLookup<ReadOnlySpan<byte>>();

        public T Get(ReadOnlySpan<byte> json)
        {
            if (Lookup.TryGetValue(json, out var known))
            {
                return known;
            }
            var value = decode(json);
            if (_byText.Count < MaxShared)
            {
                _byText[json.ToArray()] = value;
            }
            return value;
        }
    }

    private sealed class BytesComparer : IEqualityComparer<byte[]>, IAlternateEqualityComparer<ReadOnlySpan<byte>, byte[]>
    {
        public static readonly BytesComparer Instance = new();

        public bool Equals(byte[]? x, byte[]? y) => x.AsSpan().SequenceEqual(y);

        public int GetHashCode(byte[] obj) => GetHashCode((ReadOnlySpan<byte>)obj);

        public bool Equals(ReadOnlySpan<byte> alternate, byte[] other) => alternate.SequenceEqual(other);

        public int GetHashCode(ReadOnlySpan<byte> alternate)
        {
            var hash = new HashCode();
            hash.AddBytes(alternate);
            return hash.ToHashCode();
        }

        public byte[] Create(ReadOnlySpan<byte> alternate) => alternate.ToArray();
    }

    private string Key(ref Utf8JsonReader reader) =>
        reader.ValueIsEscaped || reader.HasValueSequence ? reader.GetString()! : Pooled(reader.ValueSpan);
}
