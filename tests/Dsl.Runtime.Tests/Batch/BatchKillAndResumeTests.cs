using System.Diagnostics;
using System.Globalization;
using Scheme.Engine.Store;
using Scheme.Runtime.Cli;
using Scheme.Runtime.Tests.Engine;
using Scheme.Testing.Fakes;

namespace Scheme.Runtime.Tests.Batch;

/// <summary>
/// A batched runner in a child process is killed with SIGKILL while a batch it submitted is in flight, then resumed: the
/// batch is polled, not submitted again (the fake server counts every custom_id it was sent), and the run completes.
/// </summary>
public class BatchKillAndResumeTests
{
    private const int Tasks = 6;

    /// <param name="killAt">"poll": after the batch's id is stored (the runner is polling it); "create": inside POST
    /// /v1/batches, before the runner has the batch's id (resume must find the batch by its input file).</param>
    [Theory]
    [InlineData("poll")]
    [InlineData("create")]
    public async Task A_batched_run_killed_while_a_batch_is_in_flight_resumes_without_submitting_it_again(string killAt)
    {
        using var fixture = new RunnerFixture();
        var api = new FakeBatchApi(new ScriptedAgent().Reply) { Hold = true, Plan = _ => new FakeBatchPlan { PendingPolls = 2 } };
        await using var server = FakeOpenAiServer.Start();
        server.Handler = api.Handle;
        Process? runner = null;
        if (killAt == "create")
        {
            // SIGKILL from inside the request: the runner certainly never reads the answer.
            api.OnCreated = () => Volatile.Read(ref runner)?.Kill(entireProcessTree: true);
        }

        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in (string[])[typeof(Program).Assembly.Location, "runner", fixture.KeyVariable, Tasks.ToString(CultureInfo.InvariantCulture),
                 "run", "--endpoint", server.BaseUrl, "--out", fixture.RunDirectory, "--cache", fixture.CacheDirectory, "--batch", "--poll-interval", "0.01"])
        {
            start.ArgumentList.Add(arg);
        }
        start.Environment[fixture.KeyVariable] = fixture.Key;
        using var child = Process.Start(start)!;
        Volatile.Write(ref runner, child);
        var output = ReadOnThread(child.StandardOutput);
        var errors = ReadOnThread(child.StandardError);

        var waitedFor = killAt == "create" ? api.FirstBatchCreated.Task : api.FirstPolled.Task;
        await Task.WhenAny(waitedFor, child.WaitForExitAsync(), Task.Delay(TimeSpan.FromSeconds(90)));
        if (!waitedFor.IsCompleted)
        {
            child.Kill(entireProcessTree: true);
            Assert.Fail($"The child ended or stalled before the batch: {await output.Task}\n{await errors.Task}");
        }
        child.Kill(entireProcessTree: true);
        await child.WaitForExitAsync();
        Assert.NotEqual(0, child.ExitCode);

        using (var store = SqliteRunStore.Open(fixture.RunDirectory))
        {
            var open = Assert.Single(store.Batches());
            Assert.Equal(killAt == "create" ? BatchLedger.Creating : BatchLedger.Submitted, open.State);
            Assert.Empty(store.Units());
        }
        Assert.Equal(1, api.BatchesCreated);

        api.Hold = false;
        var code = fixture.Run(TestExperiments.Agentic(fixture.KeyVariable, Tasks), default, "resume", fixture.RunDirectory);

        Assert.True(code == RunnerHost.Success, fixture.Output + "\n" + fixture.Errors);
        // Never paid twice: no custom_id went into two batches.
        Assert.Equal(api.SubmittedIds.Count, api.SubmittedIds.Distinct().Count());
        Assert.Contains("1 batch(es) were submitted before this process: polling them", fixture.Output.ToString());
        var units = fixture.Units();
        Assert.Equal(Tasks, units.Count);
        Assert.All(units, u => Assert.Equal(UnitStatus.Done, u.Status));
        // The rounds after the first were submitted by the resume.
        Assert.Equal(4, api.BatchesCreated);
        Assert.Equal(0, api.LiveRequests);
        using (var store = SqliteRunStore.Open(fixture.RunDirectory))
        {
            Assert.All(store.Batches(), b => Assert.Equal("completed", b.State));
            Assert.Equal("batch_0", store.Batches()[0].BatchId);
        }
    }

    private static TaskCompletionSource<string> ReadOnThread(StreamReader reader)
    {
        var text = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        new Thread(() => text.SetResult(reader.ReadToEnd())) { IsBackground = true }.Start();
        return text;
    }
}
