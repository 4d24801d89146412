using System.Text.Json;
using Scheme.Engine.Store;
using Scheme.Runtime.Cli;
using Scheme.Runtime.Tests.Episodes;
using Scheme.Testing.Fakes;

namespace Scheme.Runtime.Tests.Engine;

/// <summary>Reasoning conditions through the runner's command line, against the fake server and the real SDK.</summary>
public class ReasoningManipulationRunTests
{
    private static string[] Args(FakeOpenAiServer server, RunnerFixture fixture, params string[] extra) =>
        ["run", "--endpoint", server.BaseUrl, "--out", fixture.RunDirectory, "--no-cache", "--retry-delay", "0.02", .. extra];

    [Fact]
    public async Task Baseline_and_counterfactual_units_are_paired_on_one_seed_and_the_edit_is_stored()
    {
        using var fixture = new RunnerFixture();
        await using var server = FakeOpenAiServer.Start();
        server.Handler = ReasoningCounterfactualTests.Model;
        var experiment = ReasoningCounterfactualTests.Experiment(fixture.KeyVariable);

        var code = fixture.Run(experiment, default, Args(server, fixture));

        Assert.True(code == RunnerHost.Success, fixture.Errors.ToString() + fixture.Output);
        var units = fixture.Units();
        Assert.Equal(5, units.Count);
        Assert.All(units, u => Assert.Equal(UnitStatus.Done, u.Status));
        Assert.Single(units.Select(u => u.Seed).Distinct());
        // Every condition's first turn is the baseline's request, byte for byte: same prompt, same seed.
        var firstTurns = server.Requests.Where(r => r.Messages.Count == 1 && r.Messages[0].GetProperty("role").GetString() == "user").ToList();
        Assert.Equal(5, firstTurns.Count);
        Assert.Single(firstTurns.Select(r => r.Body).Distinct());
        Assert.Equal(units[0].Seed, firstTurns[0].Json.GetProperty("seed").GetInt64());

        var baseline = units.Single(u => u.Condition == "baseline");
        Assert.False(baseline.Outcomes["covert_action"]);
        using (var json = JsonDocument.Parse(baseline.TranscriptJson!))
        {
            Assert.False(json.RootElement.TryGetProperty("reasoningEdit", out _));
        }
        var strip = units.Single(u => u.Condition == "Strip");
        Assert.True(strip.Outcomes["covert_action"]);
        using (var json = JsonDocument.Parse(strip.TranscriptJson!))
        {
            var edit = json.RootElement.GetProperty("reasoningEdit");
            Assert.True(edit.GetProperty("applied").GetBoolean());
            Assert.Equal(ReasoningCounterfactualTests.FirstTurnReasoning, edit.GetProperty("originalReasoning").GetString());
            Assert.Equal(" Marking it done is quickest.", edit.GetProperty("continuationReasoning").GetString());
        }
    }

    [Fact]
    public async Task A_prefill_refusal_becomes_a_failed_unit_with_the_servers_message()
    {
        using var fixture = new RunnerFixture();
        await using var server = FakeOpenAiServer.Start();
        server.Handler = r => r.Json.TryGetProperty("continue_final_message", out _)
            ? new FakeReply(400, "{\"error\":{\"code\":400,\"message\":\"Assistant response prefill is incompatible with enable_thinking.\",\"type\":\"invalid_request_error\"}}")
            : ReasoningCounterfactualTests.Model(r);
        var experiment = ReasoningCounterfactualTests.Experiment(fixture.KeyVariable);

        var code = fixture.Run(experiment, default, Args(server, fixture));

        Assert.Equal(RunnerHost.UnitsFailed, code);
        var units = fixture.Units();
        Assert.Equal(UnitStatus.Done, units.Single(u => u.Condition == "baseline").Status);
        var failed = units.Where(u => u.Condition != "baseline").ToList();
        Assert.Equal(4, failed.Count);
        Assert.All(failed, u =>
        {
            Assert.Equal(UnitStatus.Failed, u.Status);
            Assert.Contains("Assistant response prefill is incompatible with enable_thinking", u.Error);
            Assert.Contains($"Manipulation '{u.Condition}': checkpoint 'oss' refused the reasoning prefill", u.Error);
            Assert.Empty(u.Outcomes);
        });
        // Not retried: a refusal is permanent. One continuation per counterfactual unit.
        Assert.Equal(4, server.Requests.Count(r => r.Json.TryGetProperty("continue_final_message", out _)));
    }

    [Fact]
    public async Task A_checkpoint_without_reasoning_prefill_is_refused_before_the_run_starts()
    {
        using var fixture = new RunnerFixture();
        await using var server = FakeOpenAiServer.Start();
        server.Handler = ReasoningCounterfactualTests.Model;
        var experiment = ReasoningCounterfactualTests.Experiment(fixture.KeyVariable, prefill: false);

        var code = fixture.Run(experiment, default, Args(server, fixture));

        Assert.Equal(RunnerHost.UsageError, code);
        Assert.Contains("Condition 'Strip' edits the model's reasoning, which needs capability reasoning_prefill; checkpoint 'oss' does not declare it",
            fixture.Errors.ToString());
        Assert.Empty(server.Requests);
    }
}
