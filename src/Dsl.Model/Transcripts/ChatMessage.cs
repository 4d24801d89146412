namespace Scheme.Model;

/// <summary>
/// One message of a conversation, independent of any SDK, so that transcripts, the cache key and the
/// simulated and replay providers do not depend on the OpenAI package's types.
/// </summary>
/// <param name="ToolCalls">For an assistant message: the calls it made.</param>
/// <param name="ToolCallId">For a tool message: the call it answers.</param>
/// <param name="Reasoning">For an assistant message: its reasoning, where the endpoint exposes it. It is
/// recorded, never sent back (chat completions has no field for it).</param>
public sealed record ChatMessage(
    ChatRole Role,
    string Content,
    IReadOnlyList<ToolCallRequest>? ToolCalls = null,
    string? ToolCallId = null,
    string? Reasoning = null)
{
    public static ChatMessage System(string content) => new(ChatRole.System, content);

    public static ChatMessage User(string content) => new(ChatRole.User, content);

    public static ChatMessage Assistant(string content, IReadOnlyList<ToolCallRequest>? toolCalls = null, string? reasoning = null) =>
        new(ChatRole.Assistant, content, toolCalls is { Count: > 0 } ? toolCalls : null, null, reasoning);

    public static ChatMessage Tool(string toolCallId, string content) => new(ChatRole.Tool, content, null, toolCallId);
}
