using System.Text.Json;
using Scheme.Engine.Batching;
using Scheme.Engine.Providers;

namespace Scheme.Runtime.Tests.Batch;

/// <summary>The input files of a round: one request once, split by endpoint, key and model and at the API's limits.</summary>
public sealed class BatchQueueTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    private static BatchTarget Target(string endpoint) =>
        new(endpoint, "KEY", new OpenAiChatProvider(endpoint, "KEY", new OpenAiProviderOptions { ReadEnvironmentVariable = _ => "k" }));

    private static string Key(int i) => i.ToString("x64", System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public void Requests_are_written_once_each_into_files_split_by_group_count_and_bytes()
    {
        var queue = new BatchQueue { SpoolDirectory = _directory.Path, MaxRequestsPerFile = 3, MaxFileBytes = 1000 };
        var a = Target("http://a/v1");
        var b = Target("http://b/v1");
        for (var i = 0; i < 7; i++)
        {
            queue.Defer(a, "m1", Key(i), $$"""{"model":"m1","n":{{i}}}""");
            queue.Defer(a, "m1", Key(i), "{\"asked\":\"again by another unit\"}");
        }
        queue.Defer(a, "m2", Key(100), "{\"model\":\"m2\"}");
        queue.Defer(b, "m1", Key(200), "{\"model\":\"m1\"}");
        // Over the byte limit with the others: a file of its own; over the limit alone: refused, the request fails.
        queue.Defer(b, "m1", Key(201), "{\"pad\":\"" + new string('x', 800) + "\"}");
        queue.Defer(b, "m1", Key(202), "{\"pad\":\"" + new string('x', 2000) + "\"}");

        var files = queue.Drain();

        Assert.Equal([3, 3, 1, 1, 1, 1], files.Select(f => f.Keys.Count).OrderDescending());
        Assert.All(files, f => Assert.True(new FileInfo(f.Path).Length <= 1000));
        Assert.Equal(10, files.Sum(f => f.Keys.Count));
        var lines = files.SelectMany(f => File.ReadAllLines(f.Path)).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(10, lines.Select(l => l.GetProperty("custom_id").GetString()).Distinct().Count());
        Assert.All(lines, l => Assert.Equal("/v1/chat/completions", l.GetProperty("url").GetString()));
        Assert.Equal("m1", lines.Single(l => l.GetProperty("custom_id").GetString() == Key(3)).GetProperty("body").GetProperty("model").GetString());
        Assert.All(files, f => Assert.All(File.ReadAllLines(f.Path), l => Assert.Equal(f.Model, JsonDocument.Parse(l).RootElement.GetProperty("body").TryGetProperty("model", out var m) ? m.GetString() : f.Model)));
        Assert.Contains("more than a batch input file may hold", queue.FailureOf(Key(202))!.Message);
        Assert.Empty(queue.Drain());
    }
}
