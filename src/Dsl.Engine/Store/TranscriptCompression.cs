using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace Scheme.Engine.Store;

/// <summary>
/// Transcripts are stored gzip-compressed: they are JSON with long repeated prompts and tool outputs, which gzip
/// shrinks several times over at a cost far below a model request. GZip rather than Brotli because it is fast at
/// every level and readable by any tool (<c>sqlite3 ... "SELECT transcript_gz" | gunzip</c>).
/// </summary>
/// <remarks>A transcript under <see cref="StoredBelow"/> bytes (a simulated unit's is about 200) is written as gzip with
/// one stored (uncompressed) deflate block: still gzip for every reader, but without setting up a compressor, which
/// cost more than the rest of a simulated unit's row and saved a few bytes at best.</remarks>
public static class TranscriptCompression
{
    public const int StoredBelow = 512;

    public static byte[] Compress(string json)
    {
        var length = Encoding.UTF8.GetByteCount(json);
        if (length < StoredBelow)
        {
            return Stored(json, length);
        }
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
        {
            var bytes = Encoding.UTF8.GetBytes(json);
            gzip.Write(bytes, 0, bytes.Length);
        }
        return buffer.ToArray();
    }

    public static string Decompress(byte[] compressed)
    {
        using var gzip = new GZipStream(new MemoryStream(compressed), CompressionMode.Decompress);
        using var reader = new StreamReader(gzip, Encoding.UTF8);
        return reader.ReadToEnd();
    }

    /// <summary>RFC 1952 member around one RFC 1951 stored block: 10-byte header, block header (final, stored; length and its
    /// complement), the bytes, then CRC-32 and length.</summary>
    private static byte[] Stored(string json, int length)
    {
        var result = new byte[10 + 5 + length + 8];
        result[0] = 0x1f;
        result[1] = 0x8b;
        result[2] = 8; // deflate
        result[9] = 255; // OS unknown
        result[10] = 1; // BFINAL, BTYPE 00 (stored)
        BinaryPrimitives.WriteUInt16LittleEndian(result.AsSpan(11), (ushort)length);
        BinaryPrimitives.WriteUInt16LittleEndian(result.AsSpan(13), (ushort)~length);
        var data = result.AsSpan(15, length);
        Encoding.UTF8.GetBytes(json, data);
        BinaryPrimitives.WriteUInt32LittleEndian(result.AsSpan(15 + length), Crc32(data));
        BinaryPrimitives.WriteUInt32LittleEndian(result.AsSpan(19 + length), (uint)length);
        return result;
    }

    private static readonly uint[] CrcTable = Enumerable.Range(0, 256).Select(n =>
    {
        var c = (uint)n;
        for (var k = 0; k < 8; k++)
        {
            c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        }
        return c;
    }).ToArray();

    private static uint Crc32(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc = CrcTable[(crc ^ b) & 0xFF] ^ (crc >> 8);
        }
        return ~crc;
    }
}
