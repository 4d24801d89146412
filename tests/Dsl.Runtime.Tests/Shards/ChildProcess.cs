using System.Diagnostics;

namespace Scheme.Runtime.Tests.Shards;

/// <summary>This test assembly started as a program (see <see cref="Program"/>) in a real child process, its output read on threads.</summary>
public sealed class ChildProcess : IDisposable
{
    private readonly Process _process;
    private readonly TaskCompletionSource<string> _output = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<string> _errors = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ChildProcess(Process process)
    {
        _process = process;
        // Dedicated threads, not async reads: on Unix an async pipe read holds a pool thread, and several children starve a small pool.
        new Thread(() => _output.SetResult(process.StandardOutput.ReadToEnd())) { IsBackground = true }.Start();
        new Thread(() => _errors.SetResult(process.StandardError.ReadToEnd())) { IsBackground = true }.Start();
    }

    public static ChildProcess Start(IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(typeof(Program).Assembly.Location);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }
        return new ChildProcess(Process.Start(start)!);
    }

    /// <summary>Waits for the exit (at most <paramref name="timeout"/>, then kills) and returns the code with the output.</summary>
    public async Task<(int Code, string Output, string Errors)> ExitAsync(TimeSpan timeout)
    {
        using var limit = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
            return (-1, await _output.Task, "timed out: " + await _errors.Task);
        }
        return (_process.ExitCode, await _output.Task, await _errors.Task);
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }
        _process.Dispose();
    }
}
