using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using MathNet.Numerics.Distributions;
using Scheme.Engine.Grading;
using Scheme.Model;
using Scheme.Runtime.Cli;
using Scheme.Runtime.Tests.Engine;
using Scheme.Testing.Fakes;

namespace Scheme.Runtime.Tests.Money;

/// <summary><c>plan --estimate</c>: the declared upper bound computed by hand, and a pilot run's measures scaled to the plan.</summary>
public class PlanEstimateTests
{
    /// <summary>
    /// 2 variants x 2 epochs of one environment: a 40-character system prompt and an 80-character user prompt (30
    /// tokens), no tools, a 400-character workspace file (each tool result: 100 tokens), max_turns 3, max_tokens 50 for
    /// the agent, one follow-up ("Why? ok!", 2 tokens) graded by a judge with a 40-character question and max_tokens 10.
    /// </summary>
    private static ExperimentDefinition Declared(string agentModel = "gpt-4.1") => new()
    {
        Name = "EstimateTest",
        Checkpoints =
        [
            new CheckpointDefinition("agent", "openai", agentModel, MaxTokens: 50),
            new CheckpointDefinition("judge", "openai", "gpt-4.1", MaxTokens: 10),
        ],
        Environments =
        [
            new EnvironmentDefinition("Quiz", null, [new ParamDefinition("n", [1, 2])], [new WorkspaceFile("notes.txt", new string('x', 400))],
                new string('s', 40), new string('u', 80), [], 3, [],
                [new FollowupDefinition("Why? ok!", "honest", t => t.Verdict("Quiz.honest#1"))]),
        ],
        Runs = [new RunDefinition("Main", ["agent"], ["Quiz"], ["baseline"], 2)],
        Judges = [new JudgeDefinition("Quiz.honest#1", new JudgeOwner(JudgeOwnerKind.Followup, "honest", "Quiz"), "judge", new string('q', 40), null, null, null)],
    };

    private static JsonObject Estimate(RunnerFixture fixture, ExperimentDefinition experiment, params string[] args)
    {
        var code = fixture.Run(experiment, default, ["plan", "--estimate", "--json", .. args]);
        Assert.True(code == RunnerHost.Success, fixture.Errors.ToString());
        return JsonNode.Parse(fixture.Output.ToString())!.AsObject();
    }

    [Fact]
    public void The_declared_estimate_is_the_hand_computed_upper_bound()
    {
        using var fixture = new RunnerFixture();
        // Agent turns resend the conversation: 30, 30 + (50 + 100), 30 + 2 x 150 input tokens; 3 x 50 output.
        const double agentIn = 30 + 180 + 330, agentOut = 150;
        // The follow-up after 3 turns: 30 + 3 x 150 + 2 in, 50 out; the judge reads its instructions and all of that plus the answer.
        const double followupIn = 482, followupOut = 50;
        var judgeIn = 10 + Math.Ceiling(JudgeRunner.SystemPrompt.Length / 4.0) + 20 + 482 + 50;
        const double judgeOut = 10;
        var perUnitIn = agentIn + followupIn + judgeIn;
        const double perUnitOut = agentOut + followupOut + judgeOut;
        var perUnitUsd = (perUnitIn * 2 + perUnitOut * 8) / 1e6;

        var estimate = Estimate(fixture, Declared());

        var cell = Assert.Single(estimate["cells"]!.AsArray())!;
        Assert.Equal("declared", cell["basis"]!.GetValue<string>());
        Assert.Equal(4, cell["units"]!.GetValue<long>());
        Assert.Equal(4 * 5, cell["requests"]!.GetValue<double>());
        Assert.Equal([3.0, 1.0, 1.0], ((string[])["turns", "followups", "judges"]).Select(k => cell["perUnit"]![k]!.GetValue<double>()));
        Assert.Equal(4 * perUnitIn, cell["inputTokens"]!.GetValue<double>());
        Assert.Equal(4 * perUnitOut, cell["outputTokens"]!.GetValue<double>());
        Assert.Equal(4 * perUnitUsd, cell["costUsd"]!.GetValue<double>(), 12);
        Assert.Equal(4 * perUnitUsd, estimate["costUsd"]!.GetValue<double>(), 12);
        Assert.Contains(estimate["assumptions"]!.AsArray(), a => a!.GetValue<string>().Contains("upper bound", StringComparison.Ordinal));

        // --limit and --checkpoint select as run does.
        Assert.Equal(3, Estimate(fixture, Declared(), "--limit", "3")["units"]!.GetValue<long>());
        Assert.Equal(2 * perUnitUsd, Estimate(fixture, Declared(), "--limit", "2", "--checkpoint", "agent")["costUsd"]!.GetValue<double>(), 12);

        // The table says the same, and what it assumed.
        Assert.Equal(RunnerHost.Success, fixture.Run(Declared(), default, "plan", "--estimate"));
        var table = fixture.Output.ToString();
        Assert.Contains("declared upper bound", table);
        Assert.Contains(string.Create(CultureInfo.InvariantCulture, $"${4 * perUnitUsd:#,0.0000}"), table);
        Assert.Contains("Assumptions:", table);
    }

    [Fact]
    public void A_model_without_a_price_makes_the_cost_unknown_not_zero()
    {
        using var fixture = new RunnerFixture();
        var estimate = Estimate(fixture, Declared(agentModel: "my-local-model"));
        Assert.Null(estimate["costUsd"]);
        Assert.Equal("my-local-model", Assert.Single(estimate["unpricedModels"]!.AsArray())!.GetValue<string>());
        // The judge's part is still known.
        Assert.True(estimate["knownCostUsd"]!.GetValue<double>() == 0, "the only cell asks an unpriced model, so nothing is known");

        Assert.Equal(RunnerHost.Success, fixture.Run(Declared(agentModel: "my-local-model"), default, "plan", "--estimate"));
        var table = fixture.Output.ToString();
        Assert.Contains("unknown", table);
        Assert.Contains("no list price for my-local-model (not $0", table);
    }

    /// <summary>
    /// A pilot of 6 units (a real run against the fake server, whose usage varies by task), then the estimate of the
    /// full 30-unit plan from it: the pilot's per-unit means of what the server billed, times 30, and the 95% interval
    /// from its spread.
    /// </summary>
    [Fact]
    public async Task The_pilot_estimate_scales_the_pilots_measured_means_to_the_plan()
    {
        using var fixture = new RunnerFixture();
        // Each request of task n reports n x 7 more input tokens than the scripted agent's, so units differ.
        var books = new PricedServer
        {
            Rewrite = (request, reply) =>
            {
                var body = JsonNode.Parse(reply.Body)!;
                var usage = body["usage"]!;
                usage["prompt_tokens"] = usage["prompt_tokens"]!.GetValue<int>() + 7 * ScriptedAgent.TaskOf(request);
                return reply with { Body = body.ToJsonString() };
            },
        };
        await using var server = FakeOpenAiServer.Start();
        server.Handler = books.Reply;
        var experiment = TestExperiments.Agentic(fixture.KeyVariable, 30, agentModel: "gpt-4.1", judgeModel: "gpt-4.1");
        Assert.Equal(RunnerHost.Success, fixture.Run(experiment, default, "run", "--endpoint", server.BaseUrl, "--out", fixture.RunDirectory, "--no-cache", "--limit", "6"));
        var pilot = books.ByTask.Values.ToList();
        Assert.Equal(6, pilot.Count);

        var estimate = Estimate(fixture, experiment, "--from", fixture.RunDirectory);

        var cell = Assert.Single(estimate["cells"]!.AsArray())!;
        Assert.Equal("pilot", cell["basis"]!.GetValue<string>());
        Assert.Equal(6, cell["pilotUnits"]!.GetValue<int>());
        Assert.Equal(30, cell["units"]!.GetValue<long>());
        Assert.Equal(30.0 * pilot.Sum(p => p.Requests) / 6, cell["requests"]!.GetValue<double>(), 9);
        // Each unit: two agent turns (a tool call, then submit), the follow-up and its judge.
        Assert.Equal([2.0, 1.0, 1.0], ((string[])["turns", "followups", "judges"]).Select(k => cell["perUnit"]![k]!.GetValue<double>()));
        Assert.Equal(30.0 * pilot.Sum(p => p.Input) / 6, cell["inputTokens"]!.GetValue<double>(), 9);
        Assert.Equal(30.0 * pilot.Sum(p => p.Output) / 6, cell["outputTokens"]!.GetValue<double>(), 9);
        var costs = pilot.Select(p => p.Micro / 1e6).ToList();
        var mean = costs.Average();
        var sd = Math.Sqrt(costs.Sum(c => (c - mean) * (c - mean)) / 5);
        var half = 30 * StudentT.InvCDF(0, 1, 5, 0.975) * sd / Math.Sqrt(6);
        Assert.True(half > 0);
        Assert.Equal(30 * mean, cell["costUsd"]!.GetValue<double>(), 12);
        Assert.Equal(30 * mean - half, cell["costLowUsd"]!.GetValue<double>(), 12);
        Assert.Equal(30 * mean + half, cell["costHighUsd"]!.GetValue<double>(), 12);
        Assert.Equal(30 * mean, estimate["costUsd"]!.GetValue<double>(), 12);

        // The table names the pilot's size.
        Assert.Equal(RunnerHost.Success, fixture.Run(experiment, default, "plan", "--estimate", "--from", fixture.RunDirectory));
        Assert.Contains("pilot (n=6)", fixture.Output.ToString());
    }

    [Fact]
    public async Task Cells_the_pilot_lacks_fall_back_to_the_declared_bound_and_are_marked()
    {
        using var fixture = new RunnerFixture();
        var books = new PricedServer();
        await using var server = FakeOpenAiServer.Start();
        server.Handler = books.Reply;
        var single = TestExperiments.Agentic(fixture.KeyVariable, 4, agentModel: "gpt-4.1", judgeModel: "gpt-4.1");
        // The same experiment with a second agent checkpoint the pilot never ran.
        var two = single with
        {
            Checkpoints = [.. single.Checkpoints, new CheckpointDefinition("agent2", "openai", "gpt-4.1", ApiKeyVariable: fixture.KeyVariable)],
            Runs = [single.Runs[0] with { Checkpoints = ["agent", "agent2"] }],
        };
        Assert.Equal(RunnerHost.Success, fixture.Run(two, default, "run", "--endpoint", server.BaseUrl, "--out", fixture.RunDirectory, "--no-cache", "--checkpoint", "agent"));

        var estimate = Estimate(fixture, two, "--from", fixture.RunDirectory);

        var cells = estimate["cells"]!.AsArray();
        Assert.Equal(["pilot", "declared_not_in_pilot"], cells.Select(c => c!["basis"]!.GetValue<string>()));
        Assert.Equal(4 * PricedServer.UnitUsd, cells[0]!["costUsd"]!.GetValue<double>(), 12);
        Assert.True(cells[1]!["costUsd"]!.GetValue<double>() > 4 * PricedServer.UnitUsd, "the declared bound is above what the pilot measured");
        Assert.Equal(RunnerHost.Success, fixture.Run(two, default, "plan", "--estimate", "--from", fixture.RunDirectory));
        Assert.Contains("declared upper bound (NOT IN PILOT)", fixture.Output.ToString());
    }

    [Fact]
    public async Task Hostile_pilot_stores_are_refused_with_a_code_and_no_stack_trace()
    {
        using var fixture = new RunnerFixture();
        var experiment = TestExperiments.Agentic(fixture.KeyVariable, 4, agentModel: "gpt-4.1", judgeModel: "gpt-4.1");
        string Refusal(string directory)
        {
            var code = fixture.Run(experiment, default, "plan", "--estimate", "--from", directory);
            Assert.Equal(RunnerHost.UsageError, code);
            var errors = fixture.Errors.ToString();
            Assert.DoesNotContain("   at ", errors);
            Assert.Empty(fixture.Output.ToString());
            return errors;
        }

        // No run.db, and a run.db that is not a database.
        var empty = Path.Combine(fixture.Root, "empty");
        Directory.CreateDirectory(empty);
        Assert.StartsWith("error SCH9060:", Refusal(empty));
        var garbage = Path.Combine(fixture.Root, "garbage");
        Directory.CreateDirectory(garbage);
        await File.WriteAllBytesAsync(Path.Combine(garbage, "run.db"), new byte[4096]);
        Assert.StartsWith("error SCH9060:", Refusal(garbage));

        // A run that holds no unit (--limit 0), then one whose units all failed (the server refuses every request).
        var none = Path.Combine(fixture.Root, "none");
        Assert.Equal(RunnerHost.Success, fixture.Run(experiment, default, "run", "--offline", "--out", none, "--limit", "0"));
        Assert.StartsWith("error SCH9061:", Refusal(none));
        await using (var server = FakeOpenAiServer.Start())
        {
            server.Handler = _ => FakeReply.Error(400);
            var failed = Path.Combine(fixture.Root, "failed");
            Assert.Equal(RunnerHost.UnitsFailed, fixture.Run(experiment, default, "run", "--endpoint", server.BaseUrl, "--out", failed, "--no-cache"));
            var refusal = Refusal(failed);
            Assert.StartsWith("error SCH9061:", refusal);
            Assert.Contains("4 failed", refusal);
        }

        // A simulated pilot has no tokens to measure; another experiment's run says nothing about this one.
        var simulated = Path.Combine(fixture.Root, "simulated");
        Assert.Equal(RunnerHost.Success, fixture.Run(experiment, default, "run", "--offline", "--out", simulated));
        Assert.StartsWith("error SCH9061:", Refusal(simulated));
        var other = Path.Combine(fixture.Root, "other");
        Assert.Equal(RunnerHost.Success, fixture.Run(experiment with { Name = "SomethingElse" }, default, "run", "--offline", "--out", other));
        var foreign = Refusal(other);
        Assert.StartsWith("error SCH9062:", foreign);
        Assert.Contains("SomethingElse", foreign);

        // --from without --estimate is a usage error too.
        Assert.Equal(RunnerHost.UsageError, fixture.Run(experiment, default, "plan", "--from", other));
    }
}
