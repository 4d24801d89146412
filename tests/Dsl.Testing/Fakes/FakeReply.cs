using System.Text.Json;
using System.Text.Json.Nodes;

namespace Scheme.Testing.Fakes;

/// <summary>One scripted answer of <see cref="FakeOpenAiServer"/>.</summary>
/// <param name="Drop">Close the connection without any response.</param>
/// <param name="Delay">Wait this long before answering (to exercise timeouts), cut short when the server stops.</param>
public sealed record FakeReply(
    int Status,
    string Body,
    IReadOnlyDictionary<string, string>? Headers = null,
    bool Drop = false,
    TimeSpan? Delay = null)
{
    private static int _ids;

    public FakeReply After(TimeSpan delay) => this with { Delay = delay };

    /// <summary>The same completion with reasoning_content beside its content or tool calls.</summary>
    public FakeReply WithReasoning(string reasoning)
    {
        var body = JsonNode.Parse(Body)!;
        body["choices"]![0]!["message"]!["reasoning_content"] = reasoning;
        return this with { Body = body.ToJsonString() };
    }

    /// <summary>A normal completion, with reasoning_content as vLLM returns it when given.</summary>
    public static FakeReply Text(string content, string? reasoning = null, int promptTokens = 11, int completionTokens = 7, string model = "fake-model")
    {
        var message = new JsonObject { ["role"] = "assistant", ["content"] = content };
        if (reasoning is not null)
        {
            message["reasoning_content"] = reasoning;
        }
        return Completion(message, "stop", promptTokens, completionTokens, model);
    }

    /// <summary>A completion that calls tools; arguments are serialized to JSON.</summary>
    public static FakeReply ToolCalls(params (string Name, object Arguments)[] calls)
    {
        var toolCalls = new JsonArray();
        foreach (var (name, arguments) in calls)
        {
            toolCalls.Add(new JsonObject
            {
                ["id"] = $"call_{Interlocked.Increment(ref _ids)}",
                ["type"] = "function",
                ["function"] = new JsonObject
                {
                    ["name"] = name,
                    ["arguments"] = arguments as string ?? JsonSerializer.Serialize(arguments),
                },
            });
        }
        var message = new JsonObject { ["role"] = "assistant", ["content"] = null, ["tool_calls"] = toolCalls };
        return Completion(message, "tool_calls", 20, 9, "fake-model");
    }

    /// <summary>A raw completion (<c>/v1/completions</c>), as vLLM answers one: the generated text of one choice.</summary>
    public static FakeReply RawCompletion(string text, string finishReason = "stop", int promptTokens = 40, int completionTokens = 12, string model = "fake-model")
    {
        var body = new JsonObject
        {
            ["id"] = $"cmpl-{Interlocked.Increment(ref _ids)}",
            ["object"] = "text_completion",
            ["created"] = 1_700_000_000,
            ["model"] = model,
            ["choices"] = new JsonArray(new JsonObject { ["index"] = 0, ["text"] = text, ["finish_reason"] = finishReason }),
            ["usage"] = new JsonObject
            {
                ["prompt_tokens"] = promptTokens,
                ["completion_tokens"] = completionTokens,
                ["total_tokens"] = promptTokens + completionTokens,
            },
        };
        return new FakeReply(200, body.ToJsonString());
    }

    public static FakeReply Error(int status, string? retryAfter = null)
    {
        var headers = retryAfter is null ? null : new Dictionary<string, string> { ["Retry-After"] = retryAfter };
        var body = new JsonObject { ["error"] = new JsonObject { ["message"] = $"scripted {status}", ["type"] = "fake" } };
        return new FakeReply(status, body.ToJsonString(), headers);
    }

    /// <summary>A 200 whose body is not JSON, as a misconfigured proxy would send.</summary>
    public static FakeReply Malformed() => new(200, "<html>upstream error</html>{");

    public static FakeReply DropConnection() => new(0, "", Drop: true);

    private static FakeReply Completion(JsonObject message, string finishReason, int promptTokens, int completionTokens, string model)
    {
        var body = new JsonObject
        {
            ["id"] = $"chatcmpl-{Interlocked.Increment(ref _ids)}",
            ["object"] = "chat.completion",
            ["created"] = 1_700_000_000,
            ["model"] = model,
            ["choices"] = new JsonArray(new JsonObject
            {
                ["index"] = 0,
                ["message"] = message,
                ["finish_reason"] = finishReason,
            }),
            ["usage"] = new JsonObject
            {
                ["prompt_tokens"] = promptTokens,
                ["completion_tokens"] = completionTokens,
                ["total_tokens"] = promptTokens + completionTokens,
            },
        };
        return new FakeReply(200, body.ToJsonString());
    }
}
