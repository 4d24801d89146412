using Scheme.Model;

namespace Scheme.Engine.Episodes;

/// <summary>The tools of one environment, by name: what requests offer and how a model's call is dispatched.</summary>
public sealed class ToolRegistry
{
    private readonly Dictionary<string, ITool> _tools;

    public ToolRegistry(IEnumerable<ITool> tools)
    {
        Tools = tools.ToList();
        _tools = Tools.ToDictionary(t => t.Definition.Name, StringComparer.Ordinal);
        Definitions = Tools.Select(t => t.Definition).ToList();
    }

    public IReadOnlyList<ITool> Tools { get; }

    /// <summary>The definitions a request offers the model.</summary>
    public IReadOnlyList<ToolDefinition> Definitions { get; }

    /// <summary>The environment's declared tools: built-ins with their canonical signatures, the others in C#.</summary>
    public static ToolRegistry For(EnvironmentDefinition environment) =>
        new(environment.Tools.Select(t => t.IsBuiltin ? (ITool)new BuiltinTool(BuiltinTools.Complete(t)) : new CSharpTool(t)));

    /// <summary>
    /// Runs one call the model made. Calls whose arguments parse are recorded in <paramref name="calls"/>, even to
    /// unknown tools (a detector may ask whether the model tried); arguments that do not parse are the model's mistake.
    /// </summary>
    public ValueTask<ToolResult> ExecuteAsync(ToolCallRequest request, IWorkspace workspace, EpisodeShell? shell, int turn, List<ToolCall> calls,
        CancellationToken cancellationToken)
    {
        if (!ToolArguments.TryParse(request.ArgumentsJson, out var arguments, out var error))
        {
            return ValueTask.FromResult(new ToolResult($"Invalid arguments for {request.Name}: {error}"));
        }
        var call = new ToolCall(request.Name, arguments);
        calls.Add(call);
        return _tools.TryGetValue(request.Name, out var tool)
            ? tool.ExecuteAsync(new ToolInvocation(call, workspace, shell, turn), cancellationToken)
            : ValueTask.FromResult(new ToolResult($"Unknown tool: {request.Name}. Available tools: {string.Join(", ", _tools.Keys)}."));
    }
}
