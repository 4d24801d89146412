using Scheme.Model;

namespace Scheme.Engine.Providers;

/// <param name="FinishReason">As the endpoint said it: stop, length, tool_calls, content_filter.</param>
/// <param name="Model">The model that answered, as the endpoint reports it (a dated snapshot).</param>
public sealed record ChatResponse(
    string Content,
    IReadOnlyList<ToolCallRequest> ToolCalls,
    string? Reasoning,
    TokenUsage Usage,
    string FinishReason,
    string? Model = null)
{
    public ChatMessage ToMessage() => ChatMessage.Assistant(Content, ToolCalls, Reasoning);
}

public sealed record TokenUsage(int Input, int Output)
{
    public static TokenUsage Zero { get; } = new(0, 0);

    public static TokenUsage operator +(TokenUsage a, TokenUsage b) => new(a.Input + b.Input, a.Output + b.Output);
}
