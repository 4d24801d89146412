using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Scheme.LanguageServer.Server;

/// <summary>
/// The client's side of the wire, read one framed message at a time and checked before StreamJsonRpc sees it: a body
/// that is not JSON, or a JSON value that is no JSON-RPC message, would make StreamJsonRpc close the connection. Such a
/// message that carries an id becomes a request for <see cref="InvalidRequestMethod"/>, which the server answers with
/// the JSON-RPC "invalid request" error; one without an id is dropped and logged. Oversized bodies are skipped unread.
/// </summary>
internal sealed class ValidatingInputStream(Stream inner, TextWriter log) : Stream
{
    public const string InvalidRequestMethod = "$/scheme/invalidRequest";

    /// <summary>The largest message accepted: a whole buffer of 64 MiB is far beyond a .scheme file (capped at 16 MiB).</summary>
    private const int MaxBody = 64 * 1024 * 1024;

    private byte[] _pending = [];
    private int _position;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (_position >= _pending.Length)
        {
            var next = await NextMessageAsync(cancellationToken);
            if (next is null)
            {
                return 0;
            }
            (_pending, _position) = (next, 0);
        }
        var count = Math.Min(buffer.Length, _pending.Length - _position);
        _pending.AsMemory(_position, count).CopyTo(buffer);
        _position += count;
        return count;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count).GetAwaiter().GetResult();

    /// <summary>The next message to pass on, framed again; null at the end of the stream.</summary>
    private async Task<byte[]?> NextMessageAsync(CancellationToken cancellation)
    {
        while (true)
        {
            var length = -1;
            while (true)
            {
                var line = await ReadLineAsync(cancellation);
                if (line is null)
                {
                    return null;
                }
                if (line.Length == 0)
                {
                    break;
                }
                var colon = line.IndexOf(':', StringComparison.Ordinal);
                if (colon > 0 && line[..colon].Trim().Equals("Content-Length", StringComparison.OrdinalIgnoreCase)
                    && int.TryParse(line[(colon + 1)..].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
                {
                    length = parsed;
                }
            }
            if (length < 0)
            {
                log.WriteLine("scheme lsp: skipped a message without a valid Content-Length header.");
                continue;
            }
            if (length > MaxBody)
            {
                log.WriteLine($"scheme lsp: skipped a message of {length} bytes (the limit is {MaxBody}).");
                if (!await SkipAsync(length, cancellation))
                {
                    return null;
                }
                continue;
            }
            var body = new byte[length];
            try
            {
                await inner.ReadExactlyAsync(body, cancellation);
            }
            catch (EndOfStreamException)
            {
                return null;
            }
            if (Check(body) is { } checkedBody)
            {
                return Frame(checkedBody);
            }
        }
    }

    /// <summary>The body to pass on: itself when it is a JSON-RPC message, a request for the error answer, or null to drop it.</summary>
    private byte[]? Check(byte[] body)
    {
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(body);
        }
        catch (JsonException e)
        {
            log.WriteLine($"scheme lsp: skipped a message that is not JSON ({e.Message}).");
            return null;
        }
        if (node is not JsonObject message)
        {
            log.WriteLine("scheme lsp: skipped a message that is not a JSON object.");
            return null;
        }
        var id = message["id"];
        var idValid = id is null || id.GetValueKind() is JsonValueKind.Number or JsonValueKind.String or JsonValueKind.Null;
        var method = message["method"];
        var isResponse = method is null && (message.ContainsKey("result") || message.ContainsKey("error"));
        var problem = !idValid ? "its id is neither a number nor a string"
            : isResponse ? null
            : method is null || method.GetValueKind() != JsonValueKind.String ? "it has no method name"
            : message["params"] is { } p && p.GetValueKind() is not (JsonValueKind.Object or JsonValueKind.Array) ? "its params are neither an object nor an array"
            : null;
        if (problem is null)
        {
            return body;
        }
        if (id is null || !idValid)
        {
            log.WriteLine($"scheme lsp: skipped an invalid message: {problem}.");
            return null;
        }
        var request = new JsonObject
        {
            ["jsonrpc"] = "2.0",
            ["id"] = id.DeepClone(),
            ["method"] = InvalidRequestMethod,
            ["params"] = new JsonObject { ["reason"] = $"Invalid request: {problem}." },
        };
        return Encoding.UTF8.GetBytes(request.ToJsonString());
    }

    private static byte[] Frame(byte[] body)
    {
        var header = Encoding.ASCII.GetBytes($"Content-Length: {body.Length}\r\n\r\n");
        return [.. header, .. body];
    }

    private async Task<string?> ReadLineAsync(CancellationToken cancellation)
    {
        var line = new StringBuilder();
        var one = new byte[1];
        while (true)
        {
            if (await inner.ReadAsync(one, cancellation) == 0)
            {
                return null;
            }
            if (one[0] == '\n')
            {
                return line.ToString().TrimEnd('\r');
            }
            if (line.Length < 8192)
            {
                line.Append((char)one[0]);
            }
        }
    }

    private async Task<bool> SkipAsync(long count, CancellationToken cancellation)
    {
        var buffer = new byte[81920];
        while (count > 0)
        {
            var read = await inner.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, count)), cancellation);
            if (read == 0)
            {
                return false;
            }
            count -= read;
        }
        return true;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }
        base.Dispose(disposing);
    }
}
