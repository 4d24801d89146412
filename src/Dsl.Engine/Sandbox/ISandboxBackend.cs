using Scheme.Model;

namespace Scheme.Engine.Sandbox;

/// <summary>
/// A kind of sandbox: bubblewrap today (<see cref="BubblewrapBackend"/>), a container backend (Docker, Podman) later. One
/// instance serves a whole run: it checks the machine before any unit runs and opens one <see cref="ISandboxSession"/>
/// per episode. See README.md in this folder.
/// </summary>
public interface ISandboxBackend : IDisposable
{
    /// <summary>The name environments choose it by (<c>sandbox: bubblewrap</c>).</summary>
    string Name { get; }

    /// <summary>What this machine lacks to run the environments' episodes, each with what to do; empty when ready.</summary>
    IReadOnlyList<SandboxProblem> Check(IReadOnlyCollection<EnvironmentDefinition> environments);

    /// <summary>Materializes an episode's files in a fresh sandbox; the session removes everything when disposed.</summary>
    Task<ISandboxSession> OpenAsync(SandboxSpec spec, CancellationToken cancellationToken);
}

/// <summary>One episode's sandbox: its files, and commands that run on them. Disposing it removes the whole tree.</summary>
/// <remarks>Commands of one session never overlap (an episode runs its tool calls one after another).</remarks>
public interface ISandboxSession : IAsyncDisposable
{
    /// <summary>The episode's files: the real directories the commands change, read and written by the file tools.</summary>
    IWorkspace Workspace { get; }

    /// <summary>Where the workspace is mounted inside the sandbox, e.g. /home/user.</summary>
    string Home { get; }

    /// <summary>
    /// Runs one command to its end or until a limit stops it. Nothing a command does throws: a failing, killed or
    /// flooding command is an outcome. Only a sandbox that cannot run at all (the machine's fault) throws.
    /// </summary>
    Task<CommandOutcome> RunAsync(CommandKind kind, string text, CancellationToken cancellationToken);
}

/// <summary>What a sandbox needs to know of an environment to materialize one of its episodes.</summary>
/// <param name="Files">The files the unit starts with, as given (workspace-relative or under a mount).</param>
public sealed record SandboxSpec(string Home, IReadOnlyList<WorkspaceFile> Files, IReadOnlyList<string> Mounts, EnvironmentLimits Limits)
{
    /// <param name="files">The unit's files (<c>WorkspaceFiles.Start</c>: rendered for its params, its condition's edits applied).</param>
    public static SandboxSpec For(EnvironmentDefinition environment, IReadOnlyList<WorkspaceFile> files) =>
        new(environment.Sandbox?.Home ?? Scheme.Contracts.SandboxKinds.DefaultHome, files, environment.Mounts ?? [],
            environment.EffectiveLimits);
}

public enum CommandKind
{
    /// <summary>A command line run by bash -c.</summary>
    Bash,

    /// <summary>A program run by python3 -c.</summary>
    Python,
}

/// <summary>What one command did.</summary>
/// <param name="ExitCode">Its exit status; null when a limit stopped it.</param>
/// <param name="Output">Stdout and stderr together, at most max_command_output_bytes of them.</param>
/// <param name="Limits">The limits it met (stopped at the wall time, output cut, a file too large, the workspace full).</param>
public sealed record CommandOutcome(int? ExitCode, string Output, TimeSpan Elapsed, IReadOnlyList<LimitRefusal> Limits)
{
    /// <summary>Why the runner stopped the command, in words; null when it ended by itself.</summary>
    public string? Stopped => ExitCode is null ? Limits.FirstOrDefault()?.Message : null;
}

/// <summary>Something the machine lacks for a sandbox: the runner's diagnostic code and what to do.</summary>
public sealed record SandboxProblem(string Code, string Message)
{
    public override string ToString() => $"error {Code}: {Message}";
}

/// <summary>The sandbox cannot run at all: the machine's fault, never the model's. The unit fails with it.</summary>
public sealed class SandboxUnavailableException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>The runner's codes for a machine that cannot run a sandbox (SCH90xx: the command line's range).</summary>
public static class SandboxCodes
{
    /// <summary>bwrap is not installed.</summary>
    public const string NotInstalled = "SCH9010";

    /// <summary>bwrap is there but a sandbox cannot start (not root, util-linux missing, the kernel refuses).</summary>
    public const string CannotStart = "SCH9011";

    /// <summary>An environment offers the python tool and the sandbox has no python3.</summary>
    public const string NoPython = "SCH9012";
}
