namespace Scheme.Testing.Viewer;

/// <summary>
/// A writer that keeps what is written and completes <see cref="Line"/> with the first line starting with a prefix:
/// how a test learns the URL a runner's <c>view</c> printed, without polling or sleeping.
/// </summary>
public sealed class LineSignal(string prefix) : StringWriter
{
    private readonly TaskCompletionSource<string> _line = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly System.Text.StringBuilder _current = new();

    public Task<string> Line => _line.Task;

    public override void Write(char value)
    {
        lock (_current)
        {
            base.Write(value);
            if (value == '\n')
            {
                var line = _current.ToString().TrimEnd('\r');
                _current.Clear();
                if (line.StartsWith(prefix, StringComparison.Ordinal))
                {
                    _line.TrySetResult(line[prefix.Length..].Trim());
                }
            }
            else
            {
                _current.Append(value);
            }
        }
    }

    public override void Write(string? value)
    {
        foreach (var c in value ?? "")
        {
            Write(c);
        }
    }

    public override void WriteLine(string? value)
    {
        Write(value);
        Write('\n');
    }
}
