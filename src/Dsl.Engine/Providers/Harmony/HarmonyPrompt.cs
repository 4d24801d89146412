using System.Text;
using Scheme.Contracts;
using Scheme.Model;

namespace Scheme.Engine.Providers.Harmony;

/// <summary>
/// Renders a chat request as the Harmony prompt gpt-oss was trained on, for the raw completions endpoint. The model's
/// reasoning lives in the <c>analysis</c> channel, its answers in <c>final</c>, tool calls in <c>commentary</c> to
/// <c>functions.NAME</c>. A request that continues its final message (a reasoning edit) ends inside an open analysis
/// message holding the edited reasoning, so the model goes on writing it.
/// </summary>
/// <remarks>
/// The system message has no date (a date would make reruns on another day different prompts). Reasoning of earlier
/// turns is dropped up to the last answer in the final channel, as the format prescribes; reasoning of the tool-call
/// turns since then is kept. Text from the environment or the model that spells a Harmony special token is broken
/// (<see cref="Escape"/>): a file or tool output cannot end a message or open a system message in the prompt.
/// </remarks>
public static class HarmonyPrompt
{
    public const string Start = "<|start|>";
    public const string End = "<|end|>";
    public const string Message = "<|message|>";
    public const string Channel = "<|channel|>";
    public const string Call = "<|call|>";
    public const string Return = "<|return|>";
    public const string Constrain = "<|constrain|>";

    /// <summary>Harmony's effort when the checkpoint states none.</summary>
    public const string DefaultEffort = "medium";

    /// <summary>The end of every prompt that asks for a new assistant message: the model writes its channel next.</summary>
    public const string AssistantHeader = Start + "assistant";

    /// <summary>The end of a continuation prompt before the edited reasoning.</summary>
    public const string AnalysisHeader = Start + "assistant" + Channel + "analysis" + Message;

    private const string Identity = "You are ChatGPT, a large language model trained by OpenAI.\nKnowledge cutoff: 2024-06";

    private static readonly string[] SpecialTokens = [Start, End, Message, Channel, Call, Return, Constrain, "<|endoftext|>", "<|startoftext|>"];

    public static string Render(ChatRequest request)
    {
        var prompt = new StringBuilder();
        prompt.Append(Start).Append("system").Append(Message).Append(Identity).Append("\n\nReasoning: ")
            .Append(request.Parameters.ReasoningEffort ?? DefaultEffort)
            .Append("\n\n# Valid channels: analysis, commentary, final. Channel must be included for every message.");
        if (request.Tools.Count > 0)
        {
            prompt.Append("\nCalls to these tools must go to the commentary channel: 'functions'.");
        }
        prompt.Append(End);

        var messages = request.Messages;
        var continued = request.ContinueFinalMessage ? messages[^1] : null;
        if (continued is not null && continued.Role != ChatRole.Assistant)
        {
            throw new ArgumentException("A prefill request must end with the assistant message to continue.", nameof(request));
        }
        var history = continued is null ? messages : messages.Take(messages.Count - 1).ToList();
        var instructions = string.Join("\n\n", history.Where(m => m.Role == ChatRole.System).Select(m => m.Content));
        if (instructions.Length > 0 || request.Tools.Count > 0)
        {
            prompt.Append(Start).Append("developer").Append(Message);
            if (instructions.Length > 0)
            {
                prompt.Append("# Instructions\n\n").Append(Escape(instructions));
            }
            if (request.Tools.Count > 0)
            {
                prompt.Append(instructions.Length > 0 ? "\n\n" : "").Append(Tools(request.Tools));
            }
            prompt.Append(End);
        }

        var lastFinal = LastFinalAnswer(history);
        var toolNames = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < history.Count; i++)
        {
            var message = history[i];
            switch (message.Role)
            {
                case ChatRole.System:
                    break;
                case ChatRole.User:
                    prompt.Append(Start).Append("user").Append(Message).Append(Escape(message.Content)).Append(End);
                    break;
                case ChatRole.Assistant:
                    if (i > lastFinal && !string.IsNullOrEmpty(message.Reasoning))
                    {
                        AppendAssistant(prompt, "analysis", message.Reasoning).Append(End);
                    }
                    if (message.ToolCalls is { Count: > 0 } calls)
                    {
                        if (message.Content.Length > 0)
                        {
                            // Text beside tool calls is a preamble, which Harmony puts in commentary.
                            AppendAssistant(prompt, "commentary", message.Content).Append(End);
                        }
                        foreach (var call in calls)
                        {
                            toolNames[call.Id] = call.Name;
                            prompt.Append(Start).Append("assistant").Append(Channel).Append("commentary to=functions.").Append(Name(call.Name))
                                .Append(' ').Append(Constrain).Append("json").Append(Message).Append(Escape(call.ArgumentsJson)).Append(Call);
                        }
                    }
                    else
                    {
                        AppendAssistant(prompt, "final", message.Content).Append(End);
                    }
                    break;
                case ChatRole.Tool:
                    var tool = message.ToolCallId is { } id && toolNames.TryGetValue(id, out var name) ? name : "unknown";
                    prompt.Append(Start).Append("functions.").Append(Name(tool)).Append(" to=assistant").Append(Channel).Append("commentary")
                        .Append(Message).Append(Escape(message.Content)).Append(End);
                    break;
                default:
                    throw new ArgumentOutOfRangeException(nameof(request), message.Role, "Unknown role.");
            }
        }
        if (continued is null)
        {
            return prompt.Append(AssistantHeader).ToString();
        }
        // No end token: the model continues the edited reasoning, then closes it and acts.
        return prompt.Append(AnalysisHeader).Append(Escape(continued.Reasoning ?? "")).ToString();
    }

    /// <summary>The tail of the prompt after its last <see cref="Start"/>: where the model's output begins.</summary>
    public static string OpenHeader(ChatRequest request) =>
        request.ContinueFinalMessage ? "assistant" + Channel + "analysis" + Message : "assistant";

    /// <summary>
    /// Breaks every Harmony special token in untrusted text with a word joiner after its first character, so it is
    /// tokenized as plain text: the model still reads it, but it cannot end a message or open a new one.
    /// </summary>
    public static string Escape(string text)
    {
        if (!text.Contains("<|", StringComparison.Ordinal))
        {
            return text;
        }
        foreach (var token in SpecialTokens)
        {
            text = text.Replace(token, "<\u2060" + token[1..], StringComparison.Ordinal);
        }
        return text;
    }

    /// <summary>The tool declarations in Harmony's TypeScript-like namespace (every parameter is required).</summary>
    public static string Tools(IReadOnlyList<ToolDefinition> tools)
    {
        var text = new StringBuilder("# Tools\n\n## functions\n\nnamespace functions {\n\n");
        foreach (var tool in tools)
        {
            if (!string.IsNullOrWhiteSpace(tool.Description))
            {
                foreach (var line in tool.Description.Split('\n'))
                {
                    text.Append("// ").Append(Escape(line.TrimEnd('\r'))).Append('\n');
                }
            }
            text.Append("type ").Append(Name(tool.Name)).Append(" = ");
            if (tool.Parameters.Count == 0)
            {
                text.Append("() => any;\n\n");
                continue;
            }
            text.Append("(_: {\n");
            foreach (var parameter in tool.Parameters)
            {
                text.Append(parameter.Name).Append(": ").Append(TypeOf(parameter.Type)).Append(",\n");
            }
            text.Append("}) => any;\n\n");
        }
        return text.Append("} // namespace functions").ToString();
    }

    private static StringBuilder AppendAssistant(StringBuilder prompt, string channel, string text) =>
        prompt.Append(Start).Append("assistant").Append(Channel).Append(channel).Append(Message).Append(Escape(text));

    /// <summary>The index of the last assistant answer in the final channel (no tool calls), or -1.</summary>
    private static int LastFinalAnswer(IReadOnlyList<ChatMessage> history)
    {
        for (var i = history.Count - 1; i >= 0; i--)
        {
            if (history[i].Role == ChatRole.Assistant && history[i].ToolCalls is not { Count: > 0 })
            {
                return i;
            }
        }
        return -1;
    }

    /// <summary>Tool names are identifiers by the language's rules; anything else (a hand-built definition) is escaped.</summary>
    private static string Name(string name) => Escape(name);

    private static string TypeOf(ValueKind kind) => kind switch
    {
        ValueKind.String => "string",
        ValueKind.Number => "number",
        ValueKind.Bool => "boolean",
        ValueKind.List => "string[]",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown parameter type."),
    };
}
