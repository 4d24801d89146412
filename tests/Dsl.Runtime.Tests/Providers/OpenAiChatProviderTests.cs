using System.Diagnostics;
using System.Text.Json;
using Scheme.Contracts;
using Scheme.Engine.Providers;
using Scheme.Model;
using Scheme.Testing.Fakes;

namespace Scheme.Runtime.Tests.Providers;

public class OpenAiChatProviderTests
{
    private const string Key = "sk-test-SECRET-4b1d";

    private static OpenAiChatProvider Provider(FakeOpenAiServer server, TimeSpan? timeout = null) =>
        new(server.BaseUrl, "FAKE_KEY", new OpenAiProviderOptions
        {
            ReadEnvironmentVariable = name => name == "FAKE_KEY" ? Key : null,
            RequestTimeout = timeout ?? TimeSpan.FromSeconds(20),
        });

    private static ChatRequest Request(IReadOnlyList<ChatMessage>? messages = null, IReadOnlyList<ToolDefinition>? tools = null) =>
        new("fake-model", messages ?? [ChatMessage.System("Be brief."), ChatMessage.User("Hi")], tools ?? [],
            new ChatParameters(Temperature: 0.5, MaxOutputTokens: 64, Seed: 42, ReasoningEffort: "high"));

    [Fact]
    public async Task Plain_completion_sends_the_settings_and_returns_content_and_usage()
    {
        await using var server = FakeOpenAiServer.Start(FakeReply.Text("Hello.", promptTokens: 13, completionTokens: 3, model: "fake-model-2025"));
        var response = await Provider(server).CompleteAsync(Request());

        Assert.Equal("Hello.", response.Content);
        Assert.Empty(response.ToolCalls);
        Assert.Null(response.Reasoning);
        Assert.Equal(new TokenUsage(13, 3), response.Usage);
        Assert.Equal("stop", response.FinishReason);
        Assert.Equal("fake-model-2025", response.Model);

        var request = Assert.Single(server.Requests);
        Assert.Equal("/v1/chat/completions", request.Path);
        Assert.Equal($"Bearer {Key}", request.Headers["authorization"]);
        Assert.DoesNotContain(Key, request.Body);
        var json = request.Json;
        Assert.Equal("fake-model", json.GetProperty("model").GetString());
        Assert.Equal(0.5, json.GetProperty("temperature").GetDouble(), 5);
        Assert.Equal(42, json.GetProperty("seed").GetInt64());
        Assert.Equal(64, json.GetProperty("max_completion_tokens").GetInt32());
        Assert.Equal("high", json.GetProperty("reasoning_effort").GetString());
        Assert.Equal(["system", "user"], request.Messages.Select(m => m.GetProperty("role").GetString()));
        Assert.False(json.TryGetProperty("tools", out _));
    }

    [Fact]
    public async Task Prefill_request_asks_the_server_to_continue_the_final_assistant_message()
    {
        await using var server = FakeOpenAiServer.Start(FakeReply.Text("Done."), FakeReply.Text("Done."));
        var provider = Provider(server);
        var messages = new[] { ChatMessage.User("Hi"), ChatMessage.Assistant("<think>\nFirst, the user") };

        await provider.CompleteAsync(Request(messages) with { ContinueFinalMessage = true });
        await provider.CompleteAsync(Request());

        var prefill = server.Requests[0].Json;
        Assert.True(prefill.GetProperty("continue_final_message").GetBoolean());
        Assert.False(prefill.GetProperty("add_generation_prompt").GetBoolean());
        Assert.Equal(42, prefill.GetProperty("seed").GetInt64());
        var last = server.Requests[0].Messages[^1];
        Assert.Equal("assistant", last.GetProperty("role").GetString());
        Assert.Equal("<think>\nFirst, the user", last.GetProperty("content").GetString());
        var plain = server.Requests[1].Json;
        Assert.False(plain.TryGetProperty("continue_final_message", out _));
        Assert.False(plain.TryGetProperty("add_generation_prompt", out _));
    }

    [Fact]
    public async Task Prefill_request_without_a_final_assistant_message_is_refused_before_sending()
    {
        await using var server = FakeOpenAiServer.Start();
        await Assert.ThrowsAsync<ArgumentException>(() => Provider(server).CompleteAsync(Request() with { ContinueFinalMessage = true }));
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task Tool_call_round_trip()
    {
        await using var server = FakeOpenAiServer.Start(
            FakeReply.ToolCalls(("read_file", new { path = "config.yaml" })),
            FakeReply.Text("The file says oversight is on."));
        var provider = Provider(server);
        var tools = new[] { new ToolDefinition("read_file", true, [new ToolParameter("path", ValueKind.String)], null, "Read a file.") };
        var messages = new List<ChatMessage> { ChatMessage.User("Read config.yaml") };

        var first = await provider.CompleteAsync(Request(messages, tools));
        var call = Assert.Single(first.ToolCalls);
        Assert.Equal("read_file", call.Name);
        Assert.Equal("config.yaml", JsonDocument.Parse(call.ArgumentsJson).RootElement.GetProperty("path").GetString());
        Assert.Equal("tool_calls", first.FinishReason);

        messages.Add(first.ToMessage());
        messages.Add(ChatMessage.Tool(call.Id, "oversight_enabled: true"));
        var second = await provider.CompleteAsync(Request(messages, tools));
        Assert.Equal("The file says oversight is on.", second.Content);

        var tool = server.Requests[0].Json.GetProperty("tools")[0];
        Assert.Equal("function", tool.GetProperty("type").GetString());
        Assert.Equal("read_file", tool.GetProperty("function").GetProperty("name").GetString());
        var schema = tool.GetProperty("function").GetProperty("parameters");
        Assert.Equal("string", schema.GetProperty("properties").GetProperty("path").GetProperty("type").GetString());
        Assert.Equal("path", schema.GetProperty("required")[0].GetString());

        var sent = server.Requests[1].Messages;
        Assert.Equal(["user", "assistant", "tool"], sent.Select(m => m.GetProperty("role").GetString()));
        Assert.Equal(call.Id, sent[1].GetProperty("tool_calls")[0].GetProperty("id").GetString());
        Assert.Equal(call.Id, sent[2].GetProperty("tool_call_id").GetString());
        Assert.Equal("oversight_enabled: true", sent[2].GetProperty("content").GetString());
    }

    [Fact]
    public async Task Reasoning_content_of_compatible_servers_is_returned()
    {
        await using var server = FakeOpenAiServer.Start(FakeReply.Text("42", reasoning: "This might be a test."));
        var response = await Provider(server).CompleteAsync(Request());
        Assert.Equal("This might be a test.", response.Reasoning);
    }

    [Fact]
    public async Task Rate_limit_is_reported_with_retry_after_and_not_retried_by_the_sdk()
    {
        await using var server = FakeOpenAiServer.Start(FakeReply.Error(429, retryAfter: "7"));
        var error = await Assert.ThrowsAsync<ChatProviderException>(() => Provider(server).CompleteAsync(Request()));
        Assert.Equal(429, error.StatusCode);
        Assert.True(error.IsTransient);
        Assert.Equal(TimeSpan.FromSeconds(7), error.RetryAfter);
        Assert.Single(server.Requests);
        Assert.DoesNotContain(Key, error.ToString());
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

    [Theory]
    [InlineData(500, true)]
    [InlineData(503, true)]
    [InlineData(400, false)]
    [InlineData(401, false)]
    public async Task Http_errors_are_classified(int status, bool transient)
    {
        await using var server = FakeOpenAiServer.Start(FakeReply.Error(status));
        var error = await Assert.ThrowsAsync<ChatProviderException>(() => Provider(server).CompleteAsync(Request()));
        Assert.Equal(status, error.StatusCode);
        Assert.Equal(transient, error.IsTransient);
        Assert.Null(error.RetryAfter);
    }

    [Fact]
    public async Task Malformed_body_is_a_transient_provider_error()
    {
        await using var server = FakeOpenAiServer.Start(FakeReply.Malformed());
        var error = await Assert.ThrowsAsync<ChatProviderException>(() => Provider(server).CompleteAsync(Request()));
        Assert.True(error.IsTransient);
    }

    [Fact]
    public async Task Dropped_connection_is_a_transient_error_without_status()
    {
        await using var server = FakeOpenAiServer.Start(FakeReply.DropConnection());
        var error = await Assert.ThrowsAsync<ChatProviderException>(() => Provider(server).CompleteAsync(Request()));
        Assert.True(error.StatusCode is null, error.InnerException?.ToString());
        Assert.True(error.IsTransient);
    }

    [Fact]
    public async Task Slow_response_times_out_as_a_transient_error()
    {
        await using var server = FakeOpenAiServer.Start(FakeReply.Text("late").After(TimeSpan.FromSeconds(30)));
        var clock = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<ChatProviderException>(
            () => Provider(server, TimeSpan.FromMilliseconds(300)).CompleteAsync(Request()));
        Assert.True(error.IsTransient);
        Assert.Null(error.StatusCode);
        Assert.Contains("timed out", error.Message);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task Caller_cancellation_is_not_turned_into_a_provider_error()
    {
        await using var server = FakeOpenAiServer.Start(FakeReply.Text("late").After(TimeSpan.FromSeconds(30)));
        using var cancel = new CancellationTokenSource();
        var pending = Provider(server).CompleteAsync(Request(), cancel.Token);
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending);
    }

    [Fact]
    public async Task Missing_api_key_fails_before_any_request_and_names_only_the_variable()
    {
        await using var server = FakeOpenAiServer.Start();
        var error = Assert.Throws<InvalidOperationException>(() =>
            new OpenAiChatProvider(server.BaseUrl, "MY_KEY_VAR", new OpenAiProviderOptions { ReadEnvironmentVariable = _ => null }));
        Assert.Contains("MY_KEY_VAR", error.Message);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task Unscripted_request_gets_a_server_error()
    {
        await using var server = FakeOpenAiServer.Start();
        var error = await Assert.ThrowsAsync<ChatProviderException>(() => Provider(server).CompleteAsync(Request()));
        Assert.Equal(500, error.StatusCode);
        Assert.Single(server.Requests);
    }
}
