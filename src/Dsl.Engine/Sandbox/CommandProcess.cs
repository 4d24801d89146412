using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Scheme.Engine.Sandbox;

/// <summary>
/// Runs one sandbox process to its end, bounded: its output is read as it comes and kept up to a cap (past it, the
/// process is killed), and at the wall time it is killed. Killing the bubblewrap process kills every process the command
/// started: bubblewrap's --die-with-parent kills the PID namespace's first process with it, and the kernel then kills
/// the rest of the namespace, however they detached (setsid, nohup, double fork).
/// </summary>
public static class CommandProcess
{
    /// <summary>What the process did: its output (cut to the cap), exit code, and whether it was killed and why.</summary>
    public sealed record Result(byte[] Output, bool OutputCut, int? ExitCode, bool TimedOut, string Errors, TimeSpan Elapsed);

    /// <summary>The sandbox's own messages (bubblewrap, setpriv) are short; more is kept of none of them.</summary>
    private const int MaxErrorBytes = 16 << 10;

    public static async Task<Result> RunAsync(string program, IReadOnlyList<string> arguments, long maxOutputBytes, TimeSpan wallTime,
        CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        // The sandbox's first process is bubblewrap itself: it must not hold the runner's environment (API keys).
        start.Environment.Clear();
        start.Environment["PATH"] = "/usr/bin:/bin";
        var clock = Stopwatch.StartNew();
        using var process = await Spawner.StartAsync(start).ConfigureAwait(false);
        process.StandardInput.Close();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        stop.CancelAfter(wallTime);
        var output = new BoundedReader(process.StandardOutput.BaseStream, maxOutputBytes);
        var errors = new BoundedReader(process.StandardError.BaseStream, MaxErrorBytes);
        var reading = Task.WhenAll(output.ReadAsync(), errors.ReadAsync());
        var flooded = output.Overflowed.ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        var exited = process.WaitForExitAsync(stop.Token);
        await Task.WhenAny(exited, flooded).ConfigureAwait(false);
        var killed = !exited.IsCompletedSuccessfully;
        if (killed)
        {
            Kill(process);
            await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        }
        // Every process of the namespace is gone once bubblewrap is, so the pipes close; a bounded wait all the same.
        await Task.WhenAny(reading, Task.Delay(TimeSpan.FromSeconds(5), CancellationToken.None)).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        var timedOut = killed && !output.Cut;
        return new Result(output.Bytes, output.Cut, killed ? null : process.ExitCode, timedOut, Encoding.UTF8.GetString(errors.Bytes).Trim(), clock.Elapsed);
    }

    private static void Kill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // It ended meanwhile.
        }
    }

    /// <summary>Reads a stream to its end, keeping the first <c>max</c> bytes; says when more came.</summary>
    private sealed class BoundedReader(Stream stream, long max)
    {
        private readonly MemoryStream _kept = new();
        private readonly TaskCompletionSource _overflowed = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Overflowed => _overflowed.Task;

        public bool Cut { get; private set; }

        public byte[] Bytes => _kept.ToArray();

        public async Task ReadAsync()
        {
            var buffer = new byte[64 << 10];
            try
            {
                int read;
                while ((read = await stream.ReadAsync(buffer).ConfigureAwait(false)) > 0)
                {
                    var room = (int)Math.Min(read, max - _kept.Length);
                    _kept.Write(buffer, 0, room);
                    if (room < read)
                    {
                        Cut = true;
                        _overflowed.TrySetResult();
                        return;
                    }
                }
            }
            catch (IOException)
            {
                // The pipe broke as the process was killed: what was read is the output.
            }
        }
    }

    /// <summary>
    /// Starts every sandbox from one long-lived thread. Linux sends bubblewrap's --die-with-parent signal when the
    /// *thread* that started it ends, and a thread-pool thread may end while the command still runs: that would kill a
    /// healthy command at random. This thread lives as long as the process, so the signal comes only when the runner dies.
    /// </summary>
    private static class Spawner
    {
        private static readonly BlockingCollection<(ProcessStartInfo Start, TaskCompletionSource<Process> Started)> Queue = [];

        static Spawner()
        {
            var thread = new Thread(() =>
            {
                foreach (var (start, started) in Queue.GetConsumingEnumerable())
                {
                    try
                    {
                        started.SetResult(Process.Start(start) ?? throw new InvalidOperationException($"{start.FileName} did not start."));
                    }
                    catch (Exception ex)
                    {
                        started.SetException(new SandboxUnavailableException(
                            string.Create(CultureInfo.InvariantCulture, $"Cannot start {start.FileName}: {ex.Message}"), ex));
                    }
                }
            })
            {
                IsBackground = true,
                Name = "sandbox spawner",
            };
            thread.Start();
        }

        public static Task<Process> StartAsync(ProcessStartInfo start)
        {
            var started = new TaskCompletionSource<Process>(TaskCreationOptions.RunContinuationsAsynchronously);
            Queue.Add((start, started));
            return started.Task;
        }
    }
}
