using System.Text;
using Scheme.Engine.Providers;
using Scheme.Model;

namespace Scheme.Engine.Episodes;

/// <summary>
/// Cuts a model response to an environment's <c>max_response_bytes</c>: the content first, then the reasoning, then
/// whole tool calls in order (a call cut inside its arguments would be broken JSON, so a call that does not fit
/// is left out). The transcript records that the response was cut and by how much.
/// </summary>
public static class ResponseLimit
{
    public static (ChatResponse Response, string? Cut) Apply(ChatResponse response, long maxBytes)
    {
        var size = Bytes(response.Content) + Bytes(response.Reasoning) + response.ToolCalls.Sum(Bytes);
        if (size <= maxBytes)
        {
            return (response, null);
        }
        var budget = maxBytes;
        var content = Take(response.Content, ref budget);
        var reasoning = response.Reasoning is null ? null : Take(response.Reasoning, ref budget);
        var calls = new List<ToolCallRequest>();
        foreach (var call in response.ToolCalls)
        {
            var cost = Bytes(call);
            if (cost > budget)
            {
                break;
            }
            budget -= cost;
            calls.Add(call);
        }
        var detail = $"The response had {size} bytes of text; cut to {maxBytes - budget} (content {Bytes(response.Content)} -> {Bytes(content)}, " +
            $"reasoning {Bytes(response.Reasoning)} -> {Bytes(reasoning)}, tool calls {response.ToolCalls.Count} -> {calls.Count}).";
        return (response with { Content = content, Reasoning = reasoning, ToolCalls = calls }, detail);
    }

    public static long Bytes(string? text) => text is null ? 0 : Encoding.UTF8.GetByteCount(text);

    public static long Bytes(ToolCallRequest call) => Bytes(call.Id) + Bytes(call.Name) + Bytes(call.ArgumentsJson);

    public static long Bytes(ChatMessage message) =>
        Bytes(message.Content) + Bytes(message.Reasoning) + (message.ToolCalls?.Sum(Bytes) ?? 0) + Bytes(message.ToolCallId);

    /// <summary>The longest prefix of the text within the budget, never splitting a surrogate pair.</summary>
    private static string Take(string text, ref long budget)
    {
        var bytes = Bytes(text);
        if (bytes <= budget)
        {
            budget -= bytes;
            return text;
        }
        var taken = 0;
        long used = 0;
        while (taken < text.Length)
        {
            var width = char.IsHighSurrogate(text[taken]) && taken + 1 < text.Length && char.IsLowSurrogate(text[taken + 1]) ? 2 : 1;
            var cost = Encoding.UTF8.GetByteCount(text.AsSpan(taken, width));
            if (used + cost > budget)
            {
                break;
            }
            used += cost;
            taken += width;
        }
        budget -= used;
        return text[..taken];
    }
}
