using System.Buffers;
using System.Text.Json;

namespace Scheme.Engine.Store;

/// <summary>
/// The JSONL form of unit rows (one object per line, fields named by <see cref="UnitColumns"/>): the one writer, used
/// by <c>export</c>, and the one reader, used by <c>analyze --data</c>. The reader streams (nothing but the current
/// line is held, so a million-unit export reads in constant memory), skips fields it does not know (a newer writer may
/// add some), and is strict about everything else: a line that is not a JSON object, lacks a coordinate, or has a
/// field of the wrong type is reported with its line number through <c>errors</c> and skipped, never thrown.
/// </summary>
public static class UnitJsonl
{
    /// <summary>Reads a JSONL export. Blank lines are allowed; errors are added to <paramref name="errors"/>.</summary>
    public static IEnumerable<UnitRecord> Read(string path, ICollection<UnitReadError> errors)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        foreach (var unit in Read(stream, errors, path))
        {
            yield return unit;
        }
    }

    public static IEnumerable<UnitRecord> Read(Stream stream, ICollection<UnitReadError> errors, string source = "<stream>")
    {
        var parser = new LineParser();
        var buffer = ArrayPool<byte>.Shared.Rent(1 << 20);
        try
        {
            int start = 0, end = 0;
            long line = 0;
            var eof = false;
            while (true)
            {
                var newline = buffer.AsSpan(start, end - start).IndexOf((byte)'\n');
                if (newline < 0 && !eof)
                {
                    // Move the partial line to the front, grow if a single line fills the buffer, read more.
                    if (start > 0)
                    {
                        Buffer.BlockCopy(buffer, start, buffer, 0, end - start);
                        end -= start;
                        start = 0;
                    }
                    if (end == buffer.Length)
                    {
                        var bigger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                        Buffer.BlockCopy(buffer, 0, bigger, 0, end);
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = bigger;
                    }
                    var read = stream.Read(buffer, end, buffer.Length - end);
                    if (read == 0)
                    {
                        eof = true;
                    }
                    end += read;
                    continue;
                }
                if (newline < 0 && start == end)
                {
                    yield break;
                }
                var length = newline < 0 ? end - start : newline;
                line++;
                var unit = parser.Parse(buffer.AsSpan(start, length), out var error) is { } parsed ? parsed with { Line = line } : null;
                start += newline < 0 ? length : length + 1;
                if (error is not null)
                {
                    errors.Add(new UnitReadError(source, line, error));
                }
                else if (unit is not null)
                {
                    yield return unit;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Parses one line. Coordinate strings repeat on every line, so they are pooled: a million units share a
    /// few hundred strings instead of allocating eight each.
    /// </summary>
    private sealed class LineParser
    {
        private readonly Dictionary<string, string> _pool = new(StringComparer.Ordinal);
        private readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> _lookup;
        private char[] _chars = new char[256];

        public LineParser() => _lookup = _pool.GetAlternateLookup<ReadOnlySpan<char>>();

        public UnitRecord? Parse(ReadOnlySpan<byte> line, out string? error)
        {
            error = null;
            if (line.Length > 0 && line[^1] == (byte)'\r')
            {
                line = line[..^1];
            }
            if (line.Trim((byte)' ').IsEmpty)
            {
                return null;
            }
            try
            {
                return ParseObject(line, out error);
            }
            catch (JsonException e)
            {
                error = $"Not valid JSON: {Trim(e.Message)}";
                return null;
            }
            catch (InvalidOperationException e)
            {
                error = $"Wrong type: {e.Message}";
                return null;
            }
            catch (FormatException e)
            {
                error = $"Bad value: {e.Message}";
                return null;
            }
        }

        private UnitRecord? ParseObject(ReadOnlySpan<byte> line, out string? error)
        {
            var reader = new Utf8JsonReader(line, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                error = "Expected a JSON object per line.";
                return null;
            }
            string? unitId = null, run = null, checkpoint = null, environment = null, variant = null, condition = null, status = null, unitError = null;
            int? epoch = null;
            long seed = 0, tokensIn = 0, tokensOut = 0, latency = 0;
            double? cost = null;
            bool? simulated = null;
            DateTimeOffset? finished = null;
            IReadOnlyDictionary<string, bool> outcomes = EmptyOutcomes;
            IReadOnlyDictionary<string, double?> metrics = EmptyMetrics;
            IReadOnlyDictionary<string, string> missingMetrics = EmptyReasons, indeterminate = EmptyReasons;
            while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
            {
                if (reader.TokenType != JsonTokenType.PropertyName)
                {
                    error = "Malformed object.";
                    return null;
                }
                var field = reader.ValueIsEscaped || reader.HasValueSequence ? FieldOf(reader.GetString() ?? "") : FieldOf(reader.ValueSpan);
                reader.Read();
                switch (field)
                {
                    case Field.UnitId: unitId = reader.GetString(); break;
                    case Field.Run: run = Pooled(ref reader); break;
                    case Field.Checkpoint: checkpoint = Pooled(ref reader); break;
                    case Field.Environment: environment = Pooled(ref reader); break;
                    case Field.Variant: variant = Pooled(ref reader); break;
                    case Field.Condition: condition = Pooled(ref reader); break;
                    case Field.Status: status = Pooled(ref reader); break;
                    case Field.Epoch: epoch = reader.GetInt32(); break;
                    case Field.Seed: seed = reader.TokenType == JsonTokenType.Null ? 0 : reader.GetInt64(); break;
                    case Field.TokensIn: tokensIn = reader.TokenType == JsonTokenType.Null ? 0 : reader.GetInt64(); break;
                    case Field.TokensOut: tokensOut = reader.TokenType == JsonTokenType.Null ? 0 : reader.GetInt64(); break;
                    case Field.LatencyMs: latency = reader.TokenType == JsonTokenType.Null ? 0 : reader.GetInt64(); break;
                    case Field.CostUsd: cost = reader.TokenType == JsonTokenType.Null ? null : reader.GetDouble(); break;
                    case Field.Error: unitError = reader.TokenType == JsonTokenType.Null ? null : reader.GetString(); break;
                    case Field.FinishedAt: finished = reader.TokenType == JsonTokenType.Null ? null : reader.GetDateTimeOffset(); break;
                    case Field.Outcomes: outcomes = ReadOutcomes(ref reader); break;
                    case Field.Metrics: metrics = ReadMetrics(ref reader); break;
                    case Field.Missing: missingMetrics = ReadReasons(ref reader, "missing"); break;
                    case Field.Indeterminate: indeterminate = ReadReasons(ref reader, "indeterminate"); break;
                    case Field.Simulated: simulated = reader.TokenType == JsonTokenType.Null ? null : reader.GetBoolean(); break;
                    default: reader.Skip(); break;
                }
            }
            if (reader.TokenType != JsonTokenType.EndObject)
            {
                error = "Unterminated object.";
                return null;
            }
            if (reader.Read())
            {
                error = "Text after the object; one object per line.";
                return null;
            }
            var missing = new List<string>();
            if (unitId is null) missing.Add("unit_id");
            if (run is null) missing.Add("run");
            if (checkpoint is null) missing.Add("checkpoint");
            if (environment is null) missing.Add("environment");
            if (condition is null) missing.Add("condition");
            if (epoch is null) missing.Add("epoch");
            if (status is null) missing.Add("status");
            if (missing.Count > 0)
            {
                error = $"Missing field{(missing.Count > 1 ? "s" : "")} {string.Join(", ", missing)}.";
                return null;
            }
            UnitStatus parsedStatus;
            if (status == "done") parsedStatus = UnitStatus.Done;
            else if (status == "failed") parsedStatus = UnitStatus.Failed;
            else
            {
                error = $"status must be \"done\" or \"failed\", not \"{status}\".";
                return null;
            }
            error = null;
            return new UnitRecord(unitId!, run!, checkpoint!, environment!, variant ?? Design.DesignExpander.DefaultVariant, condition!, epoch!.Value, seed,
                parsedStatus, outcomes, metrics, tokensIn, tokensOut, cost, latency, unitError, finished)
            {
                Missing = missingMetrics,
                Indeterminate = indeterminate,
                Simulated = simulated,
            };
        }

        private enum Field
        {
            Unknown, UnitId, Run, Checkpoint, Environment, Variant, Condition, Epoch, Seed, Status, Outcomes, Metrics,
            TokensIn, TokensOut, CostUsd, LatencyMs, Error, FinishedAt, Missing, Indeterminate, Simulated,
        }

        private static Field FieldOf(string name) => FieldOf(System.Text.Encoding.UTF8.GetBytes(name));

        private static Field FieldOf(ReadOnlySpan<byte> name) => name switch
        {
            _ when name.SequenceEqual("unit_id"u8) => Field.UnitId,
            _ when name.SequenceEqual("run"u8) => Field.Run,
            _ when name.SequenceEqual("checkpoint"u8) => Field.Checkpoint,
            _ when name.SequenceEqual("environment"u8) => Field.Environment,
            _ when name.SequenceEqual("variant"u8) => Field.Variant,
            _ when name.SequenceEqual("condition"u8) => Field.Condition,
            _ when name.SequenceEqual("epoch"u8) => Field.Epoch,
            _ when name.SequenceEqual("seed"u8) => Field.Seed,
            _ when name.SequenceEqual("status"u8) => Field.Status,
            _ when name.SequenceEqual("outcomes"u8) => Field.Outcomes,
            _ when name.SequenceEqual("metrics"u8) => Field.Metrics,
            _ when name.SequenceEqual("tokens_in"u8) => Field.TokensIn,
            _ when name.SequenceEqual("tokens_out"u8) => Field.TokensOut,
            _ when name.SequenceEqual("cost_usd"u8) => Field.CostUsd,
            _ when name.SequenceEqual("latency_ms"u8) => Field.LatencyMs,
            _ when name.SequenceEqual("error"u8) => Field.Error,
            _ when name.SequenceEqual("finished_at"u8) => Field.FinishedAt,
            _ when name.SequenceEqual("missing"u8) => Field.Missing,
            _ when name.SequenceEqual("indeterminate"u8) => Field.Indeterminate,
            _ when name.SequenceEqual("simulated"u8) => Field.Simulated,
            _ => Field.Unknown,
        };

        private Dictionary<string, bool> ReadOutcomes(ref Utf8JsonReader reader)
        {
            if (reader.TokenType == JsonTokenType.Null) return [];
            Expect(ref reader, JsonTokenType.StartObject, "outcomes must be an object of booleans");
            var result = new Dictionary<string, bool>(4, StringComparer.Ordinal);
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var key = Pooled(ref reader);
                reader.Read();
                result[key] = reader.TokenType switch
                {
                    JsonTokenType.True => true,
                    JsonTokenType.False => false,
                    _ => throw new InvalidOperationException($"outcome '{key}' must be true or false."),
                };
            }
            return result;
        }

        private Dictionary<string, double?> ReadMetrics(ref Utf8JsonReader reader)
        {
            if (reader.TokenType == JsonTokenType.Null) return [];
            Expect(ref reader, JsonTokenType.StartObject, "metrics must be an object of numbers or nulls");
            var result = new Dictionary<string, double?>(4, StringComparer.Ordinal);
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var key = Pooled(ref reader);
                reader.Read();
                result[key] = reader.TokenType switch
                {
                    JsonTokenType.Null => null,
                    JsonTokenType.Number => reader.GetDouble(),
                    JsonTokenType.True => 1.0,
                    JsonTokenType.False => 0.0,
                    _ => throw new InvalidOperationException($"metric '{key}' must be a number or null."),
                };
            }
            return result;
        }

        /// <summary>{name: reason}; null (old data) is empty, and a null reason is kept as "".</summary>
        private Dictionary<string, string> ReadReasons(ref Utf8JsonReader reader, string field)
        {
            if (reader.TokenType == JsonTokenType.Null) return [];
            Expect(ref reader, JsonTokenType.StartObject, $"{field} must be an object of reasons (strings)");
            var result = new Dictionary<string, string>(2, StringComparer.Ordinal);
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var key = Pooled(ref reader);
                reader.Read();
                result[key] = reader.TokenType switch
                {
                    JsonTokenType.Null => "",
                    JsonTokenType.String => reader.GetString()!,
                    _ => throw new InvalidOperationException($"{field} '{key}' must be a reason (a string)."),
                };
            }
            return result;
        }

        private static void Expect(ref Utf8JsonReader reader, JsonTokenType type, string message)
        {
            if (reader.TokenType != type) throw new InvalidOperationException(message);
        }

        private string Pooled(ref Utf8JsonReader reader)
        {
            if (reader.TokenType is not (JsonTokenType.String or JsonTokenType.PropertyName))
            {
                throw new InvalidOperationException($"expected a string, found {reader.TokenType}.");
            }
            var length = reader.HasValueSequence ? checked((int)reader.ValueSequence.Length) : reader.ValueSpan.Length;
            if (_chars.Length < length)
            {
                _chars = new char[Math.Max(length, _chars.Length * 2)];
            }
            var written = reader.CopyString(_chars);
            var span = _chars.AsSpan(0, written);
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

        private static string Trim(string message)
        {
            var cut = message.IndexOf(" LineNumber", StringComparison.Ordinal);
            return cut > 0 ? message[..cut] : message;
        }

        private static readonly IReadOnlyDictionary<string, bool> EmptyOutcomes = new Dictionary<string, bool>();
        private static readonly IReadOnlyDictionary<string, double?> EmptyMetrics = new Dictionary<string, double?>();
        private static readonly IReadOnlyDictionary<string, string> EmptyReasons = new Dictionary<string, string>();
    }

    /// <summary>Writes units in the export schema, one object per line, keys in a stable order; the inverse of <see cref="Read(Stream, ICollection{UnitReadError}, string)"/>.</summary>
    public static void Write(IEnumerable<UnitRecord> units, Stream stream)
    {
        // Readable text: '+', quotes in prose and non-ASCII letters are not escaped (the output is a file, not HTML).
        using var writer = new Utf8JsonWriter(stream, new JsonWriterOptions
        {
            SkipValidation = true,
            Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        });
        foreach (var unit in units)
        {
            writer.WriteStartObject();
            writer.WriteString("unit_id"u8, unit.UnitId);
            writer.WriteString("run"u8, unit.Run);
            writer.WriteString("checkpoint"u8, unit.Checkpoint);
            writer.WriteString("environment"u8, unit.Environment);
            writer.WriteString("variant"u8, unit.Variant);
            writer.WriteString("condition"u8, unit.Condition);
            writer.WriteNumber("epoch"u8, unit.Epoch);
            writer.WriteNumber("seed"u8, unit.Seed);
            writer.WriteString("status"u8, unit.Status == UnitStatus.Done ? "done" : "failed");
            writer.WriteStartObject("outcomes"u8);
            foreach (var (name, value) in unit.Outcomes.OrderBy(o => o.Key, StringComparer.Ordinal)) writer.WriteBoolean(name, value);
            writer.WriteEndObject();
            writer.WriteStartObject("metrics"u8);
            foreach (var (name, value) in unit.Metrics.OrderBy(m => m.Key, StringComparer.Ordinal))
            {
                if (value is { } v) writer.WriteNumber(name, v);
                else writer.WriteNull(name);
            }
            writer.WriteEndObject();
            WriteReasons(writer, "missing"u8, unit.Missing);
            WriteReasons(writer, "indeterminate"u8, unit.Indeterminate);
            writer.WriteNumber("tokens_in"u8, unit.TokensIn);
            writer.WriteNumber("tokens_out"u8, unit.TokensOut);
            if (unit.CostUsd is { } cost) writer.WriteNumber("cost_usd"u8, cost); else writer.WriteNull("cost_usd"u8);
            writer.WriteNumber("latency_ms"u8, unit.LatencyMs);
            if (unit.Error is { } e) writer.WriteString("error"u8, e); else writer.WriteNull("error"u8);
            if (unit.FinishedAt is { } f) writer.WriteString("finished_at"u8, f);
            if (unit.Simulated is { } simulated) writer.WriteBoolean("simulated"u8, simulated); else writer.WriteNull("simulated"u8);
            writer.WriteEndObject();
            writer.Flush();
            writer.Reset();
            stream.WriteByte((byte)'\n');
        }
    }

    private static void WriteReasons(Utf8JsonWriter writer, ReadOnlySpan<byte> name, IReadOnlyDictionary<string, string> reasons)
    {
        writer.WriteStartObject(name);
        foreach (var (key, reason) in reasons.OrderBy(r => r.Key, StringComparer.Ordinal)) writer.WriteString(key, reason);
        writer.WriteEndObject();
    }
}
