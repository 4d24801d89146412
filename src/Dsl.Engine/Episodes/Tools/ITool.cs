using Scheme.Engine.Sandbox;
using Scheme.Model;

namespace Scheme.Engine.Episodes;

/// <summary>
/// A tool the model can call in an episode: what the model is offered (<see cref="Definition"/>) and what a call does.
/// Built-in tools (file tools on the workspace, bash and python in the sandbox) and tools written in C# are all tools.
/// </summary>
public interface ITool
{
    ToolDefinition Definition { get; }

    /// <summary>Runs one call. The model's mistakes are returned as text; only a fault of the runner throws.</summary>
    ValueTask<ToolResult> ExecuteAsync(ToolInvocation invocation, CancellationToken cancellationToken);
}

/// <summary>One call to run: the call as the model made it, the state it acts on, and the turn it belongs to.</summary>
/// <param name="Workspace">The episode's files (in memory, or the sandbox's directories).</param>
/// <param name="Shell">The episode's sandbox; null in the virtual workspace.</param>
public sealed record ToolInvocation(ToolCall Call, IWorkspace Workspace, EpisodeShell? Shell = null, int Turn = 0);

/// <summary>A built-in tool (read_file, bash, submit, ...): its canonical signature, run on the episode's workspace or sandbox.</summary>
public sealed class BuiltinTool(ToolDefinition definition) : ITool
{
    public ToolDefinition Definition => definition;

    public ValueTask<ToolResult> ExecuteAsync(ToolInvocation invocation, CancellationToken cancellationToken) =>
        ShellTools.Handles(invocation.Call.Tool)
            ? ShellTools.ExecuteAsync(invocation, cancellationToken)
            : ValueTask.FromResult(BuiltinTools.Execute(invocation.Workspace, invocation.Call));
}

/// <summary>
/// A tool of the researcher's, implemented as a partial method in C# that receives the call and a <see cref="ToolContext"/>
/// (the episode's workspace and sandbox); its exceptions are what the model sees.
/// </summary>
public sealed class CSharpTool(ToolDefinition definition) : ITool
{
    public ToolDefinition Definition => definition;

    public ValueTask<ToolResult> ExecuteAsync(ToolInvocation invocation, CancellationToken cancellationToken)
    {
        var implementation = definition.Implementation
            ?? throw new InvalidOperationException($"Tool '{definition.Name}' is declared without an implementation.");
        var limits = new List<LimitRefusal>();
        var sandbox = invocation.Shell?.For(invocation.Turn, definition.Name, limits, cancellationToken);
        string output;
        try
        {
            output = implementation(invocation.Call, new ToolContext(invocation.Workspace, sandbox));
        }
        catch (Exception ex) when (ex is not (OperationCanceledException or SandboxUnavailableException))
        {
            // A C# tool's failure is something the model sees, as it would see a failing command.
            output = $"Error in {definition.Name}: {ex.Message}";
        }
        return ValueTask.FromResult(new ToolResult(output, limits.FirstOrDefault()) { Limits = limits });
    }
}
