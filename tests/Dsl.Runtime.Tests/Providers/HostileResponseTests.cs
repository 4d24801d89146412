using System.Text.Json;
using Scheme.Engine;
using Scheme.Engine.Caching;
using Scheme.Engine.Providers;
using Scheme.Model;
using Scheme.Testing.Fakes;

namespace Scheme.Runtime.Tests.Providers;

/// <summary>Whatever a server sends in answer, the provider throws a classified <see cref="ChatProviderException"/> or returns a response.</summary>
public class HostileResponseTests
{
    // Characters JSON writers escape (+ ' < > & "), so a scrubber matching only the raw key would miss them on disk.
    private const string Key = "sk-hostile+'<>&\"-0123456789abcdef";

    private static OpenAiChatProvider Provider(FakeOpenAiServer server, long maxBody = 16L << 20) =>
        new(server.BaseUrl, "FAKE_KEY", new OpenAiProviderOptions
        {
            ReadEnvironmentVariable = name => name == "FAKE_KEY" ? Key : null,
            RequestTimeout = TimeSpan.FromSeconds(20),
            MaxResponseBodyBytes = maxBody,
        });

    private static ChatRequest Request() => new("fake-model", [ChatMessage.User("Hi")], [], new ChatParameters());

    [Fact]
    public async Task A_completion_without_choices_is_a_transient_classified_failure()
    {
        await using var server = FakeOpenAiServer.Start(new FakeReply(200,
            "{\"id\":\"x\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"m\",\"choices\":[],\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":1,\"total_tokens\":2}}"));

        var error = await Assert.ThrowsAsync<ChatProviderException>(() => Provider(server).CompleteAsync(Request()));

        Assert.True(error.IsTransient);
        Assert.Contains("without choices", error.Message);
    }

    [Fact]
    public async Task Token_counts_out_of_range_are_a_classified_failure()
    {
        var body = FakeReply.Text("42").Body.Replace("\"prompt_tokens\":11", "\"prompt_tokens\":1e999", StringComparison.Ordinal);
        await using var server = FakeOpenAiServer.Start(new FakeReply(200, body));

        var error = await Assert.ThrowsAsync<ChatProviderException>(() => Provider(server).CompleteAsync(Request()));

        Assert.Contains("not a chat completion", error.Message);
    }

    [Fact]
    public async Task A_body_past_the_size_limit_is_refused_permanently_without_being_read_whole()
    {
        await using var server = FakeOpenAiServer.Start(FakeReply.Text(new string('x', 3 << 20)));

        var error = await Assert.ThrowsAsync<ChatProviderException>(() => Provider(server, maxBody: 1 << 20).CompleteAsync(Request()));

        Assert.False(error.IsTransient);
        Assert.Contains("larger than 1048576 bytes", error.Message);
    }

    [Fact]
    public async Task A_key_echoed_in_an_error_body_is_masked_before_the_body_is_cut_for_the_message()
    {
        // The key starts at character 480 of the message, across the 500-character cut.
        var body = JsonSerializer.Serialize(new { error = new { message = new string('e', 460) + Key } });
        await using var server = FakeOpenAiServer.Start(new FakeReply(401, body));

        var error = await Assert.ThrowsAsync<ChatProviderException>(() => Provider(server).CompleteAsync(Request()));

        Assert.Contains(SecretScrubber.Mask, error.Message);
        Assert.DoesNotContain(Key[..10], error.Message);
        Assert.DoesNotContain("0123456789", error.Message);
    }

    [Fact]
    public async Task A_key_echoed_in_a_completion_never_reaches_the_response_cache()
    {
        using var temp = new TempDirectory();
        await using var server = FakeOpenAiServer.Start(FakeReply.Text($"Your key is {Key}.", reasoning: $"I saw {Key}"),
            FakeReply.ToolCalls(("write_file", new { path = "k.txt", content = Key })));
        var scrubber = new SecretScrubber([Key]);
        var cache = new ResponseCache(temp.Path);
        var provider = new CachingChatProvider(new ScrubbingChatProvider(Provider(server), scrubber), cache);

        var text = await provider.CompleteAsync(Request());
        var call = await provider.CompleteAsync(Request() with { Epoch = 1 });

        Assert.Equal($"Your key is {SecretScrubber.Mask}.", text.Content);
        Assert.Equal($"I saw {SecretScrubber.Mask}", text.Reasoning);
        Assert.DoesNotContain("0123456789", call.ToolCalls[0].ArgumentsJson);
        SecretSearch.AssertAbsent(Key, temp.Path);
    }

    [Fact]
    public void The_scrubber_matches_every_spelling_the_writers_produce()
    {
        var scrubber = new SecretScrubber([Key]);
        string[] spellings =
        [
            Key,
            JsonSerializer.Serialize(Key)[1..^1],
            JsonSerializer.Serialize(Key, new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping })[1..^1],
            Key.Replace("\"", "\"\"", StringComparison.Ordinal),
        ];

        foreach (var spelling in spellings)
        {
            Assert.Equal($"a {SecretScrubber.Mask} b", scrubber.Scrub($"a {spelling} b"));
        }
    }
}
