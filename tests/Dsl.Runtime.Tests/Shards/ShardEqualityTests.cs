using System.Globalization;
using System.Text.Json;
using Scheme.Engine.Design;
using Scheme.Engine.Store;
using Scheme.Runtime.Cli;
using Scheme.Runtime.Tests.Engine;
using Scheme.Testing.Fakes;

namespace Scheme.Runtime.Tests.Shards;

/// <summary>
/// The issue's test: N shards run as real processes in parallel, merged, equal the single-process run unit for unit (ids,
/// status, outcomes, metrics) and in analyze's output (metric table and hypothesis decision); once offline (simulated)
/// and once live against the loopback OpenAI server through the real SDK, the shards sharing one cache folder.
/// </summary>
public sealed class ShardEqualityTests
{
    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

    [Fact]
    public async Task Offline_shards_run_in_parallel_and_merged_equal_the_single_process_run()
    {
        const int tasks = 15, epochs = 4, shards = 4;
        using var fixture = new RunnerFixture();
        var experiment = ShardExperiments.Sharded(fixture.KeyVariable, tasks, epochs);
        var single = Path.Combine(fixture.Root, "single");
        Assert.True(fixture.Run(experiment, default, "run", "--offline", "--out", single, "--no-cache") == RunnerHost.Success, fixture.Errors.ToString());

        var root = Path.Combine(fixture.Root, "sharded");
        await RunShards(fixture, tasks, epochs, shards, root, ["--offline", "--no-cache"]);
        var merged = Merge(fixture, experiment, root, shards);

        AssertSameUnits(fixture.Units(single), fixture.Units(merged), tasks * epochs);
        AssertSameAnalysis(fixture, experiment, single, merged);
    }

    [Fact]
    public async Task Live_shards_against_the_loopback_server_sharing_one_cache_and_merged_equal_the_single_process_run()
    {
        const int tasks = 8, epochs = 2, shards = 3;
        using var fixture = new RunnerFixture();
        var experiment = ShardExperiments.Sharded(fixture.KeyVariable, tasks, epochs);
        await using var server = FakeOpenAiServer.Start();
        server.Handler = new ScriptedAgent().Reply;
        var single = Path.Combine(fixture.Root, "single");
        Assert.True(fixture.Run(experiment, default, "run", "--endpoint", server.BaseUrl, "--out", single, "--no-cache") == RunnerHost.Success, fixture.Errors.ToString());
        var asked = server.RequestCount;

        var root = Path.Combine(fixture.Root, "sharded");
        await RunShards(fixture, tasks, epochs, shards, root, ["--endpoint", server.BaseUrl, "--cache", fixture.CacheDirectory]);
        var merged = Merge(fixture, experiment, root, shards);

        AssertSameUnits(fixture.Units(single), fixture.Units(merged), tasks * epochs);
        Assert.All(fixture.Units(merged), u => Assert.False(u.Simulated));
        AssertSameAnalysis(fixture, experiment, single, merged);
        // The shards asked what the single run asked, and their answers are in the one cache they shared.
        Assert.Equal(asked, server.RequestCount - asked);
        Assert.Equal(asked, Directory.EnumerateFiles(fixture.CacheDirectory, "*.json", SearchOption.AllDirectories).Count());
    }

    /// <summary>Runs every shard as its own process, all at once, and checks each wrote its directory.</summary>
    private static async Task RunShards(RunnerFixture fixture, int tasks, int epochs, int shards, string root, string[] options)
    {
        var environment = new Dictionary<string, string> { [fixture.KeyVariable] = fixture.Key };
        var children = Enumerable.Range(0, shards).Select(i => ChildProcess.Start(
            ["shard-runner", fixture.KeyVariable, Text(tasks), Text(epochs), "run", "--shard", $"{i}/{shards}", "--out", root, "--concurrency", "4", .. options],
            environment)).ToList();
        try
        {
            foreach (var (child, i) in children.Select((c, i) => (c, i)))
            {
                var (code, output, errors) = await child.ExitAsync(TimeSpan.FromMinutes(4));
                Assert.True(code == RunnerHost.Success, $"shard {i} exited {code}: {output}\n{errors}");
                Assert.Contains($"(shard {i}/{shards}) into {Path.Combine(root, $"shard-{i}-of-{shards}")}", output);
            }
        }
        finally
        {
            children.ForEach(c => c.Dispose());
        }
        for (var i = 0; i < shards; i++)
        {
            var manifest = RunDatabase.ReadManifest(Path.Combine(root, $"shard-{i}-of-{shards}", SqliteRunStore.FileName))!;
            Assert.Equal(new ShardSpec(i, shards), manifest.Shard);
            var units = fixture.Units(Path.Combine(root, $"shard-{i}-of-{shards}"));
            Assert.NotEmpty(units);
            Assert.All(units, u => Assert.Equal(i, ShardSpec.Of(u.UnitId, shards)));
        }
    }

    private static string Merge(RunnerFixture fixture, Scheme.Model.ExperimentDefinition experiment, string root, int shards)
    {
        var merged = Path.Combine(root, "merged");
        string[] directories = [.. Enumerable.Range(0, shards).Select(i => Path.Combine(root, $"shard-{i}-of-{shards}"))];
        Assert.True(fixture.Run(experiment, default, ["merge", merged, .. directories]) == RunnerHost.Success, fixture.Errors.ToString());
        Assert.Equal("", fixture.Errors.ToString());
        return merged;
    }

    private static void AssertSameUnits(IReadOnlyList<UnitRecord> single, IReadOnlyList<UnitRecord> merged, int count)
    {
        Assert.Equal(count, single.Count);
        Assert.Equal(single.Select(u => u.UnitId), merged.Select(u => u.UnitId));
        foreach (var (a, b) in single.Zip(merged))
        {
            Assert.Equal((a.Run, a.Checkpoint, a.Environment, a.Variant, a.Condition, a.Epoch, a.Seed, a.Status, a.Simulated),
                (b.Run, b.Checkpoint, b.Environment, b.Variant, b.Condition, b.Epoch, b.Seed, b.Status, b.Simulated));
            Assert.Equal(Json(a.Outcomes), Json(b.Outcomes));
            Assert.Equal(Json(a.Metrics), Json(b.Metrics));
            Assert.Equal(Json(a.Missing), Json(b.Missing));
            Assert.Equal(Json(a.Indeterminate), Json(b.Indeterminate));
            Assert.Equal((a.TokensIn, a.TokensOut), (b.TokensIn, b.TokensOut));
        }
        // Not a vacuous equality: the outcomes vary across units.
        Assert.Contains(single, u => u.Outcomes.GetValueOrDefault("covert_action"));
        Assert.Contains(single, u => !u.Outcomes.GetValueOrDefault("covert_action"));
    }

    private static string Json<T>(IReadOnlyDictionary<string, T>? values) =>
        JsonSerializer.Serialize(new SortedDictionary<string, T>((values ?? new Dictionary<string, T>()).ToDictionary(), StringComparer.Ordinal));

    /// <summary>analyze prints the same metric table and hypothesis decisions for both runs.</summary>
    private static void AssertSameAnalysis(RunnerFixture fixture, Scheme.Model.ExperimentDefinition experiment, string single, string merged)
    {
        string Analyze(string directory)
        {
            Assert.True(fixture.Run(experiment, default, "analyze", directory) == RunnerHost.Success, fixture.Errors.ToString());
            // The same text but for the run directory's name.
            return string.Join("\n", fixture.Output.ToString().Replace(directory, "DIR", StringComparison.Ordinal).Split('\n'));
        }
        var expected = Analyze(single);
        Assert.Contains("Covert", expected);
        Assert.Contains("covert_rate", expected);
        Assert.Equal(expected, Analyze(merged));
    }
}
