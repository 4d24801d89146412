
namespace Scheme.Engine.Providers;

/// <summary>
/// Refuses response bodies larger than a limit while they stream in: a hostile or broken server that sends
/// 50 MB (or never stops) costs the runner at most the limit in memory. The SDK buffers bodies whole, so the
/// bound has to sit below it, on the stream it reads.
/// </summary>
internal sealed class ResponseSizeLimit(long limit, HttpMessageHandler inner) : DelegatingHandler(inner)
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.Content.Headers.ContentLength is { } length && length > limit)
        {
            response.Dispose();
            throw new ResponseTooLargeException(limit);
        }
        var original = response.Content;
        var limited = new StreamContent(new LimitedStream(await original.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false), limit));
        foreach (var header in original.Headers)
        {
            limited.Headers.TryAddWithoutValidation(header.Key, header.Value);
        }
        response.Content = limited;
        return response;
    }

    private sealed class LimitedStream(Stream inner, long limit) : Stream
    {
        private long _read;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => _read; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Count(await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

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

        private int Count(int read)
        {
            _read += read;
            return _read > limit ? throw new ResponseTooLargeException(limit) : read;
        }
    }
}

/// <summary>A response body passed the transport's size limit.</summary>
public sealed class ResponseTooLargeException(long limit) : IOException($"The response body is larger than {limit} bytes.")
{
    public long Limit => limit;
}
