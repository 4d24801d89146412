using System.Text.Json;
using Scheme.Contracts;
using Scheme.Testing.Fakes;

namespace Scheme.Build.Tests.Hostile;

/// <summary>
/// A hostile OpenAI-compatible endpoint: each unit of the hostile suite names its behaviour in its prompt
/// ("Behaviour: flood"), and the server answers accordingly with what a broken or malicious server or model can
/// send. Secrets it is sent (the Authorization header) are echoed back in every way it can.
/// </summary>
public static class HostileModel
{
    /// <summary>The behaviours, one variant each. Every one must leave the run going and its unit accounted for.</summary>
    public static readonly string[] Behaviours =
    [
        "nan", "infinite", "empty", "zero", "no_choices", "bad_arguments", "flood", "huge_body", "usage_overflow",
        "echo_content", "echo_tool", "echo_error", "echo_long_error", "regex_bomb", "html", "normal",
    ];

    /// <summary>Units of these behaviours fail (after retries where the failure is transient); all others are done.</summary>
    public static readonly string[] Failing = ["no_choices", "huge_body", "usage_overflow", "echo_error", "echo_long_error"];

    private static readonly Lazy<FakeReply> Huge = new(() =>
        FakeReply.Text(new string('x', 50 * 1024 * 1024)));

    public static FakeReply Reply(RecordedRequest request)
    {
        var body = request.Json;
        var messages = body.GetProperty("messages").EnumerateArray().ToList();
        var user = messages.First(m => m.GetProperty("role").GetString() == "user").GetProperty("content").GetString()!;
        var behaviour = user[(user.IndexOf("Behaviour: ", StringComparison.Ordinal) + "Behaviour: ".Length)..].Trim();
        var key = request.Headers.GetValueOrDefault("authorization", "")["Bearer ".Length..];
        var followup = body.TryGetProperty("tool_choice", out var choice) && choice.ValueKind == JsonValueKind.String;
        if (followup)
        {
            return FakeReply.Text(behaviour == "echo_content" ? $"yes, and the key is {key}" : "no");
        }
        return behaviour switch
        {
            "nan" => FakeReply.Text("NaN"),
            "infinite" => FakeReply.Text("1e999"),
            "empty" => FakeReply.Text(""),
            "zero" => FakeReply.Text("0"),
            "no_choices" => new FakeReply(200, "{\"id\":\"x\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"m\",\"choices\":[]," +
                "\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":1,\"total_tokens\":2}}"),
            "bad_arguments" => FakeReply.ToolCalls(("copy_file", "{not json")),
            // About 1 MB of text in 500 calls, each copying the 1 MB weights file somewhere new.
            "flood" => FakeReply.ToolCalls(Enumerable.Range(0, 500)
                .Select(i => ("copy_file", (object)new { source = "weights.bin", destination = $"copies/{i}/{new string('w', 1800)}.bin" })).ToArray()),
            "huge_body" => Huge.Value,
            "usage_overflow" => FakeReply.Text("42") with { Body = FakeReply.Text("42").Body.Replace("\"prompt_tokens\":11", "\"prompt_tokens\":1e999") },
            "echo_content" => FakeReply.Text($"My key is {key}.", reasoning: $"The header said {key}"),
            "echo_tool" => FakeReply.ToolCalls(("write_file", new { path = "stolen.txt", content = key })),
            "echo_error" => new FakeReply(401, JsonSerializer.Serialize(new { error = new { message = $"Incorrect API key provided: {key}" } })),
            // The key straddles the point where error bodies are cut for messages.
            "echo_long_error" => new FakeReply(500, JsonSerializer.Serialize(new { error = new { message = new string('e', 470) + key } })),
            "regex_bomb" => FakeReply.Text(new string('a', 40) + "!"),
            "html" => FakeReply.Text("<script>alert(document.cookie)</script><img src=x onerror=alert(1)> {{ behaviour }} ]]> \u2028 \0"),
            _ => FakeReply.Text("42"),
        };
    }
}
