using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Scheme.Engine.Caching;
using Scheme.Engine.Providers;

namespace Scheme.Runtime.Tests.Shards;

/// <summary>
/// Shards on a cluster share one response cache folder. Several real processes write the same entries (as shards asking
/// the same judge question would) and their own entries at once, while reading the shared ones back: no reader may ever
/// see a torn entry, and at the end every entry is whole and holds a value written for its own key.
/// </summary>
public sealed class SharedCacheTests
{
    private const int SharedKeys = 12, OwnKeys = 12, Writers = 4;

    // Large enough that a write takes several system calls, so a torn (non-atomic) write would be seen.
    private static readonly string Padding = new('x', 256 * 1024);

    private static string Key(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    private static string SharedKey(int k) => Key($"shared {k}");

    private static string OwnKey(int writer, int k) => Key($"own {writer} {k}");

    private static ChatResponse Response(string label) => new($"{label}|{Padding}|{label}", [], null, new TokenUsage(1, 1), "stop");

    /// <summary>The label of a whole entry, or null when the text is not one (torn, or not written by this test).</summary>
    private static string? Label(string json)
    {
        ChatResponse? response;
        try
        {
            response = JsonSerializer.Deserialize<ChatResponse>(json, new JsonSerializerOptions(JsonSerializerDefaults.Web));
        }
        catch (JsonException)
        {
            return null;
        }
        var parts = response?.Content.Split('|');
        return parts is [var head, var padding, var tail] && head == tail && padding == Padding ? head : null;
    }

    /// <summary>The child's work: rounds of writing every shared key and its own keys, reading the shared ones back raw.
    /// Exit 0, or 3 with the key when a read saw a torn or foreign entry.</summary>
    public static int WriteAndRead(string directory, int writer, int rounds)
    {
        var cache = new ResponseCache(directory);
        for (var round = 0; round < rounds; round++)
        {
            for (var k = 0; k < SharedKeys; k++)
            {
                cache.Put(SharedKey(k), Response($"shared {k} by {writer} round {round}"));
                cache.Put(OwnKey(writer, k), Response($"own {writer} {k} round {round}"));
                var other = (k + writer) % SharedKeys;
                string text;
                try
                {
                    text = File.ReadAllText(cache.PathOf(SharedKey(other)));
                }
                catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
                {
                    continue;
                }
                if (Label(text) is not { } label || !label.StartsWith($"shared {other} by ", StringComparison.Ordinal))
                {
                    Console.Error.WriteLine($"torn or wrong entry for shared {other}: {text[..Math.Min(200, text.Length)]}");
                    return 3;
                }
                if (!cache.TryGet(SharedKey(other), out _))
                {
                    Console.Error.WriteLine($"a whole entry for shared {other} was not served");
                    return 3;
                }
            }
        }
        return 0;
    }

    [Fact]
    public async Task Concurrent_processes_writing_the_same_and_different_entries_never_leave_a_torn_or_wrong_one()
    {
        using var temp = new TempDirectory();
        var directory = Path.Combine(temp.Path, "cache");
        const int rounds = 15;
        var children = Enumerable.Range(0, Writers).Select(w => ChildProcess.Start(["cache-writer", directory, w.ToString(System.Globalization.CultureInfo.InvariantCulture), rounds.ToString(System.Globalization.CultureInfo.InvariantCulture)])).ToList();
        try
        {
            foreach (var child in children)
            {
                var (code, _, errors) = await child.ExitAsync(TimeSpan.FromMinutes(3));
                Assert.True(code == 0, $"a writer failed ({code}): {errors}");
            }
        }
        finally
        {
            children.ForEach(c => c.Dispose());
        }

        // No temporary file is left, and every entry is whole and written for its own key.
        var files = Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories).ToList();
        Assert.DoesNotContain(files, f => f.EndsWith(".tmp", StringComparison.Ordinal));
        Assert.Equal(SharedKeys + Writers * OwnKeys, files.Count);
        var cache = new ResponseCache(directory);
        for (var k = 0; k < SharedKeys; k++)
        {
            Assert.True(cache.TryGet(SharedKey(k), out var response));
            Assert.StartsWith($"shared {k} by ", Label(JsonSerializer.Serialize(response, new JsonSerializerOptions(JsonSerializerDefaults.Web))));
        }
        for (var w = 0; w < Writers; w++)
        {
            for (var k = 0; k < OwnKeys; k++)
            {
                Assert.Equal($"own {w} {k} round {rounds - 1}", Label(File.ReadAllText(cache.PathOf(OwnKey(w, k)))));
            }
        }
    }
}
