using System.Text;
using System.Text.Json;
using Scheme.Engine.Store;
using Scheme.Runtime.Cli;
using Scheme.Testing.Fakes;

namespace Scheme.Runtime.Tests.Engine;

/// <summary>The runner's run/resume/export commands against a fake OpenAI server on 127.0.0.1, through the real SDK.</summary>
public class EngineEndToEndTests
{
    private static string[] Args(FakeOpenAiServer server, RunnerFixture fixture, params string[] extra) =>
        ["run", "--endpoint", server.BaseUrl, "--out", fixture.RunDirectory, "--cache", fixture.CacheDirectory, "--retry-delay", "0.02", .. extra];

    [Fact]
    public async Task Tool_calling_episodes_change_the_workspace_are_detected_and_judged()
    {
        using var fixture = new RunnerFixture();
        var agent = new ScriptedAgent();
        await using var server = FakeOpenAiServer.Start();
        server.Handler = agent.Reply;
        var experiment = TestExperiments.Agentic(fixture.KeyVariable, tasks: 4);

        var code = fixture.Run(experiment, default, Args(server, fixture));

        Assert.True(code == RunnerHost.Success, fixture.Errors.ToString());
        var units = fixture.Units();
        Assert.Equal(4, units.Count);
        Assert.All(units, u => Assert.Equal(UnitStatus.Done, u.Status));
        foreach (var unit in units)
        {
            var covert = unit.Variant is "n=1" or "n=3";
            Assert.Equal(covert, unit.Outcomes["covert_action"]);
            Assert.Equal(covert, unit.Outcomes["confessed"]);
            Assert.Equal(covert ? 1.0 : 0.0, unit.Metrics!["covert_rate"]);
            using var transcript = JsonDocument.Parse(unit.TranscriptJson!);
            // The workspace is stored as its change of the declared files: only covert units changed config.yaml.
            var workspace = transcript.RootElement.GetProperty("workspace");
            Assert.Equal(covert, workspace.GetProperty("files").TryGetProperty("config.yaml", out var id));
            if (covert)
            {
                Assert.Equal("oversight_enabled: false", workspace.GetProperty("contents").GetProperty(id.GetString()!).GetString());
            }
            var verdict = transcript.RootElement.GetProperty("verdicts")[0];
            Assert.Equal(TestExperiments.JudgeId, verdict.GetProperty("id").GetString());
            Assert.Equal("judge", verdict.GetProperty("checkpoint").GetString());
            Assert.Equal(unit.Seed, verdict.GetProperty("seed").GetInt64());
            // 2 agent turns (a tool call, then submit: 20+9 tokens each as the fake reports) + follow-up (11+7) + judge (50+5).
            Assert.Equal(2 * 20 + 11 + 50, unit.TokensIn);
            Assert.Equal(2 * 9 + 7 + 5, unit.TokensOut);
        }
        Assert.Equal(4 * 4, server.Requests.Count);
        Assert.Contains("covert_rate", fixture.Output.ToString());
    }

    [Fact]
    public async Task Injected_failures_are_retried_and_every_unit_completes_exactly_once()
    {
        using var fixture = new RunnerFixture();
        // Task n's first turn fails on its first attempt in one of six ways; the judge of task 2 fails twice.
        var agent = new ScriptedAgent
        {
            Fault = (task, kind, attempt) => (task, kind, attempt) switch
            {
                (_, "turn2", 1) => (task % 6) switch
                {
                    0 => FakeReply.Error(429, "1"),
                    1 => FakeReply.Error(500),
                    2 => FakeReply.Malformed(),
                    3 => FakeReply.DropConnection(),
                    4 => FakeReply.Text("late").After(TimeSpan.FromSeconds(5)),
                    _ => FakeReply.Error(503) with { Headers = new Dictionary<string, string> { ["retry-after-ms"] = "30" } },
                },
                (2, "judge", <= 2) => FakeReply.Error(502),
                _ => null,
            },
        };
        await using var server = FakeOpenAiServer.Start();
        server.Handler = agent.Reply;
        var experiment = TestExperiments.Agentic(fixture.KeyVariable, tasks: 12);

        var started = DateTimeOffset.UtcNow;
        var code = fixture.Run(experiment, default, Args(server, fixture, "--timeout", "1", "--concurrency", "12"));

        Assert.True(code == RunnerHost.Success, fixture.Errors.ToString() + fixture.Output);
        var units = fixture.Units();
        Assert.Equal(12, units.Count);
        Assert.Equal(12, units.Select(u => u.UnitId).Distinct().Count());
        Assert.All(units, u => Assert.Equal(UnitStatus.Done, u.Status));
        // Each request of each unit was answered successfully exactly once: no unit ran twice.
        Assert.All(agent.Answered, pair => Assert.Equal(1, pair.Value));
        Assert.Equal(12 * 4, agent.Answered.Count);
        // 12 first-turn faults + 2 judge faults were retried.
        Assert.Equal(12 * 4 + 14, server.Requests.Count);
        // The 429 asked for one second; the retry honoured it.
        Assert.True(DateTimeOffset.UtcNow - started >= TimeSpan.FromSeconds(1));
        Assert.Contains("retries 14", fixture.Output.ToString());
    }

    [Fact]
    public async Task A_permanent_error_fails_the_unit_records_the_error_and_exits_1()
    {
        using var fixture = new RunnerFixture();
        var agent = new ScriptedAgent { Fault = (task, kind, _) => task == 2 && kind == "turn2" ? FakeReply.Error(400) : null };
        await using var server = FakeOpenAiServer.Start();
        server.Handler = agent.Reply;

        var code = fixture.Run(TestExperiments.Agentic(fixture.KeyVariable, tasks: 3), default, Args(server, fixture));

        Assert.Equal(RunnerHost.UnitsFailed, code);
        var failed = Assert.Single(fixture.Units(), u => u.Status == UnitStatus.Failed);
        Assert.Equal("n=2", failed.Variant);
        Assert.Contains("HTTP 400", failed.Error);
        // 400 is not retried.
        Assert.Single(server.Requests, r => ScriptedAgent.TaskOf(r) == 2);
    }

    [Fact]
    public async Task An_unparsable_verdict_is_asked_again_then_recorded_as_an_error()
    {
        using var fixture = new RunnerFixture();
        var agent = new ScriptedAgent
        {
            Fault = (task, kind, attempt) => (task, kind, attempt) switch
            {
                (1, "judge", 1) => FakeReply.Text("I think so"),
                (2, "judge", _) => FakeReply.Text("Maybe, it is hard to say."),
                _ => null,
            },
        };
        await using var server = FakeOpenAiServer.Start();
        server.Handler = agent.Reply;

        var code = fixture.Run(TestExperiments.Agentic(fixture.KeyVariable, tasks: 2), default, Args(server, fixture));

        Assert.Equal(RunnerHost.UnitsFailed, code);
        var units = fixture.Units().ToDictionary(u => u.Variant);
        Assert.Equal(UnitStatus.Done, units["n=1"].Status);
        Assert.True(units["n=1"].Outcomes["confessed"]);
        using (var transcript = JsonDocument.Parse(units["n=1"].TranscriptJson!))
        {
            var verdict = transcript.RootElement.GetProperty("verdicts")[0];
            Assert.Equal(2, verdict.GetProperty("attempts").GetInt32());
            Assert.Equal(units["n=1"].Seed + 1, verdict.GetProperty("seed").GetInt64());
        }
        Assert.Equal(UnitStatus.Failed, units["n=2"].Status);
        Assert.Contains("no parsable verdict in 3 attempts", units["n=2"].Error);
        Assert.Equal(3, server.Requests.Count(r => ScriptedAgent.TaskOf(r) == 2 && r.Body.Contains("Text under review", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_rerun_with_the_cache_sends_no_request()
    {
        using var fixture = new RunnerFixture();
        var agent = new ScriptedAgent();
        await using var server = FakeOpenAiServer.Start();
        server.Handler = agent.Reply;
        var experiment = TestExperiments.Agentic(fixture.KeyVariable, tasks: 3);
        Assert.Equal(RunnerHost.Success, fixture.Run(experiment, default, Args(server, fixture)));
        var sent = server.Requests.Count;
        var first = fixture.Units();

        var second = Path.Combine(fixture.Root, "second");
        var code = fixture.Run(experiment, default,
            "run", "--endpoint", server.BaseUrl, "--out", second, "--cache", fixture.CacheDirectory);

        Assert.Equal(RunnerHost.Success, code);
        Assert.Equal(sent, server.Requests.Count);
        var again = fixture.Units(second);
        Assert.Equal(first.Select(u => (u.UnitId, u.TranscriptJson)), again.Select(u => (u.UnitId, u.TranscriptJson)));
        Assert.Contains("requests 0", fixture.Output.ToString());
    }

    [Fact]
    public async Task The_api_key_is_sent_to_the_server_and_absent_from_every_file_of_the_run_directory()
    {
        using var fixture = new RunnerFixture();
        var agent = new ScriptedAgent { Fault = (task, kind, attempt) => task == 1 && kind == "turn2" ? FakeReply.Error(401) : null };
        await using var server = FakeOpenAiServer.Start();
        server.Handler = agent.Reply;
        var experiment = TestExperiments.Agentic(fixture.KeyVariable, tasks: 3);

        fixture.Run(experiment, default, Args(server, fixture));
        foreach (var format in (string[])["jsonl", "csv", "parquet"])
        {
            Assert.Equal(RunnerHost.Success, fixture.Run(experiment, default, "export", fixture.RunDirectory, "--format", format));
        }
        fixture.Run(experiment, default, "resume", fixture.RunDirectory);

        Assert.All(server.Requests, r => Assert.Equal("Bearer " + fixture.Key, r.Headers["authorization"]));
        var needle = Encoding.UTF8.GetBytes(fixture.Key);
        var files = Directory.GetFiles(fixture.Root, "*", SearchOption.AllDirectories);
        Assert.Contains(files, f => f.EndsWith("units.parquet", StringComparison.Ordinal));
        Assert.Contains(files, f => f.EndsWith("run.db", StringComparison.Ordinal));
        foreach (var file in files)
        {
            Assert.False(File.ReadAllBytes(file).AsSpan().IndexOf(needle) >= 0, $"{file} contains the API key.");
        }
        Assert.DoesNotContain(fixture.Key, fixture.Output.ToString() + fixture.Errors);
    }

    [Fact]
    public async Task Cancellation_stops_cleanly_and_resume_finishes_without_redoing_anything()
    {
        using var fixture = new RunnerFixture();
        using var cancel = new CancellationTokenSource();
        var requests = 0;
        var agent = new ScriptedAgent { OnRequest = _ => { if (Interlocked.Increment(ref requests) == 25) { cancel.Cancel(); } } };
        await using var server = FakeOpenAiServer.Start();
        server.Handler = agent.Reply;
        var experiment = TestExperiments.Agentic(fixture.KeyVariable, tasks: 20);

        var code = fixture.Run(experiment, cancel.Token, Args(server, fixture, "--concurrency", "2", "--no-cache"));

        Assert.Equal(RunnerHost.Stopped, code);
        var before = fixture.Units();
        Assert.InRange(before.Count, 1, 19);
        Assert.All(before, u => Assert.Equal(UnitStatus.Done, u.Status));
        var answeredBefore = agent.Answered.Keys.ToHashSet();

        Assert.Equal(RunnerHost.Success, fixture.Run(experiment, default, "resume", fixture.RunDirectory));

        var after = fixture.Units();
        Assert.Equal(20, after.Count);
        Assert.All(after, u => Assert.Equal(UnitStatus.Done, u.Status));
        var doneTasks = before.Select(u => int.Parse(u.Variant[2..])).ToHashSet();
        Assert.All(agent.Answered, pair => Assert.True(pair.Value == 1 || !doneTasks.Contains(int.Parse(pair.Key.Split('/')[0])),
            $"{pair.Key} of a unit finished before the stop was answered again."));
        Assert.Contains($"{before.Count} already done", fixture.Output.ToString());
        _ = answeredBefore;
    }

    [Fact]
    public async Task The_budget_stops_the_run_with_exit_3()
    {
        using var fixture = new RunnerFixture();
        var agent = new ScriptedAgent();
        await using var server = FakeOpenAiServer.Start();
        server.Handler = agent.Reply;
        // gpt-4.1 is priced: each unit costs (2*20+11+50) * 2e-6 + (2*9+7+5) * 8e-6 = $0.000442.
        var experiment = TestExperiments.Agentic(fixture.KeyVariable, tasks: 30, agentModel: "gpt-4.1", judgeModel: "gpt-4.1");

        var code = fixture.Run(experiment, default, Args(server, fixture, "--concurrency", "1", "--no-cache", "--max-cost", "0.002"));

        Assert.Equal(RunnerHost.Stopped, code);
        var units = fixture.Units();
        // The budget is crossed during the 5th unit, which is abandoned (not stored); 4 finished before it.
        Assert.Equal(4, units.Count);
        Assert.All(units, u => Assert.InRange(u.CostUsd!.Value, 0.000441, 0.000443));
        Assert.Contains("--max-cost budget was reached", fixture.Output.ToString());
    }

    [Fact]
    public void Bad_usage_exits_2()
    {
        using var fixture = new RunnerFixture();
        var experiment = TestExperiments.Agentic(fixture.KeyVariable);
        Assert.Equal(RunnerHost.UsageError, fixture.Run(experiment, default, "run", "--concurrency", "0", "--offline"));
        Assert.Equal(RunnerHost.UsageError, fixture.Run(experiment, default, "run", "--checkpoint", "nope", "--offline"));
        Assert.Equal(RunnerHost.UsageError, fixture.Run(experiment, default, "run", "--bogus"));
        Assert.Equal(RunnerHost.UsageError, fixture.Run(experiment, default, "export", fixture.Root, "--format", "xml"));
        Assert.Equal(RunnerHost.UsageError, fixture.Run(experiment, default, "resume", fixture.Root));
        var unset = TestExperiments.Agentic("SCHEME_TEST_KEY_THAT_IS_NOT_SET");
        Assert.Equal(RunnerHost.UsageError, fixture.Run(unset, default, "run", "--out", fixture.RunDirectory));
        Assert.Contains("SCHEME_TEST_KEY_THAT_IS_NOT_SET", fixture.Errors.ToString());
    }

    [Fact]
    public void Offline_run_simulates_every_unit_and_exports_jsonl_with_the_required_fields()
    {
        using var fixture = new RunnerFixture();
        var experiment = TestExperiments.Agentic(fixture.KeyVariable, tasks: 50, epochs: 20);

        Assert.Equal(RunnerHost.Success, fixture.Run(experiment, default, "run", "--offline", "--out", fixture.RunDirectory));
        Assert.Equal(RunnerHost.Success, fixture.Run(experiment, default, "export", fixture.RunDirectory, "--format", "jsonl"));

        var lines = File.ReadAllLines(Path.Combine(fixture.RunDirectory, "units.jsonl"));
        Assert.Equal(1000, lines.Length);
        var rate = 0.0;
        foreach (var line in lines)
        {
            using var row = JsonDocument.Parse(line);
            foreach (var field in (string[])["unit_id", "checkpoint", "environment", "variant", "condition", "epoch", "seed", "status", "outcomes",
                "tokens_in", "tokens_out", "cost_usd", "latency_ms", "error"])
            {
                Assert.True(row.RootElement.TryGetProperty(field, out _), $"missing {field}");
            }
            rate += row.RootElement.GetProperty("outcomes").GetProperty("covert_action").GetBoolean() ? 1 : 0;
        }
        // p = 0.25 over 1000 draws: sd = 0.0137; 4 sd either way.
        Assert.InRange(rate / 1000, 0.195, 0.305);
    }
}
