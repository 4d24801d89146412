using Scheme.Contracts;
using Scheme.Engine.Caching;
using Scheme.Engine.Providers;
using Scheme.Model;
using Scheme.Testing.Fakes;

namespace Scheme.Runtime.Tests.Caching;

public sealed class ResponseCacheTests : IDisposable
{
    private const string Endpoint = "http://127.0.0.1:8000/v1";
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    private static ChatRequest Request() => new(
        "o3",
        [ChatMessage.System("Be honest."), ChatMessage.User("Read the file."),
         ChatMessage.Assistant("", [new ToolCallRequest("call_1", "read_file", "{\"path\":\"a\"}")]), ChatMessage.Tool("call_1", "content")],
        [new ToolDefinition("read_file", true, [new ToolParameter("path", ValueKind.String)], null, "Read a file.")],
        new ChatParameters(Temperature: 1.0, TopP: 0.9, MaxOutputTokens: 100, Seed: 7, ReasoningEffort: "high"),
        Epoch: 3);

    private static ChatResponse Response(string content = "Done.") =>
        new(content, [new ToolCallRequest("call_9", "submit", "{\"answer\":\"B\"}")], "thinking", new TokenUsage(10, 5), "tool_calls", "o3-2025-04-16");

    [Fact]
    public void Equal_requests_have_equal_keys()
    {
        var key = ResponseCache.Key("openai", Endpoint, Request());
        Assert.Equal(key, ResponseCache.Key("openai", Endpoint, Request()));
        Assert.Matches("^[0-9a-f]{64}$", key);
    }

    public static TheoryData<string> Changes => new()
    {
        "provider", "endpoint", "model", "system text", "user text", "role", "tool call arguments", "tool call id", "tool result",
        "message added", "tool name", "tool description", "tool parameter type", "tool removed", "temperature", "top_p",
        "max tokens", "seed", "seed removed", "reasoning effort", "epoch", "tool calls disallowed", "final message continued",
    };

    [Theory]
    [MemberData(nameof(Changes))]
    public void Changing_any_component_changes_the_key(string change)
    {
        var r = Request();
        var p = r.Parameters;
        var messages = r.Messages.ToList();
        var (provider, endpoint, changed) = change switch
        {
            "provider" => ("vllm", Endpoint, r),
            "endpoint" => ("openai", "http://127.0.0.1:8001/v1", r),
            "model" => ("openai", Endpoint, r with { Model = "o3-antischeming" }),
            "system text" => ("openai", Endpoint, r with { Messages = Replace(messages, 0, ChatMessage.System("Be honest!")) }),
            "user text" => ("openai", Endpoint, r with { Messages = Replace(messages, 1, ChatMessage.User("Read the file")) }),
            "role" => ("openai", Endpoint, r with { Messages = Replace(messages, 0, ChatMessage.User("Be honest.")) }),
            "tool call arguments" => ("openai", Endpoint, r with { Messages = Replace(messages, 2,
                ChatMessage.Assistant("", [new ToolCallRequest("call_1", "read_file", "{\"path\":\"b\"}")])) }),
            "tool call id" => ("openai", Endpoint, r with { Messages = Replace(messages, 2,
                ChatMessage.Assistant("", [new ToolCallRequest("call_2", "read_file", "{\"path\":\"a\"}")])) }),
            "tool result" => ("openai", Endpoint, r with { Messages = Replace(messages, 3, ChatMessage.Tool("call_1", "other")) }),
            "message added" => ("openai", Endpoint, r with { Messages = [.. messages, ChatMessage.User("And?")] }),
            "tool name" => ("openai", Endpoint, r with { Tools = [r.Tools[0] with { Name = "open_file" }] }),
            "tool description" => ("openai", Endpoint, r with { Tools = [r.Tools[0] with { Description = "Reads a file." }] }),
            "tool parameter type" => ("openai", Endpoint, r with { Tools = [r.Tools[0] with { Parameters = [new ToolParameter("path", ValueKind.List)] }] }),
            "tool removed" => ("openai", Endpoint, r with { Tools = [] }),
            "temperature" => ("openai", Endpoint, r with { Parameters = p with { Temperature = 0.0 } }),
            "top_p" => ("openai", Endpoint, r with { Parameters = p with { TopP = 1.0 } }),
            "max tokens" => ("openai", Endpoint, r with { Parameters = p with { MaxOutputTokens = 101 } }),
            "seed" => ("openai", Endpoint, r with { Parameters = p with { Seed = 8 } }),
            "seed removed" => ("openai", Endpoint, r with { Parameters = p with { Seed = null } }),
            "reasoning effort" => ("openai", Endpoint, r with { Parameters = p with { ReasoningEffort = "low" } }),
            "epoch" => ("openai", Endpoint, r with { Epoch = 4 }),
            "tool calls disallowed" => ("openai", Endpoint, r with { AllowToolCalls = false }),
            "final message continued" => ("openai", Endpoint, r with { ContinueFinalMessage = true }),
            _ => throw new ArgumentOutOfRangeException(nameof(change)),
        };
        Assert.NotEqual(ResponseCache.Key("openai", Endpoint, r), ResponseCache.Key(provider, endpoint, changed));
    }

    private static List<ChatMessage> Replace(List<ChatMessage> messages, int index, ChatMessage message)
    {
        var copy = messages.ToList();
        copy[index] = message;
        return copy;
    }

    [Fact]
    public void Reasoning_in_the_history_is_part_of_a_harmony_key_only()
    {
        var plain = Request();
        var reasoned = plain with { Messages = [.. plain.Messages.Take(2), plain.Messages[2] with { Reasoning = "I should read it." }, plain.Messages[3]] };
        const string harmony = Scheme.Engine.Providers.Harmony.HarmonyCompletionsProvider.Kind;

        // A Harmony prompt carries the reasoning of recent tool turns; chat completions never sends it.
        Assert.NotEqual(ResponseCache.Key(harmony, Endpoint, plain), ResponseCache.Key(harmony, Endpoint, reasoned));
        Assert.Equal(ResponseCache.Key("openai", Endpoint, plain), ResponseCache.Key("openai", Endpoint, reasoned));
        Assert.NotEqual(ResponseCache.Key("openai", Endpoint, plain), ResponseCache.Key(harmony, Endpoint, plain));
    }

    [Fact]
    public void Put_then_get_round_trips_and_leaves_no_temporary_file()
    {
        var cache = new ResponseCache(Path.Combine(_directory.Path, "cache"));
        var key = ResponseCache.Key("openai", Endpoint, Request());
        Assert.False(cache.TryGet(key, out _));
        cache.Put(key, Response());
        Assert.True(cache.TryGet(key, out var read));
        Assert.Equal(Response().Content, read.Content);
        Assert.Equal(Response().ToolCalls, read.ToolCalls);
        Assert.Equal(Response() with { ToolCalls = read.ToolCalls }, read);
        cache.Put(key, Response("Replaced."));
        Assert.True(cache.TryGet(key, out var replaced));
        Assert.Equal("Replaced.", replaced.Content);
        var files = Directory.GetFiles(cache.Directory, "*", SearchOption.AllDirectories);
        Assert.Equal([cache.PathOf(key)], files);
        Assert.Equal(key + ".json", Path.GetFileName(files[0]));
    }

    [Fact]
    public void An_unreadable_entry_is_a_miss()
    {
        var cache = new ResponseCache(_directory.Path);
        var key = ResponseCache.Key("openai", Endpoint, Request());
        Directory.CreateDirectory(Path.GetDirectoryName(cache.PathOf(key))!);
        File.WriteAllText(cache.PathOf(key), "{ truncated");
        Assert.False(cache.TryGet(key, out _));
    }

    [Fact]
    public async Task Caching_provider_answers_repeats_from_disk_and_never_stores_the_api_key()
    {
        const string firstKey = "sk-first-SECRET-1";
        const string secondKey = "sk-second-SECRET-2";
        await using var server = FakeOpenAiServer.Start(FakeReply.Text("Cached answer."), FakeReply.Text("Epoch 4 answer."));
        var cache = new ResponseCache(Path.Combine(_directory.Path, "cache"));
        IChatProvider WithKey(string key) => new CachingChatProvider(
            new OpenAiChatProvider(server.BaseUrl, "K", new OpenAiProviderOptions { ReadEnvironmentVariable = _ => key }), cache);

        var first = await WithKey(firstKey).CompleteAsync(Request());
        // A rotated key is the same request: served from the cache, no second request.
        var repeat = await WithKey(secondKey).CompleteAsync(Request());
        Assert.Equal("Cached answer.", first.Content);
        Assert.Equal(first, repeat with { ToolCalls = first.ToolCalls });
        Assert.Single(server.Requests);

        var nextEpoch = await WithKey(firstKey).CompleteAsync(Request() with { Epoch = 4 });
        Assert.Equal("Epoch 4 answer.", nextEpoch.Content);
        Assert.Equal(2, server.Requests.Count);

        foreach (var file in Directory.GetFiles(cache.Directory, "*", SearchOption.AllDirectories))
        {
            var text = await File.ReadAllTextAsync(file);
            Assert.DoesNotContain("SECRET", text);
        }
    }

    [Fact]
    public async Task Failures_are_not_cached()
    {
        await using var server = FakeOpenAiServer.Start(FakeReply.Error(500), FakeReply.Text("Recovered."));
        var cache = new ResponseCache(_directory.Path);
        var provider = new CachingChatProvider(
            new OpenAiChatProvider(server.BaseUrl, "K", new OpenAiProviderOptions { ReadEnvironmentVariable = _ => "sk" }), cache);
        await Assert.ThrowsAsync<ChatProviderException>(() => provider.CompleteAsync(Request()));
        Assert.Equal("Recovered.", (await provider.CompleteAsync(Request())).Content);
        Assert.Equal(2, server.Requests.Count);
    }
}
