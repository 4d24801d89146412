using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Scheme.Engine.Store;

/// <summary>
/// The JSON text of a row's outcomes, metrics and reasons: an object with its keys in ordinal order, byte for byte what
/// <see cref="JsonSerializer"/> writes for a sorted dictionary (the same default encoder), without the sorted copy and
/// the serializer's dispatch, which were a large share of a million-unit offline run.
/// </summary>
internal static class RowJson
{
    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

    public static string Outcomes(IReadOnlyDictionary<string, bool> values) => Write(values, static (w, v) => w.WriteBooleanValue(v));

    public static string Metrics(IReadOnlyDictionary<string, double?> values) => Write(values, static (w, v) =>
    {
        if (v is { } number)
        {
            w.WriteNumberValue(number);
        }
        else
        {
            w.WriteNullValue();
        }
    });

    public static string Reasons(IReadOnlyDictionary<string, string> values) => Write(values, static (w, v) => w.WriteStringValue(v));

    private static string Write<T>(IReadOnlyDictionary<string, T> values, Action<Utf8JsonWriter, T> value)
    {
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(256);
        buffer.ResetWrittenCount();
        var writer = t_writer ??= new Utf8JsonWriter(buffer);
        writer.Reset(buffer);
        writer.WriteStartObject();
        if (values.Count > 0)
        {
            var keys = ArrayPool<string>.Shared.Rent(values.Count);
            var count = 0;
            foreach (var key in values.Keys)
            {
                keys[count++] = key;
            }
            Array.Sort(keys, 0, count, StringComparer.Ordinal);
            for (var i = 0; i < count; i++)
            {
                writer.WritePropertyName(keys[i]);
                value(writer, values[keys[i]]);
            }
            Array.Clear(keys, 0, count);
            ArrayPool<string>.Shared.Return(keys);
        }
        writer.WriteEndObject();
        writer.Flush();
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
