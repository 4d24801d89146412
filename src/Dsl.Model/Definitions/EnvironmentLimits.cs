namespace Scheme.Model;

/// <summary>
/// Caps that keep one episode bounded whatever the model does: a hostile or broken model can ask for huge files,
/// floods of tool calls or huge responses, and none of it may exhaust the runner's memory or disk. A null field
/// takes the default (<see cref="Default"/>); an environment overrides them in the language with
/// <c>limits { max_file_bytes: ... }</c>. What a limit refuses or cuts is recorded in the transcript.
/// </summary>
/// <param name="MaxFileBytes">Largest workspace file a tool may create (UTF-8 bytes); larger writes are refused. In a
/// sandbox, also the largest file a command may write (RLIMIT_FSIZE).</param>
/// <param name="MaxWorkspaceBytes">Largest total size of the workspace; a write that would pass it is refused. In a
/// sandbox, the size of the episode's file system (workspace, mounts and /tmp).</param>
/// <param name="MaxToolCallsPerTurn">Tool calls executed from one model response; the rest are answered "not executed".</param>
/// <param name="MaxResponseBytes">Largest model response kept (content, reasoning and tool arguments, UTF-8 bytes);
/// a larger one is cut to this size and marked as cut.</param>
/// <param name="MaxTranscriptBytes">Largest conversation an episode may accumulate; past it the episode ends.</param>
/// <param name="MaxCommandSeconds">Sandbox: wall time of one command; then every process it started is killed.</param>
/// <param name="MaxCommandMemoryBytes">Sandbox: address space of each process of a command (RLIMIT_AS).</param>
/// <param name="MaxCommandProcesses">Sandbox: processes and threads a command may have at once (RLIMIT_NPROC).</param>
/// <param name="MaxCommandOutputBytes">Sandbox: output (stdout and stderr) kept of one command; past it the command is killed.</param>
public sealed record EnvironmentLimits(
    long? MaxFileBytes = null,
    long? MaxWorkspaceBytes = null,
    int? MaxToolCallsPerTurn = null,
    long? MaxResponseBytes = null,
    long? MaxTranscriptBytes = null,
    int? MaxCommandSeconds = null,
    long? MaxCommandMemoryBytes = null,
    int? MaxCommandProcesses = null,
    long? MaxCommandOutputBytes = null)
{
    /// <summary>The defaults: generous for every evaluation of the reference papers, small enough that 64
    /// concurrent hostile episodes stay well under a gigabyte.</summary>
    public static EnvironmentLimits Default { get; } = new(
        MaxFileBytes: 1L << 20,
        MaxWorkspaceBytes: 8L << 20,
        MaxToolCallsPerTurn: 32,
        MaxResponseBytes: 1L << 20,
        MaxTranscriptBytes: 4L << 20,
        MaxCommandSeconds: 30,
        MaxCommandMemoryBytes: 512L << 20,
        MaxCommandProcesses: 32,
        MaxCommandOutputBytes: 64L << 10);

    /// <summary>These limits with every unset field taken from <see cref="Default"/>.</summary>
    public EnvironmentLimits Resolved() => new(
        MaxFileBytes ?? Default.MaxFileBytes,
        MaxWorkspaceBytes ?? Default.MaxWorkspaceBytes,
        MaxToolCallsPerTurn ?? Default.MaxToolCallsPerTurn,
        MaxResponseBytes ?? Default.MaxResponseBytes,
        MaxTranscriptBytes ?? Default.MaxTranscriptBytes,
        MaxCommandSeconds ?? Default.MaxCommandSeconds,
        MaxCommandMemoryBytes ?? Default.MaxCommandMemoryBytes,
        MaxCommandProcesses ?? Default.MaxCommandProcesses,
        MaxCommandOutputBytes ?? Default.MaxCommandOutputBytes);
}
