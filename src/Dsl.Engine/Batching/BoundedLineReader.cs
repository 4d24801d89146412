namespace Scheme.Engine.Batching;

/// <summary>
/// Reads a stream as lines of at most a given number of bytes: a longer line is skipped (reported as such) without
/// being held, so an output file with a huge or endless line costs the limit in memory, never more.
/// </summary>
internal sealed class BoundedLineReader(Stream stream, int maxLineBytes)
{
    private readonly byte[] _buffer = new byte[64 * 1024];
    private int _start;
    private int _end;

    public long BytesRead { get; private set; }

    /// <summary>The next line without its end (null at the end of the stream); <c>TooLong</c> when it was skipped.</summary>
    public async Task<(byte[]? Line, bool TooLong)> ReadAsync(CancellationToken cancellationToken)
    {
        using var line = new MemoryStream();
        var tooLong = false;
        var any = false;
        while (true)
        {
            if (_start == _end)
            {
                _start = 0;
                _end = await stream.ReadAsync(_buffer, cancellationToken).ConfigureAwait(false);
                BytesRead += _end;
                if (_end == 0)
                {
                    return any ? (tooLong ? null : line.ToArray(), tooLong) : (null, false);
                }
            }
            any = true;
            var newline = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
            var take = (newline < 0 ? _end : newline) - _start;
            if (!tooLong && line.Length + take > maxLineBytes)
            {
                tooLong = true;
                line.SetLength(0);
            }
            if (!tooLong)
            {
                line.Write(_buffer, _start, take);
            }
            if (newline >= 0)
            {
                _start = newline + 1;
                return (tooLong ? null : line.ToArray(), tooLong);
            }
            _start = _end;
        }
    }
}
