using System.IO.Compression;
using System.Text;

namespace Scheme.Engine.Store;

/// <summary>
/// Transcripts are stored gzip-compressed: they are JSON with long repeated prompts and tool outputs, which gzip
/// shrinks several times over at a cost far below a model request. GZip rather than Brotli because it is fast at
/// every level and readable by any tool (<c>sqlite3 ... "SELECT transcript_gz" | gunzip</c>).
/// </summary>
public static class TranscriptCompression
{
    public static byte[] Compress(string json)
    {
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
}
