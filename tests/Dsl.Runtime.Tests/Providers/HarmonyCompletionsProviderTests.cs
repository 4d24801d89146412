using Scheme.Engine.Providers;
using Scheme.Engine.Providers.Harmony;
using Scheme.Model;
using Scheme.Testing.Fakes;

namespace Scheme.Runtime.Tests.Providers;

/// <summary>The raw completions transport of a harmony checkpoint against the loopback server.</summary>
public class HarmonyCompletionsProviderTests
{
    private const string Key = "sk-test-SECRET-h4rm";

    private static HarmonyCompletionsProvider Provider(FakeOpenAiServer server) =>
        new(server.BaseUrl, "FAKE_KEY", new OpenAiProviderOptions
        {
            ReadEnvironmentVariable = name => name == "FAKE_KEY" ? Key : null,
            RequestTimeout = TimeSpan.FromSeconds(20),
        });

    private static ChatRequest Request(int? maxTokens = 64) =>
        new("openai/gpt-oss-20b", [ChatMessage.User("Hi")], [], new ChatParameters(Temperature: 0.5, TopP: 0.9, MaxOutputTokens: maxTokens, Seed: 42));

    [Fact]
    public async Task Sends_the_rendered_prompt_to_completions_and_reads_the_channels()
    {
        await using var server = FakeOpenAiServer.Start(FakeReply.RawCompletion(
            "<|channel|>analysis<|message|>Say hello.<|end|><|start|>assistant<|channel|>final<|message|>Hello.", promptTokens: 55, completionTokens: 9,
            model: "openai/gpt-oss-20b"));

        var response = await Provider(server).CompleteAsync(Request());

        Assert.Equal(("Hello.", "Say hello.", "stop", "openai/gpt-oss-20b"), (response.Content, response.Reasoning, response.FinishReason, response.Model));
        Assert.Equal(new TokenUsage(55, 9), response.Usage);
        var sent = Assert.Single(server.Requests);
        Assert.Equal(("POST", "/v1/completions"), (sent.Method, sent.Path));
        Assert.Equal($"Bearer {Key}", sent.Headers["authorization"]);
        Assert.DoesNotContain(Key, sent.Body, StringComparison.Ordinal);
        var json = sent.Json;
        Assert.Equal(HarmonyPrompt.Render(Request()), json.GetProperty("prompt").GetString());
        Assert.Equal("openai/gpt-oss-20b", json.GetProperty("model").GetString());
        Assert.Equal((64, 0.5, 0.9, 42L), (json.GetProperty("max_tokens").GetInt32(), json.GetProperty("temperature").GetDouble(),
            json.GetProperty("top_p").GetDouble(), json.GetProperty("seed").GetInt64()));
        // Without it vLLM strips the channel markers, and reasoning could not be told from the answer.
        Assert.False(json.GetProperty("skip_special_tokens").GetBoolean());
        Assert.Equal(["<|return|>", "<|call|>"], json.GetProperty("stop").EnumerateArray().Select(s => s.GetString()));
        Assert.False(json.TryGetProperty("messages", out _));
    }

    [Fact]
    public async Task Always_states_max_tokens_because_the_raw_api_defaults_to_16()
    {
        await using var server = FakeOpenAiServer.Start(FakeReply.RawCompletion("<|channel|>final<|message|>x"));

        await Provider(server).CompleteAsync(Request(maxTokens: null));

        Assert.Equal(HarmonyCompletionsProvider.DefaultMaxTokens, Assert.Single(server.Requests).Json.GetProperty("max_tokens").GetInt32());
    }

    [Fact]
    public async Task A_tool_call_finishes_as_tool_calls()
    {
        await using var server = FakeOpenAiServer.Start(FakeReply.RawCompletion(
            "<|channel|>commentary to=functions.read_file <|constrain|>json<|message|>{\"path\":\"a\"}"));

        var response = await Provider(server).CompleteAsync(Request());

        Assert.Equal("tool_calls", response.FinishReason);
        Assert.Equal(("read_file", "{\"path\":\"a\"}"), (response.ToolCalls[0].Name, response.ToolCalls[0].ArgumentsJson));
    }

    [Theory]
    [InlineData(500, true)]
    [InlineData(429, true)]
    [InlineData(400, false)]
    public async Task Http_errors_are_classified_and_never_show_the_key(int status, bool transient)
    {
        await using var server = FakeOpenAiServer.Start(new FakeReply(status, "{\"error\":{\"message\":\"bad key " + Key + "\"}}"));

        var error = await Assert.ThrowsAsync<ChatProviderException>(() => Provider(server).CompleteAsync(Request()));

        Assert.Equal((status, transient), (error.StatusCode, error.IsTransient));
        Assert.DoesNotContain(Key, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("<html>upstream error</html>{")]
    [InlineData("{\"choices\":[]}")]
    [InlineData("{\"choices\":[{\"text\":42}]}")]
    [InlineData("[1,2]")]
    // Valid JSON whose text is a lone surrogate: it parses, but cannot be read as a string.
    [InlineData("{\"choices\":[{\"text\":\"\\ud800\"}]}")]
    public async Task A_200_that_is_not_a_completion_is_a_transient_provider_error(string body)
    {
        await using var server = FakeOpenAiServer.Start(new FakeReply(200, body));

        var error = await Assert.ThrowsAsync<ChatProviderException>(() => Provider(server).CompleteAsync(Request()));

        Assert.True(error.IsTransient);
    }

    [Fact]
    public async Task A_dropped_connection_is_transient()
    {
        await using var server = FakeOpenAiServer.Start(FakeReply.DropConnection());

        var error = await Assert.ThrowsAsync<ChatProviderException>(() => Provider(server).CompleteAsync(Request()));

        Assert.True(error.IsTransient);
        Assert.Null(error.StatusCode);
    }

    [Theory]
    [InlineData("Infinity")]
    [InlineData("1e300")]
    public async Task A_retry_after_past_what_a_wait_can_be_is_an_hour(string retryAfter)
    {
        await using var server = FakeOpenAiServer.Start(FakeReply.Error(429, retryAfter));

        var error = await Assert.ThrowsAsync<ChatProviderException>(() => Provider(server).CompleteAsync(Request()));

        Assert.Equal((429, TimeSpan.FromHours(1)), (error.StatusCode, error.RetryAfter));
    }
}
