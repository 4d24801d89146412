using System.Globalization;
using System.Text.RegularExpressions;
using Scheme.Engine;
using Scheme.Engine.Grading;
using Scheme.Model;
using Scheme.Runtime.Cli;
using Scheme.Testing.Fakes;

namespace Scheme.Runtime.Tests.Engine;

/// <summary>What is checked before a run is what the run will do, and what it reports is one set of figures.</summary>
public partial class PlannedValidationTests
{
    /// <summary>Two runs: a reasoning edit paired only with the checkpoint that can prefill, as in the example suite.</summary>
    private static ExperimentDefinition TwoRuns(string key) => TestExperiments.Agentic(key) with
    {
        Checkpoints =
        [
            new CheckpointDefinition("agent", "openai", "fake-model", ApiKeyVariable: key),
            new CheckpointDefinition("open", "openai", "fake-oss", ApiKeyVariable: key, Capabilities: ["reasoning_prefill"]),
            new CheckpointDefinition("judge", "openai", "fake-judge", Temperature: 0, ApiKeyVariable: key),
        ],
        Manipulations = [new ManipulationDefinition("Strip", [], [], ReasoningEdit.RemoveSentences(t => t.Verdict("x")), "resample", ["reasoning_prefill"])],
        Runs = [new RunDefinition("Main", ["agent"], ["Oversight"], ["baseline"], 1), new RunDefinition("Counterfactual", ["open"], ["Oversight"], ["baseline", "Strip"], 1)],
    };

    [Fact]
    public async Task A_condition_is_checked_only_against_the_checkpoints_it_runs_with()
    {
        using var fixture = new RunnerFixture();
        var experiment = TwoRuns(fixture.KeyVariable);
        await using var registry = new ProviderRegistry(experiment, new EngineSettings(NoCache: true), new CostMeter(new PriceTable()), new RunCounters());

        var planned = registry.Validate([("agent", "baseline"), ("open", "baseline"), ("open", "Strip")]);
        var mispaired = registry.Validate([("agent", "Strip")]);

        Assert.Empty(planned);
        Assert.Contains(mispaired, e => e.Contains("checkpoint 'agent' does not declare it", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_harmony_checkpoint_meets_reasoning_prefill_with_raw_completions_and_an_unknown_format_is_refused()
    {
        using var fixture = new RunnerFixture();
        var key = fixture.KeyVariable;
        var experiment = TwoRuns(key) with
        {
            Checkpoints =
            [
                new CheckpointDefinition("agent", "openai", "fake-model", ApiKeyVariable: key, Capabilities: ["reasoning_prefill"], ReasoningFormat: "harmony"),
                new CheckpointDefinition("open", "openai", "fake-oss", ApiKeyVariable: key, Capabilities: ["raw_completions"], ReasoningFormat: "harmony"),
                new CheckpointDefinition("judge", "openai", "fake-judge", Temperature: 0, ApiKeyVariable: key, ReasoningFormat: "harmonica"),
            ],
        };
        await using var registry = new ProviderRegistry(experiment, new EngineSettings(NoCache: true), new CostMeter(new PriceTable()), new RunCounters());

        var errors = registry.Validate([("open", "Strip"), ("agent", "Strip")]);

        // reasoning_prefill alone does not let a harmony checkpoint prefill: raw_completions does.
        Assert.Contains(errors, e => e.Contains("needs capability raw_completions; checkpoint 'agent' (reasoning_format harmony)", StringComparison.Ordinal));
        Assert.DoesNotContain(errors, e => e.Contains("checkpoint 'open'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("Checkpoint 'judge' has reasoning_format 'harmonica'; known: think, harmony.", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Progress_and_summary_report_the_same_money_spent_even_when_the_cache_answers()
    {
        using var fixture = new RunnerFixture();
        var agent = new ScriptedAgent();
        await using var server = FakeOpenAiServer.Start();
        server.Handler = agent.Reply;
        // Priced models, so that spending is not zero.
        var experiment = TestExperiments.Agentic(fixture.KeyVariable, tasks: 4, agentModel: "gpt-4.1", judgeModel: "gpt-4.1-mini");
        string[] Args(string directory) => ["run", "--endpoint", server.BaseUrl, "--out", directory, "--cache", fixture.CacheDirectory];

        Assert.Equal(RunnerHost.Success, fixture.Run(experiment, default, Args(fixture.RunDirectory)));
        var paid = (Progress(fixture.Output.ToString()), Summary(fixture.Output.ToString()));
        Assert.Equal(RunnerHost.Success, fixture.Run(experiment, default, Args(Path.Combine(fixture.Root, "again"))));
        var cached = (Progress(fixture.Output.ToString()), Summary(fixture.Output.ToString()));

        Assert.True(paid.Item1 > 0);
        Assert.Equal(paid.Item1, paid.Item2);
        // Every request of the second run is a cache hit: nothing is spent, and both figures say so.
        Assert.Equal((0.0, 0.0), cached);
    }

    private static double Progress(string output) => double.Parse(ProgressSpent().Matches(output)[^1].Groups[1].Value, CultureInfo.InvariantCulture);

    private static double Summary(string output) => double.Parse(SummarySpent().Match(output).Groups[1].Value, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"spent \$([0-9.]+)")]
    private static partial Regex ProgressSpent();

    [GeneratedRegex(@"\$([0-9.]+) spent by this process")]
    private static partial Regex SummarySpent();
}
