using Scheme.Model;

namespace Scheme.Engine.Episodes;

/// <summary>What a tool call gives back: the text the model sees, and the limit that refused it, if one did.</summary>
public sealed record ToolResult(string Output, LimitRefusal? Refused = null)
{
    /// <summary>Every limit the call met, <see cref="Refused"/> first: a command can meet several (it filled the disk, then
    /// ran past its wall time). Each is a limits event of the transcript.</summary>
    public IReadOnlyList<LimitRefusal> Limits { get; init; } = Refused is null ? [] : [Refused];

    public static ToolResult From(LimitRefusal refusal) => new(refusal.Message, refusal);
}
