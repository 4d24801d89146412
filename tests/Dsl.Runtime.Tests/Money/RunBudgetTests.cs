using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Scheme.Engine;
using Scheme.Engine.Store;
using Scheme.Runtime.Cli;
using Scheme.Runtime.Tests.Engine;
using Scheme.Testing;
using Scheme.Testing.Fakes;

namespace Scheme.Runtime.Tests.Money;

/// <summary>
/// <c>--max-cost</c> over the whole run: what earlier sessions of the run directory paid (run.db's spend table) and
/// what sibling shards paid (their spent.json) count against the budget, against the fake server on 127.0.0.1 whose
/// usage numbers give the exact bill (<see cref="PricedServer"/>).
/// </summary>
public class RunBudgetTests
{
    private static string[] Args(FakeOpenAiServer server, RunnerFixture fixture, params string[] extra) =>
        ["run", "--endpoint", server.BaseUrl, "--out", fixture.RunDirectory, "--no-cache", "--retry-delay", "0.02", "--concurrency", "1", .. extra];

    private static Scheme.Model.ExperimentDefinition Priced(RunnerFixture fixture, int tasks) =>
        TestExperiments.Agentic(fixture.KeyVariable, tasks, agentModel: "gpt-4.1", judgeModel: "gpt-4.1");

    private static double StoredSpend(string directory)
    {
        using var store = SqliteRunStore.Open(directory);
        return store.TotalSpentUsd();
    }

    [Theory]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    [InlineData("-Infinity")]
    public void A_max_cost_that_is_not_a_finite_number_is_refused_before_anything_is_written(string value)
    {
        // NaN is never >= the total spent, so it would have turned the budget off while looking like one.
        using var fixture = new RunnerFixture();
        Assert.Equal(RunnerHost.UsageError, fixture.Run(Priced(fixture, 2), default, "run", "--offline", "--out", fixture.RunDirectory, "--max-cost", value));
        Assert.Contains("--max-cost must", fixture.Errors.ToString());
        Assert.False(Directory.Exists(fixture.RunDirectory));
    }

    [Fact]
    public async Task A_resume_of_a_run_whose_budget_is_used_up_sends_nothing_and_exits_3()
    {
        using var fixture = new RunnerFixture();
        var books = new PricedServer();
        await using var server = FakeOpenAiServer.Start();
        server.Handler = books.Reply;
        var experiment = Priced(fixture, 30);

        Assert.Equal(RunnerHost.Stopped, fixture.Run(experiment, default, Args(server, fixture, "--max-cost", "0.002")));
        var sent = server.RequestCount;
        var paid = StoredSpend(fixture.RunDirectory);
        Assert.InRange(paid, 0.002, 0.002 + PricedServer.LargestRequestUsd);
        Assert.Equal(books.BilledUsd, paid, 9);

        // The manifest's --max-cost 0.002 applies again: it is used up, so not one request goes out.
        var code = fixture.Run(experiment, default, "resume", fixture.RunDirectory);

        Assert.Equal(RunnerHost.Stopped, code);
        Assert.Equal(sent, server.RequestCount);
        Assert.Contains("error SCH9063", fixture.Errors.ToString());
        Assert.Contains("--max-cost budget was reached", fixture.Output.ToString());
        // The resume's own session paid nothing and said so; the run's figure is the first session's.
        Assert.Contains(string.Create(CultureInfo.InvariantCulture, $"$0.0000 spent by this process, ${paid:0.0000} by the run so far"), fixture.Output.ToString());
        Assert.Equal(paid, StoredSpend(fixture.RunDirectory), 9);

        // A larger budget lets it continue, and the resume pays only up to what is left of it.
        Assert.Equal(RunnerHost.Stopped, fixture.Run(experiment, default, "resume", fixture.RunDirectory, "--max-cost", "0.004"));
        Assert.True(server.RequestCount > sent);
        Assert.InRange(StoredSpend(fixture.RunDirectory), 0.004, 0.004 + PricedServer.LargestRequestUsd);
    }

    [Fact]
    public async Task A_run_stopped_at_half_its_budget_and_resumed_pays_no_more_than_the_budget_in_total()
    {
        const double budget = 0.005;
        using var fixture = new RunnerFixture();
        using var cancel = new CancellationTokenSource();
        // The first session is stopped (Ctrl+C) from inside its 21st request, after 5 units: about $0.0022 of $0.005.
        var books = new PricedServer { Intercept = answered => { if (answered == 20) { cancel.Cancel(); } return null; } };
        await using var server = FakeOpenAiServer.Start();
        server.Handler = books.Reply;
        var experiment = Priced(fixture, 30);

        Assert.Equal(RunnerHost.Stopped, fixture.Run(experiment, cancel.Token, Args(server, fixture, "--max-cost", budget.ToString(CultureInfo.InvariantCulture))));
        var first = StoredSpend(fixture.RunDirectory);
        Assert.InRange(first, 5 * PricedServer.UnitUsd, budget / 2);
        Assert.True(File.Exists(Path.Combine(fixture.RunDirectory, SpentFile.FileName)));
        Assert.Equal(first, SpentFile.Read(fixture.RunDirectory), 9);

        Assert.Equal(RunnerHost.Stopped, fixture.Run(experiment, default, "resume", fixture.RunDirectory));

        var total = StoredSpend(fixture.RunDirectory);
        // The budget is reached by the run, not by this process alone (which would have let it pay $0.005 more).
        Assert.InRange(total, budget, budget + PricedServer.LargestRequestUsd);
        // What the server billed: the runner's record, plus at most the request the Ctrl+C abandoned in flight.
        Assert.InRange(books.BilledUsd, total, total + PricedServer.LargestRequestUsd);
        Assert.InRange(books.BilledUsd, 0, budget + 2 * PricedServer.LargestRequestUsd);
        Assert.Contains(string.Create(CultureInfo.InvariantCulture, $"${total:0.0000} by the run so far"), fixture.Output.ToString());
        Assert.Equal(total, SpentFile.Read(fixture.RunDirectory), 9);
        using var store = SqliteRunStore.Open(fixture.RunDirectory);
        Assert.True(store.Units().Count < 30);
    }

    [Fact]
    public async Task Shards_share_one_budget_through_their_spent_json()
    {
        using var temp = new TempDirectory();
        string Shard(int i) => Path.Combine(temp.Path, $"shard-{i}-of-2");
        using var storeA = SqliteRunStore.Open(Shard(0));
        using var storeB = SqliteRunStore.Open(Shard(1));
        var prices = new PriceTable();
        var meterA = new CostMeter(prices);
        var meterB = new CostMeter(prices);
        // Each gpt-4.1 request of 1,000 input tokens costs $0.002.
        var request = new Scheme.Engine.Providers.TokenUsage(1000, 0);

        var budgetA = new RunBudget(storeA, Shard(0), meterA, 0.010, [Shard(1)]);
        await using (budgetA.ConfigureAwait(false))
        {
            meterA.Add("gpt-4.1", request);
            meterA.Add("gpt-4.1", request);
            budgetA.Flush();
            Assert.Equal(0.004, SpentFile.Read(Shard(0)), 9);

            // Shard 1 starts later: it sees shard 0's $0.004 at once, and stops after $0.006 of its own.
            var budgetB = new RunBudget(storeB, Shard(1), meterB, 0.010, [Shard(0)]);
            await using (budgetB.ConfigureAwait(false))
            {
                var reachedB = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                budgetB.Reached += () => reachedB.TrySetResult();
                budgetB.Start();
                Assert.Equal(0.004, budgetB.SiblingsUsd, 9);
                meterB.Add("gpt-4.1", request);
                meterB.Add("gpt-4.1", request);
                Assert.False(budgetB.IsReached);
                Assert.False(reachedB.Task.IsCompleted);

                // Shard 0 spends again: shard 1 learns it from the re-read of spent.json, without spending anything itself.
                var reachedA = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                budgetA.Reached += () => reachedA.TrySetResult();
                budgetA.Start();
                meterA.Add("gpt-4.1", request);
                await reachedB.Task.WaitAsync(TimeSpan.FromSeconds(30));
                Assert.Equal(0.010, budgetB.RunTotalUsd, 9);
                Assert.Equal(0.004, budgetB.ThisProcessUsd, 9);

                // And shard 0 learns shard 1's $0.004 the same way: both stop at the shared total.
                await reachedA.Task.WaitAsync(TimeSpan.FromSeconds(30));
                Assert.Equal(0.010, budgetA.RunTotalUsd, 9);
            }
            Assert.Equal(0.004, storeB.TotalSpentUsd(), 9);
        }
        Assert.Equal(0.006, storeA.TotalSpentUsd(), 9);
        Assert.Equal(0.006, SpentFile.Read(Shard(0)), 9);
    }

    /// <summary>
    /// Two shards of one run as the shard layout makes them (OUT/shard-0-of-2 and OUT/shard-1-of-2, each its own run.db
    /// and spent.json), run at once by two real engines against the fake server, each with the other as its sibling and
    /// the same budget: together they pay the budget, each alone far less, and the overshoot is within the documented
    /// delay (a flush interval and a sibling interval, plus scheduling slack) times their spending rate.
    /// </summary>
    [Fact]
    public async Task Two_shards_running_at_once_stop_together_at_the_shared_budget()
    {
        const double budget = 0.012;
        using var fixture = new RunnerFixture();
        var agent = new ScriptedAgent { Latency = TimeSpan.FromMilliseconds(60) };
        await using var server = FakeOpenAiServer.Start();
        server.Handler = agent.Reply;
        var experiment = Priced(fixture, 100);
        string Shard(int i) => Path.Combine(fixture.Root, "out", $"shard-{i}-of-2");
        var units = Scheme.Engine.Design.DesignExpander.Expand(experiment, experiment.Runs[0]).ToList();
        var clock = Stopwatch.StartNew();

        async Task<(RunOutcome Outcome, double Spent)> RunShard(int index)
        {
            var meter = new CostMeter(new PriceTable());
            var counters = new RunCounters(meter);
            var settings = new EngineSettings(Endpoint: server.BaseUrl, NoCache: true, Concurrency: 1, Retry: new RetryPolicy(2, TimeSpan.FromMilliseconds(20)));
            await using var registry = new ProviderRegistry(experiment, settings, meter, counters);
            using var store = SqliteRunStore.Open(Shard(index));
            RunOutcome outcome;
            await using (var shared = new RunBudget(store, Shard(index), meter, budget, [Shard(1 - index)]))
            {
                shared.Start();
                var engine = new RunEngine(store, registry.LaneOf, meter, counters, Scheme.Engine.Providers.SecretScrubber.For(experiment))
                {
                    Concurrency = 1,
                    Budget = shared,
                };
                outcome = await engine.RunAsync(units.Where((_, i) => i % 2 == index), default);
            }
            return (outcome, store.TotalSpentUsd());
        }

        var shards = await Task.WhenAll(Task.Run(() => RunShard(0)), Task.Run(() => RunShard(1)));
        var elapsed = clock.Elapsed.TotalSeconds;

        Assert.All(shards, s => Assert.Equal(StopReason.Budget, s.Outcome.Reason));
        var together = shards.Sum(s => s.Spent);
        Assert.True(together >= budget, $"the shards paid ${together} together, less than the budget");
        // Without the shared figure each would have run on to the whole budget alone.
        Assert.All(shards, s => Assert.True(s.Spent < 0.8 * budget, $"one shard paid ${s.Spent} of ${budget}: it did not see the other's spending"));
        var rate = together / elapsed;
        var delay = (RunBudget.FlushInterval + RunBudget.SiblingInterval).TotalSeconds + 1;
        Assert.True(together <= budget + delay * rate + 2 * PricedServer.LargestRequestUsd,
            $"the shards paid ${together} together for a budget of ${budget} (${rate}/s over {elapsed:0.0} s)");
        Assert.All(shards, s => Assert.Equal(s.Spent, s.Outcome.SpentUsd, 9));
    }

    [Fact]
    public void A_sibling_spent_json_that_is_not_a_spend_record_is_warned_about_with_SCH9064_and_counted_as_its_last_total()
    {
        using var temp = new TempDirectory();
        var sibling = Path.Combine(temp.Path, "shard-1-of-2");
        Directory.CreateDirectory(sibling);
        File.WriteAllText(Path.Combine(sibling, SpentFile.FileName), "{\"micro_usd\": -5}");
        using var store = SqliteRunStore.Open(Path.Combine(temp.Path, "shard-0-of-2"));
        var warnings = new List<string>();
        var budget = new RunBudget(store, Path.Combine(temp.Path, "shard-0-of-2"), new CostMeter(new PriceTable()), 1, [sibling, Path.Combine(temp.Path, "absent")], warnings.Add);
        Assert.Equal(0, budget.SiblingsUsd);
        var warning = Assert.Single(warnings);
        Assert.StartsWith("warning SCH9064:", warning);
        Assert.Contains(SpentFile.FileName, warning);
    }

    [Fact]
    public async Task Siblings_are_polled_only_under_a_budget_and_less_often_the_more_shards_there_are()
    {
        using var temp = new TempDirectory();
        using var store = SqliteRunStore.Open(Path.Combine(temp.Path, "shard-0-of-1000"));
        var siblings = Enumerable.Range(1, 999).Select(i => Path.Combine(temp.Path, $"shard-{i}-of-1000")).ToList();
        Directory.CreateDirectory(siblings[0]);
        SpentFile.Write(siblings[0], 0.25);
        var meter = new CostMeter(new PriceTable());

        // No budget: read once (the start's figure), never re-read.
        var free = new RunBudget(store, Path.Combine(temp.Path, "shard-0-of-1000"), meter, null, siblings);
        await using (free.ConfigureAwait(false))
        {
            Assert.False(free.PollsSiblings);
            Assert.Equal(0.25, free.SiblingsUsd, 9);
        }
        // A budget: polled, every 1,000 x 5 ms = 5 s for 1,000 shards, and never more often than every 2 s.
        var bounded = new RunBudget(store, Path.Combine(temp.Path, "shard-0-of-1000"), meter, 1, siblings);
        await using (bounded.ConfigureAwait(false))
        {
            Assert.True(bounded.PollsSiblings);
            Assert.Equal(TimeSpan.FromSeconds(5), bounded.SiblingReadInterval);
            Assert.Equal(0.25, bounded.SiblingsUsd, 9);
        }
        var two = new RunBudget(store, Path.Combine(temp.Path, "shard-0-of-1000"), meter, 1, [siblings[0]]);
        await using (two.ConfigureAwait(false))
        {
            Assert.Equal(TimeSpan.FromSeconds(2), two.SiblingReadInterval);
        }
    }

    [Fact]
    public void A_schema_6_run_database_opens_and_gains_the_spend_table()
    {
        using var temp = new TempDirectory();
        using (var store = SqliteRunStore.Open(temp.Path))
        {
            store.RecordSpend("old", DateTimeOffset.UtcNow, 0.5);
        }
        using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(temp.Path, SqliteRunStore.FileName)};Pooling=false"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "DROP TABLE spend; PRAGMA user_version = 6;";
            command.ExecuteNonQuery();
        }
        using (var store = SqliteRunStore.Open(temp.Path))
        {
            Assert.Equal(0, store.TotalSpentUsd());
            store.RecordSpend("a", DateTimeOffset.UtcNow, 0.25);
            store.RecordSpend("b", DateTimeOffset.UtcNow, 0.125);
            store.RecordSpend("a", DateTimeOffset.UtcNow, 0.5);
            Assert.Equal(0.625, store.TotalSpentUsd(), 9);
            Assert.Equal(0.125, store.TotalSpentUsd(exceptSession: "a"), 9);
        }
    }

    /// <summary>
    /// A runner in a child process, killed with SIGKILL: what it paid up to its last write of the spend (at most a
    /// second before the kill) is counted by the resume. The server holds the 13th request unanswered until the spend
    /// of the first 12 (3 units) is in spent.json, so the test knows exactly what was paid and recorded before the kill.
    /// </summary>
    [Fact]
    public async Task The_spend_of_a_session_killed_with_sigkill_is_counted_by_the_resume()
    {
        using var fixture = new RunnerFixture();
        var holding = true;
        var books = new PricedServer { Intercept = answered => Volatile.Read(ref holding) && answered >= 12 ? FakeReply.Text("held").After(TimeSpan.FromMinutes(5)) : null };
        await using var server = FakeOpenAiServer.Start();
        server.Handler = books.Reply;
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in (string[])[typeof(Program).Assembly.Location, "priced-runner", fixture.KeyVariable, "30",
                 "run", "--endpoint", server.BaseUrl, "--out", fixture.RunDirectory, "--no-cache", "--concurrency", "1", "--timeout", "600"])
        {
            start.ArgumentList.Add(arg);
        }
        start.Environment[fixture.KeyVariable] = fixture.Key;
        using var child = Process.Start(start)!;
        var errors = new Thread(() => child.StandardError.ReadToEnd()) { IsBackground = true };
        var output = new Thread(() => child.StandardOutput.ReadToEnd()) { IsBackground = true };
        errors.Start();
        output.Start();
        try
        {
            // Wait for the runner's own record of the 3 units' $0.001326 (written within a second of the spending).
            var deadline = Stopwatch.StartNew();
            while (Math.Round(ReadSpent(fixture.RunDirectory) * 1e6) != 3 * 442)
            {
                Assert.False(child.HasExited, "the runner ended before it was killed");
                Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(60), $"spent.json says {ReadSpent(fixture.RunDirectory)} after 60 s");
                await Task.Delay(50);
            }
        }
        finally
        {
            child.Kill(entireProcessTree: true); // SIGKILL on Unix
            await child.WaitForExitAsync();
        }
        Volatile.Write(ref holding, false);
        Assert.Equal(12, books.Answered);
        Assert.Equal(3 * PricedServer.UnitUsd, StoredSpend(fixture.RunDirectory), 9);

        // The resume's budget of $0.003 already holds the killed session's $0.001326.
        var code = fixture.Run(Priced(fixture, 30), default, "resume", fixture.RunDirectory, "--max-cost", "0.003");

        Assert.Equal(RunnerHost.Stopped, code);
        var total = StoredSpend(fixture.RunDirectory);
        Assert.InRange(total, 0.003, 0.003 + PricedServer.LargestRequestUsd);
        Assert.InRange(total - 3 * PricedServer.UnitUsd, 0.003 - 3 * PricedServer.UnitUsd, 0.003 - 3 * PricedServer.UnitUsd + PricedServer.LargestRequestUsd);
        Assert.Equal(books.BilledUsd, total, 9);
    }

    private static double ReadSpent(string directory)
    {
        try
        {
            return SpentFile.Read(directory);
        }
        catch (InvalidDataException)
        {
            return -1;
        }
    }
}
