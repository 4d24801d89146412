using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Scheme.Engine.Store;
using Scheme.Runtime.Cli;
using Scheme.Runtime.Tests.Engine;
using Scheme.Testing.Fakes;

namespace Scheme.Runtime.Tests.Batch;

/// <summary>
/// <c>run --batch</c> end to end through the runner's command line, the real SDK writing and reading the chat bodies, and
/// <see cref="FakeBatchApi"/> on 127.0.0.1 answering them with the same script as a live run.
/// </summary>
public partial class BatchRunTests
{
    private const int Tasks = 4;

    internal static string[] BatchArgs(FakeOpenAiServer server, RunnerFixture fixture, params string[] extra) =>
        ["run", "--endpoint", server.BaseUrl, "--out", fixture.RunDirectory, "--cache", fixture.CacheDirectory, "--retry-delay", "0.02",
         "--batch", "--poll-interval", "0.01", .. extra];

    [Fact]
    public async Task A_batched_run_gives_the_units_of_the_live_run_at_half_the_price()
    {
        // Live: the reference.
        using var live = new RunnerFixture();
        await using var liveServer = FakeOpenAiServer.Start();
        liveServer.Handler = BatchExperiments.Model(new ScriptedAgent());
        var liveCode = live.Run(BatchExperiments.Mixed(live.KeyVariable, Tasks), default,
            "run", "--endpoint", liveServer.BaseUrl, "--out", live.RunDirectory, "--cache", live.CacheDirectory);
        Assert.True(liveCode == RunnerHost.Success, live.Errors.ToString());

        // Batched, against the same script; batches stay in progress for a few polls.
        using var fixture = new RunnerFixture();
        var api = new FakeBatchApi(BatchExperiments.Model(new ScriptedAgent())) { Plan = n => new FakeBatchPlan { PendingPolls = 3 } };
        await using var server = FakeOpenAiServer.Start();
        server.Handler = api.Handle;
        var code = fixture.Run(BatchExperiments.Mixed(fixture.KeyVariable, Tasks), default, BatchArgs(server, fixture));
        Assert.True(code == RunnerHost.Success, fixture.Output + "\n" + fixture.Errors);

        var expected = live.Units();
        var actual = fixture.Units();
        Assert.Equal(2 * Tasks, actual.Count);
        Assert.All(actual, u => Assert.Equal(UnitStatus.Done, u.Status));
        Assert.Equal(expected.Select(Comparable), actual.Select(Comparable));
        // Odd tasks act covertly and admit it in both environments: the outcomes are the script's, not defaults.
        Assert.Equal(Tasks, actual.Count(u => u.Outcomes.GetValueOrDefault("covert_action") || u.Outcomes.GetValueOrDefault("admitted")));

        // Nothing went live; every request was batched once; the bodies are those the live run sent, byte for byte.
        Assert.Equal(0, api.LiveRequests);
        Assert.Equal(api.SubmittedIds.Count, api.SubmittedIds.Distinct().Count());
        Assert.Equal(liveServer.Requests.Count, api.SubmittedIds.Count);
        Assert.Equal(liveServer.Requests.Select(r => Canonical(r.Body)).Order(), api.SubmittedBodies.Values.Select(Canonical).Order());
        // Rounds: agent turn 1, turn 2, follow-up, judge; the single-turn units ride along in the first two.
        Assert.Equal(4, api.BatchesCreated);

        // Half the price: the live spend is the list price of the units' tokens, the batched one half of it.
        var list = expected.Sum(u => u.CostUsd!.Value);
        Assert.True(list > 0.001, $"list price {list}");
        Assert.Equal(list, Spent(live.Output.ToString()), 4);
        Assert.Equal(list / 2, BatchSpent(fixture.Output.ToString()), 6);
        Assert.Equal(list / 2, Spent(fixture.Output.ToString()), 4);
        Assert.Contains("4 batch(es) with " + api.SubmittedIds.Count + " request(s) submitted", fixture.Output.ToString());

        // run.db records each batch, ended and read.
        using var store = SqliteRunStore.Open(fixture.RunDirectory);
        var batches = store.Batches();
        Assert.Equal(4, batches.Count);
        Assert.All(batches, b => Assert.Equal("completed", b.State));
        Assert.Equal([1, 2, 3, 4], batches.Select(b => b.Round));
        Assert.Equal(api.SubmittedIds.Count, batches.Sum(b => b.RequestCount));
        // The key is nowhere in the run directory (input files are deleted once uploaded).
        Assert.False(Directory.Exists(Path.Combine(fixture.RunDirectory, "batch-inputs")) && Directory.EnumerateFiles(Path.Combine(fixture.RunDirectory, "batch-inputs")).Any());
    }

    [Theory]
    [InlineData("expired")]
    [InlineData("cancelled")]
    public async Task An_expired_or_cancelled_batch_answers_part_and_the_rest_goes_into_the_next_round(string end)
    {
        using var fixture = new RunnerFixture();
        // The first batch (every unit's first request) ends after answering three of them.
        var api = new FakeBatchApi(BatchExperiments.Model(new ScriptedAgent()))
        {
            Plan = n => n == 0 ? new FakeBatchPlan { End = end, AnswerFirst = 3, PendingPolls = 1 } : new FakeBatchPlan(),
        };
        await using var server = FakeOpenAiServer.Start();
        server.Handler = api.Handle;

        var code = fixture.Run(BatchExperiments.Mixed(fixture.KeyVariable, Tasks), default, BatchArgs(server, fixture));

        Assert.True(code == RunnerHost.Success, fixture.Output + "\n" + fixture.Errors);
        Assert.All(fixture.Units(), u => Assert.Equal(UnitStatus.Done, u.Status));
        Assert.Equal(2 * Tasks, fixture.Units().Count);
        var ids = api.SubmittedIds;
        var first = ids.Take(2 * Tasks).ToList();
        // The three answered requests never went out again; the other five did, once.
        Assert.Equal(3, first.Count(id => ids.Count(x => x == id) == 1));
        Assert.Equal(2 * Tasks - 3, first.Count(id => ids.Count(x => x == id) == 2));
        Assert.Contains($"error SCH9066: Batch batch_0 {(end == "expired" ? "expired (24 h)" : "was cancelled")} before answering the request; " +
            "5 of 8 request(s) unanswered go into the next round.", fixture.Output.ToString());
        using var store = SqliteRunStore.Open(fixture.RunDirectory);
        Assert.Equal(end, store.Batches()[0].State);
    }

    [Fact]
    public async Task A_failed_batch_is_said_and_retried_and_a_batch_that_always_fails_fails_its_units_without_stopping_the_run()
    {
        using var fixture = new RunnerFixture();
        var api = new FakeBatchApi(BatchExperiments.Model(new ScriptedAgent()))
        {
            // Batch 0 (every unit's first request) fails; its requests go into the next round.
            Plan = n => n == 0 ? new FakeBatchPlan { End = "failed", FailureMessage = "quota exceeded for the day" } : new FakeBatchPlan(),
        };
        await using var server = FakeOpenAiServer.Start();
        server.Handler = api.Handle;

        var code = fixture.Run(BatchExperiments.Mixed(fixture.KeyVariable, Tasks), default, BatchArgs(server, fixture));

        Assert.True(code == RunnerHost.Success, fixture.Output + "\n" + fixture.Errors);
        Assert.Contains("error SCH9066: Batch batch_0 failed: scripted quota exceeded for the day", fixture.Output.ToString());
        Assert.All(fixture.Units(), u => Assert.Equal(UnitStatus.Done, u.Status));

        // A server whose batches all fail: each request goes through three batches, then its unit fails with the reason.
        using var doomed = new RunnerFixture();
        var failing = new FakeBatchApi(BatchExperiments.Model(new ScriptedAgent())) { Plan = _ => new FakeBatchPlan { End = "failed", FailureMessage = "model not available" } };
        await using var failingServer = FakeOpenAiServer.Start();
        failingServer.Handler = failing.Handle;
        var failed = doomed.Run(BatchExperiments.Mixed(doomed.KeyVariable, Tasks), default, BatchArgs(failingServer, doomed));

        Assert.True(failed == RunnerHost.UnitsFailed, doomed.Output + "\n" + doomed.Errors);
        var units = doomed.Units();
        Assert.Equal(2 * Tasks, units.Count);
        Assert.All(units, u =>
        {
            Assert.Equal(UnitStatus.Failed, u.Status);
            Assert.Contains("model not available (after 3 batches)", u.Error);
        });
        Assert.Equal(3, failing.BatchesCreated);
        Assert.Equal(3 * 2 * Tasks, failing.SubmittedIds.Count);
    }

    [Fact]
    public async Task An_output_file_that_never_arrives_leaves_its_requests_for_the_next_round()
    {
        using var fixture = new RunnerFixture();
        var api = new FakeBatchApi(BatchExperiments.Model(new ScriptedAgent()))
        {
            Plan = n => n == 0 ? new FakeBatchPlan { OutputStatus = 503 } : new FakeBatchPlan(),
        };
        await using var server = FakeOpenAiServer.Start();
        server.Handler = api.Handle;

        var code = fixture.Run(BatchExperiments.Mixed(fixture.KeyVariable, Tasks), default, BatchArgs(server, fixture));

        Assert.True(code == RunnerHost.Success, fixture.Output + "\n" + fixture.Errors);
        Assert.All(fixture.Units(), u => Assert.Equal(UnitStatus.Done, u.Status));
        Assert.Matches(@"error SCH9066: Batch batch_0 ended without answering the request; 8 of 8 request\(s\) unanswered go into the next round " +
            @"\(file file-\d+ could not be read: .*HTTP 503", fixture.Output.ToString());
        // The first round's requests went out twice (the answers were never read), the later rounds' once.
        var ids = api.SubmittedIds;
        Assert.Equal(ids.Take(2 * Tasks).Order(), ids.Skip(2 * Tasks).Take(2 * Tasks).Order());
        Assert.Equal(2 * Tasks, ids.Where(id => ids.Count(x => x == id) == 2).Distinct().Count());
        Assert.DoesNotContain(ids, id => ids.Count(x => x == id) > 2);
    }

    [Fact]
    public async Task A_harmony_checkpoint_is_said_to_run_live()
    {
        using var fixture = new RunnerFixture();
        var experiment = BatchExperiments.Mixed(fixture.KeyVariable, Tasks);
        experiment = experiment with
        {
            Checkpoints = [experiment.Checkpoints[0] with { ReasoningFormat = "harmony", Capabilities = ["raw_completions"] }, experiment.Checkpoints[1]],
        };
        var code = fixture.Run(experiment, default, "run", "--out", fixture.RunDirectory, "--cache", fixture.CacheDirectory, "--batch", "--limit", "0");
        Assert.True(code == RunnerHost.Success, fixture.Output + "\n" + fixture.Errors);
        Assert.Contains("warning SCH9069: checkpoint 'agent' (reasoning_format harmony) sends raw completions", fixture.Errors.ToString());
        Assert.DoesNotContain("'judge'", fixture.Errors.ToString());
    }

    [Fact]
    public async Task Per_request_errors_fail_their_units_like_live_failures_and_transient_ones_are_retried()
    {
        using var fixture = new RunnerFixture();
        // Task 2's single-turn question is refused (400) every time; task 3's fails once with a 500, then is answered; task
        // 4's is first answered with a 200 that is not a completion, then properly.
        var attempts = 0;
        var malformed = 0;
        var model = BatchExperiments.Model(new ScriptedAgent());
        var api = new FakeBatchApi(request =>
        {
            var noTools = !request.Json.TryGetProperty("tools", out _) && request.Messages.Count == 2
                && request.Messages[0].GetProperty("content").GetString() == "You are an assistant.";
            return (noTools, ScriptedAgent.TaskOf(request)) switch
            {
                (true, 2) => FakeReply.Error(400),
                (true, 3) when Interlocked.Increment(ref attempts) == 1 => FakeReply.Error(500),
                (true, 4) when Interlocked.Increment(ref malformed) == 1 => FakeReply.Malformed(),
                _ => model(request),
            };
        });
        await using var server = FakeOpenAiServer.Start();
        server.Handler = api.Handle;

        var code = fixture.Run(BatchExperiments.Mixed(fixture.KeyVariable, Tasks), default, BatchArgs(server, fixture));

        Assert.True(code == RunnerHost.UnitsFailed, fixture.Output + "\n" + fixture.Errors);
        var units = fixture.Units();
        Assert.Equal(2 * Tasks, units.Count);
        var refused = Assert.Single(units, u => u.Status == UnitStatus.Failed);
        Assert.Equal(("Question", "n=2"), (refused.Environment, refused.Variant));
        Assert.Contains("HTTP 400", refused.Error);
        Assert.Contains("scripted 400", refused.Error);
        Assert.Equal(2, attempts);
        Assert.Equal(2, malformed);
        // A permanent error is not retried: the refused request went out in one batch only.
        Assert.Single(api.SubmittedBodies, b => b.Value.Contains("Task 2: would you", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_server_that_refuses_every_upload_fails_the_units_with_the_reason_and_its_echo_of_the_key_goes_nowhere()
    {
        using var fixture = new RunnerFixture();
        var api = new FakeBatchApi(BatchExperiments.Model(new ScriptedAgent())) { UploadStatus = 401 };
        await using var server = FakeOpenAiServer.Start();
        server.Handler = api.Handle;

        var code = fixture.Run(BatchExperiments.Mixed(fixture.KeyVariable, Tasks), default, BatchArgs(server, fixture, "--retries", "0"));

        Assert.True(code == RunnerHost.UnitsFailed, fixture.Output + "\n" + fixture.Errors);
        Assert.Contains("error SCH9065: A batch of 8 request(s) to " + server.BaseUrl + " could not be submitted", fixture.Output.ToString());
        var units = fixture.Units();
        Assert.Equal(2 * Tasks, units.Count);
        Assert.All(units, u => Assert.Contains("answered HTTP 401", u.Error));
        Assert.All(units, u => Assert.Contains("(after 3 batches)", u.Error));
        Assert.Equal(0, api.BatchesCreated);
        Assert.DoesNotContain(fixture.Key, fixture.Output.ToString() + fixture.Errors);
        foreach (var file in Directory.EnumerateFiles(fixture.Root, "*", SearchOption.AllDirectories))
        {
            Assert.DoesNotContain(fixture.Key, File.ReadAllText(file));
        }
    }

    [Fact]
    public async Task Hostile_output_files_are_survived_and_said()
    {
        using var fixture = new RunnerFixture();
        var unknown = new string('a', 64);
        var api = new FakeBatchApi(BatchExperiments.Model(new ScriptedAgent()))
        {
            Plan = n => n == 0
                ? new FakeBatchPlan
                {
                    ExtraOutputLines =
                    [
                        "not json {",
                        "{\"no_custom_id\": true}",
                        "{\"custom_id\":\"" + unknown + "\",\"response\":{\"status_code\":200,\"body\":{\"choices\":[]}}}",
                        "{\"custom_id\":\"x\",\"pad\":\"" + new string('x', 40 << 20) + "\"}",
                        "[]",
                    ],
                }
                : new FakeBatchPlan(),
        };
        await using var server = FakeOpenAiServer.Start();
        server.Handler = api.Handle;

        var code = fixture.Run(BatchExperiments.Mixed(fixture.KeyVariable, Tasks), default, BatchArgs(server, fixture));

        Assert.True(code == RunnerHost.Success, fixture.Output + "\n" + fixture.Errors);
        Assert.All(fixture.Units(), u => Assert.Equal(UnitStatus.Done, u.Status));
        Assert.Matches(@"warning SCH9067: file file-\d+ of batch batch_0: 4 malformed line\(s\) .* and 1 line\(s\) with a custom_id the batch did not send were ignored", fixture.Output.ToString());
        // The unknown answer did not become a cache entry.
        Assert.False(File.Exists(Path.Combine(fixture.CacheDirectory, unknown[..2], unknown + ".json")));
    }

    [Fact]
    public async Task The_budget_stops_submitting_batches_and_resume_goes_on()
    {
        using var fixture = new RunnerFixture();
        var api = new FakeBatchApi(BatchExperiments.Model(new ScriptedAgent()));
        await using var server = FakeOpenAiServer.Start();
        server.Handler = api.Handle;
        var experiment = BatchExperiments.Mixed(fixture.KeyVariable, Tasks);

        // The first batch could cost far more than this (8 requests, each answered with up to 16,384 tokens at
        // gpt-4.1's batch price: about $0.52), so it is not submitted at all: spending is counted only when a batch's
        // output is read, too late to stop a $1,000 first round under a $5 budget.
        var code = fixture.Run(experiment, default, BatchArgs(server, fixture, "--max-cost", "0.0001"));

        Assert.True(code == RunnerHost.Stopped, fixture.Output + "\n" + fixture.Errors);
        Assert.Equal(0, api.BatchesCreated);
        Assert.Contains($"--max-cost: {2 * Tasks} request(s) were not submitted: their batch could cost more than the budget has left.", fixture.Output.ToString());
        Assert.Contains("--max-cost budget was reached", fixture.Output.ToString());

        // A budget above a round's worst case (about $0.52): every round's batch goes, since what the rounds before
        // really cost (a fraction of a cent, read from their output) is what counts, not their worst case.
        using var tight = new RunnerFixture();
        var tightApi = new FakeBatchApi(BatchExperiments.Model(new ScriptedAgent()));
        await using var tightServer = FakeOpenAiServer.Start();
        tightServer.Handler = tightApi.Handle;
        code = tight.Run(BatchExperiments.Mixed(tight.KeyVariable, Tasks), default, BatchArgs(tightServer, tight, "--max-cost", "0.6"));
        Assert.True(code == RunnerHost.Success, tight.Output + "\n" + tight.Errors);
        Assert.Equal(4, tightApi.BatchesCreated);

        code = fixture.Run(experiment, default, "resume", fixture.RunDirectory, "--max-cost", "1");
        Assert.True(code == RunnerHost.Success, fixture.Output + "\n" + fixture.Errors);
        Assert.Equal(2 * Tasks, fixture.Units().Count(u => u.Status == UnitStatus.Done));
        Assert.Equal(api.SubmittedIds.Count, api.SubmittedIds.Distinct().Count());
    }

    [Theory]
    [InlineData("--offline")]
    [InlineData("--no-cache")]
    public void Batch_with_an_option_it_cannot_go_with_is_refused_before_anything_runs(string option)
    {
        using var fixture = new RunnerFixture();
        var code = fixture.Run(BatchExperiments.Mixed(fixture.KeyVariable, Tasks), default,
            "run", "--out", fixture.RunDirectory, "--batch", option);
        Assert.Equal(RunnerHost.UsageError, code);
        Assert.Contains("error SCH9068: ", fixture.Errors.ToString());
        Assert.False(File.Exists(Path.Combine(fixture.RunDirectory, SqliteRunStore.FileName)));
    }

    /// <summary>What must be equal between a live and a batched run of a unit.</summary>
    private static string Comparable(UnitRecord u)
    {
        using var transcript = JsonDocument.Parse(u.TranscriptJson ?? "{}");
        var verdicts = transcript.RootElement.TryGetProperty("verdicts", out var v) ? v.ToString() : "";
        return JsonSerializer.Serialize(new
        {
            u.UnitId, u.Status, u.Seed, u.TokensIn, u.TokensOut, u.CostUsd, u.Error,
            Outcomes = u.Outcomes.OrderBy(o => o.Key, StringComparer.Ordinal),
            Metrics = u.Metrics.OrderBy(m => m.Key, StringComparer.Ordinal),
            verdicts,
        });
    }

    /// <summary>A body with the fake's tool call ids (a process-wide counter, so not the same in two runs) made equal.</summary>
    private static string Canonical(string json) => CallId().Replace(JsonSerializer.Serialize(JsonDocument.Parse(json).RootElement), "call_N");

    [GeneratedRegex(@"call_\d+")]
    private static partial Regex CallId();

    private static double Spent(string output) =>
        double.Parse(SpentLine().Match(output) is { Success: true } m ? m.Groups[1].Value : throw new Xunit.Sdk.XunitException("no spend in: " + output), CultureInfo.InvariantCulture);

    private static double BatchSpent(string output) =>
        double.Parse(BatchLine().Match(output) is { Success: true } m ? m.Groups[1].Value : throw new Xunit.Sdk.XunitException("no batch spend in: " + output), CultureInfo.InvariantCulture);

    [GeneratedRegex(@"\$(\d+\.\d+) spent by this process")]
    private static partial Regex SpentLine();

    [GeneratedRegex(@"\$(\d+\.\d+) of the spend went through batches")]
    private static partial Regex BatchLine();
}
