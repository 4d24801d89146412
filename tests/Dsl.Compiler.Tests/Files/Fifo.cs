using System.Runtime.InteropServices;
using System.Text;

namespace Scheme.Compiler.Tests.Files;

/// <summary>
/// A named pipe with a writer waiting on it. Whoever opens it for reading gets <c>content</c>; a compiler that
/// opened it would therefore read it and succeed, so a test that expects a refusal fails instead of hanging. On
/// disposal, if nobody opened it, the pipe is opened and drained here, which releases the writer; no timing involved.
/// </summary>
internal sealed class Fifo : IDisposable
{
    private readonly string _path;
    private readonly Thread _writer;
    private volatile bool _opened;

    public Fifo(string path, string content)
    {
        _path = path;
        if (mkfifo(path, Convert.ToUInt32("600", 8)) != 0)
        {
            throw new IOException($"mkfifo {path} failed: errno {Marshal.GetLastPInvokeError()}");
        }
        _writer = new Thread(() =>
        {
            try
            {
                using var stream = new FileStream(path, FileMode.Open, FileAccess.Write);
                _opened = true;
                stream.Write(Encoding.UTF8.GetBytes(content));
            }
            catch (IOException)
            {
                // The reader went away early; nothing to deliver.
            }
        });
        _writer.Start();
    }

    /// <summary>Whether something opened the pipe for reading before it was disposed.</summary>
    public bool WasOpened => _opened;

    public void Dispose()
    {
        if (!_opened)
        {
            using var reader = new FileStream(_path, FileMode.Open, FileAccess.Read);
            reader.CopyTo(Stream.Null);
        }
        _writer.Join();
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int mkfifo([MarshalAs(UnmanagedType.LPUTF8Str)] string path, uint mode);
}

/// <summary>A fact that needs Linux (named pipes, /proc, /dev): skipped, visibly, elsewhere.</summary>
public sealed class LinuxFactAttribute : FactAttribute
{
    public LinuxFactAttribute()
    {
        if (!OperatingSystem.IsLinux())
        {
            Skip = "Needs Linux: named pipes, /proc and /dev.";
        }
    }
}
