namespace Scheme.Model;

/// <summary>
/// What a tool written in C# acts on, besides the call: the episode's workspace (the files the model sees and the detectors
/// read) and, in an environment with a sandbox, its shell. <c>public static partial string RunCommandTool(ToolCall call,
/// ToolContext context)</c>.
/// </summary>
public sealed record ToolContext(IWorkspace Workspace, ISandbox? Sandbox);

/// <summary>
/// The sandbox of an episode as a C# tool sees it: commands run as the model's would (same folder, limits and
/// isolation), and what a limit stopped is recorded in the transcript as it is for the model's own commands.
/// </summary>
public interface ISandbox
{
    /// <summary>Where the workspace is mounted in the sandbox, e.g. /home/user; commands start there.</summary>
    string Home { get; }

    /// <summary>Runs a command line with bash and waits for it (at most the environment's max_command_seconds).</summary>
    CommandResult Run(string command);

    /// <summary>Runs a Python 3 program and waits for it.</summary>
    CommandResult RunPython(string code);
}

/// <summary>What a command did.</summary>
/// <param name="ExitCode">Its exit status; null when it was stopped.</param>
/// <param name="Output">Stdout and stderr together, as far as max_command_output_bytes.</param>
/// <param name="Stopped">Why the runner stopped it (which limit, in words); null when it ended by itself.</param>
public sealed record CommandResult(int? ExitCode, string Output, string? Stopped);
