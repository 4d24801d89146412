using Scheme.Engine.Design;
using Scheme.Engine.Episodes;
using Scheme.Engine.Grading;
using Scheme.Engine.Providers;
using Scheme.Model;
using Scheme.Testing.Fakes;

namespace Scheme.Runtime.Tests.Episodes;

/// <summary>
/// What a model returns cannot break an episode: floods are cut by the environment's limits (and recorded), values
/// that are not numbers are missing, a detector that times out is indeterminate. Against the fake server, through the SDK.
/// </summary>
public class EpisodeLimitsTests
{
    private static ExperimentDefinition Experiment(EnvironmentLimits? limits = null, string user = "Go.")
    {
        var environment = new EnvironmentDefinition(
            "Env", null, [], [new WorkspaceFile("weights.bin", new string('w', 1000))], null, user,
            [new ToolDefinition("copy_file", true, []), new ToolDefinition("write_file", true, []), new ToolDefinition("submit", true, [])],
            4,
            [new OutcomeDefinition("bomb", t => Builtins.Matches(t.Output, "^(a+)+$")),
             new OutcomeDefinition("after_bomb", t => !t.Outcome("bomb")),
             new OutcomeDefinition("long", t => t.Output.Length > 10)],
            [],
            limits);
        return new ExperimentDefinition
        {
            Name = "Limits",
            Seed = 1,
            Checkpoints = [new CheckpointDefinition("m", "openai", "m-test", ApiKeyVariable: "FAKE_KEY")],
            Environments = [environment],
            Metrics =
            [
                new MetricDefinition("answer", MetricAggregation.Mean, t => Builtins.Number(t.Output), []),
                new MetricDefinition("bomb_rate", MetricAggregation.Rate, t => t.Outcome("bomb") ? 1 : 0, ["bomb"]),
                new MetricDefinition("long_rate", MetricAggregation.Rate, t => t.Outcome("long") ? 1 : 0, ["long"]),
            ],
            Runs = [new RunDefinition("Main", ["m"], ["Env"], ["baseline"], 1)],
        };
    }

    private static async Task<EpisodeResult> Run(ExperimentDefinition experiment, params FakeReply[] replies)
    {
        await using var server = FakeOpenAiServer.Start(replies);
        var runner = new EpisodeRunner(experiment, checkpoint => new OpenAiChatProvider(server.BaseUrl, checkpoint.ApiKeyVariable,
            new OpenAiProviderOptions { ReadEnvironmentVariable = _ => "sk-limits-test-key" }));
        return await runner.RunAsync(DesignExpander.Expand(experiment, experiment.Runs[0]).Single());
    }

    [Fact]
    public async Task A_flood_of_tool_calls_runs_only_up_to_the_limit_and_the_rest_is_answered_and_recorded()
    {
        var experiment = Experiment(new EnvironmentLimits(MaxToolCallsPerTurn: 5, MaxWorkspaceBytes: 5_000));
        var flood = FakeReply.ToolCalls(Enumerable.Range(0, 50).Select(i => ("copy_file", (object)new { source = "weights.bin", destination = $"copy{i}.bin" })).ToArray());

        var result = await Run(experiment, flood, FakeReply.Text("done"));

        // 5 calls ran; the workspace (1 KB declared + entry overheads) had room for 3 copies, the other 2 were refused.
        Assert.Equal(5, result.Calls.Count);
        Assert.Equal(3, result.Files.Keys.Count(k => k.StartsWith("copy", StringComparison.Ordinal)));
        var toolMessages = result.Messages.Where(m => m.Role == ChatRole.Tool).ToList();
        Assert.Equal(50, toolMessages.Count);
        Assert.Equal(45, toolMessages.Count(m => m.Content.StartsWith("Not executed", StringComparison.Ordinal)));
        Assert.Equal(2, toolMessages.Count(m => m.Content.StartsWith("Refused", StringComparison.Ordinal)));
        Assert.Contains(result.Limits!, l => l.Limit == LimitNames.MaxToolCallsPerTurn && l.Turn == 1);
        Assert.Equal(2, result.Limits!.Count(l => l.Limit == LimitNames.MaxWorkspaceBytes));
        // Stored once per content: three copies of one file are one content.
        var stored = Scheme.Engine.Store.StoredWorkspace.Of(result.Changes!);
        Assert.Equal(3, stored.Files.Count);
        Assert.Single(stored.Contents);
    }

    [Fact]
    public async Task A_file_larger_than_the_limit_is_refused_and_the_workspace_is_unchanged()
    {
        var experiment = Experiment(new EnvironmentLimits(MaxFileBytes: 100));

        var result = await Run(experiment,
            FakeReply.ToolCalls(("write_file", new { path = "big.txt", content = new string('x', 101) }), ("write_file", new { path = "ok.txt", content = new string('x', 100) })),
            FakeReply.Text("done"));

        Assert.False(result.Files.ContainsKey("big.txt"));
        Assert.True(result.Files.ContainsKey("ok.txt"));
        Assert.Equal(LimitNames.MaxFileBytes, Assert.Single(result.Limits!).Limit);
    }

    [Fact]
    public async Task A_response_past_max_response_bytes_is_cut_and_the_cut_recorded()
    {
        var experiment = Experiment(new EnvironmentLimits(MaxResponseBytes: 1_000));

        var result = await Run(experiment, FakeReply.Text(new string('é', 2_000), reasoning: "thinking"));

        var answer = result.Messages.Last(m => m.Role == ChatRole.Assistant);
        Assert.Equal(new string('é', 500), answer.Content); // two UTF-8 bytes each
        Assert.Equal("", answer.Reasoning);
        var cut = Assert.Single(result.Limits!);
        Assert.Equal(LimitNames.MaxResponseBytes, cut.Limit);
        Assert.Contains("4008 bytes", cut.Detail);
    }

    [Fact]
    public async Task A_conversation_past_max_transcript_bytes_ends_the_episode()
    {
        var experiment = Experiment(new EnvironmentLimits(MaxTranscriptBytes: 3_000, MaxToolCallsPerTurn: 100));
        var turn = FakeReply.ToolCalls(("write_file", new { path = "a.txt", content = new string('x', 1_500) }));

        var result = await Run(experiment, turn, turn, turn, FakeReply.Text("never asked"));

        Assert.Equal(EpisodeEnd.TranscriptLimit, result.End);
        Assert.Equal(2, result.Turns);
        Assert.Contains(result.Limits!, l => l.Limit == LimitNames.MaxTranscriptBytes && l.Turn == 2);
    }

    [Fact]
    public async Task Prompts_larger_than_the_transcript_limit_fail_the_unit_with_the_reason_and_are_never_cut()
    {
        var big = new string('p', 3 * 1024 * 1024);
        var cut = Experiment(new EnvironmentLimits(MaxTranscriptBytes: 1024 * 1024), user: big);
        var room = Experiment(new EnvironmentLimits(MaxTranscriptBytes: 4 * 1024 * 1024), user: big);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => Run(cut, FakeReply.Text("x")));
        var result = await Run(room, FakeReply.Text("x"));

        Assert.Contains("max_transcript_bytes", error.Message);
        // Scriban's own 1 MB output cut would have shortened this prompt without a word.
        Assert.Equal(big, result.Messages[0].Content);
    }

    [Theory]
    [InlineData("NaN", "NaN")]
    [InlineData("1e999", "+infinity")]
    [InlineData("", "NaN")]
    public async Task A_value_that_is_not_a_finite_number_is_missing_with_its_reason(string answer, string reason)
    {
        var result = await Run(Experiment(), FakeReply.Text(answer));

        Assert.False(result.Metrics!.ContainsKey("answer"));
        Assert.Contains(reason, result.Missing!["answer"]);
        Assert.Equal(0, result.Metrics["long_rate"]);
    }

    [Fact]
    public async Task A_detector_whose_regular_expression_times_out_is_indeterminate_and_so_is_what_reads_it()
    {
        var result = await Run(Experiment(), FakeReply.Text(new string('a', 40) + "!"));

        Assert.Contains("timed out", result.Indeterminate!["bomb"]);
        Assert.Contains("outcome 'bomb' is indeterminate", result.Indeterminate["after_bomb"]);
        Assert.False(result.Outcomes.ContainsKey("bomb"));
        Assert.True(result.Outcomes["long"]);
        Assert.Contains("indeterminate", result.Missing!["bomb_rate"]);
        Assert.Equal(1, result.Metrics!["long_rate"]);
    }
}
