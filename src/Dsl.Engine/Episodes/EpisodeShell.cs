using Scheme.Engine.Sandbox;
using Scheme.Model;

namespace Scheme.Engine.Episodes;

/// <summary>One command as the transcript records it.</summary>
/// <param name="Tool">The tool that ran it: bash, python, or a tool written in C#.</param>
/// <param name="ExitCode">Null when a limit stopped it (<paramref name="Stopped"/> says which).</param>
/// <param name="Output">What it printed, at most max_command_output_bytes.</param>
public sealed record CommandRecord(int Turn, string Tool, string Kind, string Command, int? ExitCode, string Output, double Seconds, string? Stopped);

/// <summary>
/// The sandbox of one episode as its tools use it: every command goes through here, so each is recorded, whichever tool
/// ran it. C# tools get a synchronous view (<see cref="For"/>), whose limits are collected for the transcript too.
/// </summary>
public sealed class EpisodeShell(ISandboxSession session)
{
    private readonly List<CommandRecord> _commands = [];

    public ISandboxSession Session => session;

    public IReadOnlyList<CommandRecord> Commands => _commands;

    public async Task<CommandOutcome> RunAsync(CommandKind kind, string text, int turn, string tool, CancellationToken cancellationToken)
    {
        var outcome = await session.RunAsync(kind, text, cancellationToken).ConfigureAwait(false);
        _commands.Add(new CommandRecord(turn, tool, kind == CommandKind.Bash ? "bash" : "python", text, outcome.ExitCode, outcome.Output,
            Math.Round(outcome.Elapsed.TotalSeconds, 3), outcome.Stopped));
        return outcome;
    }

    /// <summary>The sandbox as a C# tool's call sees it; the limits its commands meet are added to <paramref name="limits"/>.</summary>
    public ISandbox For(int turn, string tool, List<LimitRefusal> limits, CancellationToken cancellationToken) =>
        new View(this, turn, tool, limits, cancellationToken);

    private sealed class View(EpisodeShell shell, int turn, string tool, List<LimitRefusal> limits, CancellationToken cancellationToken) : ISandbox
    {
        public string Home => shell.Session.Home;

        public CommandResult Run(string command) => Wait(CommandKind.Bash, command);

        public CommandResult RunPython(string code) => Wait(CommandKind.Python, code);

        private CommandResult Wait(CommandKind kind, string text)
        {
            // C# tools are synchronous; the command's own wall time bounds the wait.
            var outcome = shell.RunAsync(kind, text, turn, tool, cancellationToken).GetAwaiter().GetResult();
            limits.AddRange(outcome.Limits);
            return new CommandResult(outcome.ExitCode, outcome.Output, outcome.Stopped);
        }
    }
}
