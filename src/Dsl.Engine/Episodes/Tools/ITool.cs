using Scheme.Model;

namespace Scheme.Engine.Episodes;

/// <summary>
/// A tool the model can call in an episode: what the model is offered (<see cref="Definition"/>) and what a call does.
/// Built-in tools and tools written in C# are both tools; a sandbox backend will be one more kind.
/// </summary>
public interface ITool
{
    ToolDefinition Definition { get; }

    /// <summary>Runs one call. The model's mistakes are returned as text; only a fault of the runner throws.</summary>
    ToolResult Execute(ToolInvocation invocation);
}

/// <summary>One call to run: the call as the model made it, and the state of the episode it acts on.</summary>
public sealed record ToolInvocation(ToolCall Call, Workspace Workspace);

/// <summary>A built-in tool (read_file, submit, ...): its canonical signature, run on the episode's workspace.</summary>
public sealed class BuiltinTool(ToolDefinition definition) : ITool
{
    public ToolDefinition Definition => definition;

    public ToolResult Execute(ToolInvocation invocation) => BuiltinTools.Execute(invocation.Workspace, invocation.Call);
}

/// <summary>A tool of the researcher's, implemented as a partial method in C#; its exceptions are what the model sees.</summary>
public sealed class CSharpTool(ToolDefinition definition) : ITool
{
    public ToolDefinition Definition => definition;

    public ToolResult Execute(ToolInvocation invocation)
    {
        var implementation = definition.Implementation
            ?? throw new InvalidOperationException($"Tool '{definition.Name}' is declared without an implementation.");
        try
        {
            return new ToolResult(implementation(invocation.Call));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A C# tool's failure is something the model sees, as it would see a failing command.
            return new ToolResult($"Error in {definition.Name}: {ex.Message}");
        }
    }
}
