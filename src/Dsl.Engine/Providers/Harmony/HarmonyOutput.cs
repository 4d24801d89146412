using System.Text;
using Scheme.Model;

namespace Scheme.Engine.Providers.Harmony;

/// <summary>What a Harmony completion said, by channel.</summary>
/// <param name="Reasoning">The analysis channel's text (messages joined by a blank line); null when there was none.</param>
/// <param name="Content">The final channel's text, with commentary preambles before it.</param>
/// <param name="ToolCalls">Commentary messages to <c>functions.NAME</c>, ids <c>call_1</c>, <c>call_2</c>... in order.</param>
public sealed record HarmonyOutput(string? Reasoning, string Content, IReadOnlyList<ToolCallRequest> ToolCalls)
{
    /// <summary>
    /// Reads the text the model generated after <paramref name="openHeader"/> (the prompt's last header: <c>assistant</c>,
    /// or an open analysis message when the request continued one). Never throws on what a model writes: a message cut
    /// off by max_tokens is read as far as it goes, a channel it invents is taken as an answer, text without any header
    /// (a server that strips special tokens) is the answer with no reasoning.
    /// </summary>
    public static HarmonyOutput Parse(string text, string openHeader)
    {
        if (!text.Contains(HarmonyPrompt.Message, StringComparison.Ordinal) && !openHeader.Contains(HarmonyPrompt.Message, StringComparison.Ordinal))
        {
            return new HarmonyOutput(null, text, []);
        }
        var reasoning = new List<string>();
        var content = new StringBuilder();
        var calls = new List<ToolCallRequest>();
        var messages = (openHeader + text).Split(HarmonyPrompt.Start);
        foreach (var raw in messages)
        {
            if (raw.Length == 0)
            {
                continue;
            }
            var at = raw.IndexOf(HarmonyPrompt.Message, StringComparison.Ordinal);
            if (at < 0)
            {
                // A header without a body: the model was cut off while writing it, or wrote stray text between messages.
                if (!raw.StartsWith("assistant", StringComparison.Ordinal))
                {
                    content.Append(Body(raw));
                }
                continue;
            }
            var header = raw[..at];
            var body = Body(raw[(at + HarmonyPrompt.Message.Length)..]);
            var channel = Channel(header);
            if (Recipient(header) is { } recipient && recipient.StartsWith("functions.", StringComparison.Ordinal))
            {
                calls.Add(new ToolCallRequest($"call_{calls.Count + 1}", recipient["functions.".Length..], body.Trim()));
            }
            else if (channel == "analysis")
            {
                reasoning.Add(body);
            }
            else
            {
                content.Append(body);
            }
        }
        return new HarmonyOutput(reasoning.Count == 0 ? null : string.Join("\n\n", reasoning), content.ToString(), calls);
    }

    /// <summary>A message's text up to the token that ends it (end, call or return), or all of it when it was cut off.</summary>
    private static string Body(string rest)
    {
        var end = rest.Length;
        foreach (var token in (string[])[HarmonyPrompt.End, HarmonyPrompt.Call, HarmonyPrompt.Return])
        {
            var i = rest.IndexOf(token, StringComparison.Ordinal);
            if (i >= 0 && i < end)
            {
                end = i;
            }
        }
        return rest[..end];
    }

    /// <summary>The channel of a header such as <c>assistant&lt;|channel|&gt;commentary to=functions.f &lt;|constrain|&gt;json</c>.</summary>
    private static string? Channel(string header)
    {
        var at = header.IndexOf(HarmonyPrompt.Channel, StringComparison.Ordinal);
        if (at < 0)
        {
            return null;
        }
        var rest = header[(at + HarmonyPrompt.Channel.Length)..];
        var stop = rest.IndexOfAny([' ', '<']);
        return stop < 0 ? rest : rest[..stop];
    }

    /// <summary>The recipient, written in the role part or after the channel (<c>to=functions.f</c>).</summary>
    private static string? Recipient(string header)
    {
        var at = header.IndexOf(" to=", StringComparison.Ordinal);
        if (at < 0)
        {
            return null;
        }
        var rest = header[(at + 4)..];
        var stop = rest.IndexOfAny([' ', '<']);
        return stop < 0 ? rest : rest[..stop];
    }
}
