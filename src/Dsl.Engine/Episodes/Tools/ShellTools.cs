using System.Globalization;
using System.Text;
using Scheme.Contracts;
using Scheme.Engine.Sandbox;
using Scheme.Model;

namespace Scheme.Engine.Episodes;

/// <summary>
/// The built-in tools that run programs, bash(command) and python(code): each call is one command in the episode's
/// sandbox, answered with its output, its exit code when it failed, and what a limit did to it.
/// </summary>
public static class ShellTools
{
    public static bool Handles(string tool) => tool is BuiltinToolCatalog.Bash or BuiltinToolCatalog.Python;

    public static async ValueTask<ToolResult> ExecuteAsync(ToolInvocation invocation, CancellationToken cancellationToken)
    {
        var call = invocation.Call;
        var (kind, argument) = call.Tool == BuiltinToolCatalog.Bash ? (CommandKind.Bash, "command") : (CommandKind.Python, "code");
        if (invocation.Shell is not { } shell)
        {
            // The compiler refuses this pairing (SCH0141); a hand-built environment may still make it.
            return new ToolResult($"{call.Tool} cannot run here: this environment has no sandbox.");
        }
        if (!call.Arguments.TryGetValue(argument, out var text))
        {
            return new ToolResult($"Missing argument '{argument}' for {call.Tool}.");
        }
        var outcome = await shell.RunAsync(kind, text, invocation.Turn, call.Tool, cancellationToken).ConfigureAwait(false);
        return new ToolResult(ForModel(outcome), outcome.Limits.FirstOrDefault()) { Limits = outcome.Limits };
    }

    /// <summary>What the model reads: the output as a terminal shows it, then the exit code when it failed and what stopped it.</summary>
    public static string ForModel(CommandOutcome outcome)
    {
        var text = new StringBuilder(outcome.Output);
        if (outcome.ExitCode is { } code and not 0)
        {
            Line(text).Append(CultureInfo.InvariantCulture, $"[exit code {code}]");
        }
        foreach (var limit in outcome.Limits)
        {
            Line(text).Append('[').Append(limit.Message).Append(']');
        }
        return text.Length == 0 ? "(no output)" : text.ToString();
    }

    private static StringBuilder Line(StringBuilder text) => text.Length == 0 || text[^1] == '\n' ? text : text.Append('\n');
}
