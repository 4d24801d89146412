using System.Runtime.Versioning;
using System.Globalization;
using System.Text;
using Scheme.Model;

namespace Scheme.Engine.Sandbox;

/// <summary>
/// One episode's bubblewrap sandbox: a tmpfs of its own (the workspace, the mounts and /tmp, bounded by
/// max_workspace_bytes), an unprivileged user of its own (so max_command_processes counts only its processes), and one
/// bubblewrap process per command. Disposing it detaches the tmpfs and removes the folder, whatever happened.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class BubblewrapSession : ISandboxSession
{
    /// <summary>Linux refuses a single argument longer than 128 KiB; a longer command is refused before it is tried.</summary>
    public const int MaxCommandBytes = 100_000;

    /// <summary>Exit status of a process killed by SIGXFSZ: it wrote past max_file_bytes (RLIMIT_FSIZE).</summary>
    private const int FileTooLargeStatus = 128 + 25;

    private readonly string _bubblewrap;
    private readonly string _folder;
    private readonly SandboxSpec _spec;
    private readonly BubblewrapCommandLine.Layout _layout;
    private readonly EnvironmentLimits _limits;
    private int _disposed;

    internal BubblewrapSession(string bubblewrap, string folder, SandboxSpec spec, BubblewrapCommandLine.Layout layout, DirectoryWorkspace workspace)
    {
        _bubblewrap = bubblewrap;
        _folder = folder;
        _spec = spec;
        _layout = layout;
        _limits = spec.Limits.Resolved();
        Workspace = workspace;
    }

    public IWorkspace Workspace { get; }

    public string Home => _spec.Home;

    /// <summary>The episode's host folder (its tmpfs), for tests and diagnostics.</summary>
    public string Folder => _folder;

    /// <summary>The unprivileged user the episode's commands run as.</summary>
    public uint User => _layout.User;

    public async Task<CommandOutcome> RunAsync(CommandKind kind, string text, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        if (text.Contains('\0'))
        {
            return new CommandOutcome(1, "The command contains a NUL character, which no program can receive.", TimeSpan.Zero, []);
        }
        if (Encoding.UTF8.GetByteCount(text) > MaxCommandBytes)
        {
            return new CommandOutcome(1, string.Create(CultureInfo.InvariantCulture,
                $"The command is longer than {MaxCommandBytes} bytes, the most one command may be. Write long programs to a file first."), TimeSpan.Zero, []);
        }
        var wall = TimeSpan.FromSeconds(_limits.MaxCommandSeconds!.Value);
        var arguments = BubblewrapCommandLine.Arguments(_spec, _layout, kind, text);
        var result = await CommandProcess.RunAsync(_bubblewrap, arguments, _limits.MaxCommandOutputBytes!.Value, wall, cancellationToken).ConfigureAwait(false);
        await ReapAsync().ConfigureAwait(false);
        if (result.ExitCode is { } code && code != 0 && result.Output.Length == 0 && result.Errors.Length > 0)
        {
            // Nothing of the command ran: the sandbox itself failed (bubblewrap, setpriv or prlimit said why).
            throw new SandboxUnavailableException($"The sandbox could not run the command: {result.Errors}");
        }
        var limits = new List<LimitRefusal>();
        if (result.TimedOut)
        {
            limits.Add(new LimitRefusal(LimitNames.MaxCommandSeconds, string.Create(CultureInfo.InvariantCulture,
                $"Stopped: the command ran longer than {_limits.MaxCommandSeconds} s; every process it started was killed.")));
        }
        if (result.OutputCut)
        {
            limits.Add(new LimitRefusal(LimitNames.MaxCommandOutputBytes, string.Create(CultureInfo.InvariantCulture,
                $"Stopped: the command printed more than {_limits.MaxCommandOutputBytes} bytes; the rest was not read and the command was killed.")));
        }
        if (result.ExitCode == FileTooLargeStatus)
        {
            limits.Add(new LimitRefusal(LimitNames.MaxFileBytes, string.Create(CultureInfo.InvariantCulture,
                $"The command was stopped writing a file larger than {_limits.MaxFileBytes} bytes.")));
        }
        if (new DriveInfo(_folder).AvailableFreeSpace == 0)
        {
            limits.Add(new LimitRefusal(LimitNames.MaxWorkspaceBytes, "The workspace is full: its files reached max_workspace_bytes."));
        }
        return new CommandOutcome(result.TimedOut || result.OutputCut ? null : result.ExitCode, Decode(result.Output), result.Elapsed, limits);
    }

    /// <summary>
    /// Returns once no process of the episode's user is left. Bubblewrap returns the command's status as soon as the
    /// command ends, and its namespace's other processes die a moment later; the runner reads and writes the episode's
    /// files as root right after, so a process still running then could swap a file for a link under it. The user is the
    /// episode's alone, so its processes are exactly the episode's: any still there are killed here.
    /// </summary>
    private async Task ReapAsync()
    {
        for (var attempt = 0; ; attempt++)
        {
            var left = Native.ProcessesOf(_layout.User);
            if (left.Count == 0)
            {
                return;
            }
            if (attempt == 200)
            {
                throw new SandboxUnavailableException(string.Create(CultureInfo.InvariantCulture,
                    $"{left.Count} processes of the episode's user {_layout.User} survive SIGKILL (stuck in the kernel?)."));
            }
            left.ForEach(Native.Kill);
            await Task.Delay(TimeSpan.FromMilliseconds(5)).ConfigureAwait(false);
        }
    }

    public ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            SandboxRoot.Remove(_folder);
            SandboxUsers.Release(_layout.User);
        }
        return ValueTask.CompletedTask;
    }

    /// <summary>UTF-8 as far as it is valid; a character cut by the output cap is dropped rather than garbled.</summary>
    private static string Decode(byte[] output)
    {
        var text = Encoding.UTF8.GetString(output);
        return text.EndsWith('\uFFFD') ? text.TrimEnd('\uFFFD') : text;
    }
}
