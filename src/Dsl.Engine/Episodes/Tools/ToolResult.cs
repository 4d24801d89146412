
namespace Scheme.Engine.Episodes;

/// <summary>What a tool call gives back: the text the model sees, and the limit that refused it, if one did.</summary>
public sealed record ToolResult(string Output, LimitRefusal? Refused = null)
{
    public static ToolResult From(LimitRefusal refusal) => new(refusal.Message, refusal);
}
