using System.Collections.Concurrent;
using System.Diagnostics;
using Scheme.Engine.Store;
using Scheme.Runtime.Cli;
using Scheme.Testing.Fakes;

namespace Scheme.Runtime.Tests.Engine;

public class KillAndResumeTests
{
    /// <summary>
    /// A runner in a child process is killed with SIGKILL while units are in flight (no chance to clean up);
    /// resume in this process then finishes the run: every unit present once and done, and no unit that was
    /// stored before the kill asked the model anything again.
    /// </summary>
    private static TaskCompletionSource<string> ReadOnThread(StreamReader reader)
    {
        var text = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        new Thread(() => text.SetResult(reader.ReadToEnd())) { IsBackground = true }.Start();
        return text;
    }

    [Fact]
    public async Task A_run_killed_with_sigkill_and_resumed_ends_with_every_unit_present_once()
    {
        const int tasks = 40;
        using var fixture = new RunnerFixture();
        var resumed = new ConcurrentBag<int>();
        var resuming = false;
        var enough = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var requests = 0;
        Process? runner = null;
        var agent = new ScriptedAgent
        {
            Latency = TimeSpan.FromMilliseconds(20),
            OnRequest = task =>
            {
                if (Volatile.Read(ref resuming))
                {
                    resumed.Add(task);
                }
                else if (Interlocked.Increment(ref requests) == 60)
                {
                    // Killed from inside the 60th request, before it is answered: the child is certainly mid-run,
                    // whatever the scheduling of this test's own continuations.
                    enough.TrySetResult();
                    Volatile.Read(ref runner)?.Kill(entireProcessTree: true); // SIGKILL on Unix
                }
            },
        };
        await using var server = FakeOpenAiServer.Start();
        server.Handler = agent.Reply;

        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in (string[])[typeof(Program).Assembly.Location, "runner", fixture.KeyVariable, tasks.ToString(System.Globalization.CultureInfo.InvariantCulture),
                 "run", "--endpoint", server.BaseUrl, "--out", fixture.RunDirectory, "--no-cache", "--concurrency", "4"])
        {
            start.ArgumentList.Add(arg);
        }
        start.Environment[fixture.KeyVariable] = fixture.Key;
        using var child = Process.Start(start)!;
        Volatile.Write(ref runner, child);
        // Dedicated threads, not ReadToEndAsync: on Unix an async pipe read blocks a thread-pool thread, and two of
        // them starve a small pool long enough for the child to finish before the test gets to kill it.
        var output = ReadOnThread(child.StandardOutput);
        var errors = ReadOnThread(child.StandardError);

        await Task.WhenAny(enough.Task, child.WaitForExitAsync(), Task.Delay(TimeSpan.FromSeconds(60)));
        if (!enough.Task.IsCompleted)
        {
            child.Kill(entireProcessTree: true);
            Assert.Fail($"The child ended or stalled before the kill: {await errors.Task}");
        }
        await child.WaitForExitAsync();
        Assert.True(child.ExitCode != 0, $"exit {child.ExitCode} after {Volatile.Read(ref requests)} requests: {await output.Task}");


        var before = fixture.Units();
        Assert.InRange(before.Count, 1, tasks - 1);
        Assert.All(before, u => Assert.Equal(UnitStatus.Done, u.Status));
        var doneBefore = before.Select(u => int.Parse(u.Variant[2..], System.Globalization.CultureInfo.InvariantCulture)).ToHashSet();

        // Requests of the dying child may still arrive after the kill was decided; only the resume's count.
        Volatile.Write(ref resuming, true);
        var code = fixture.Run(TestExperiments.Agentic(fixture.KeyVariable, tasks), default, "resume", fixture.RunDirectory);

        Assert.True(code == RunnerHost.Success, fixture.Errors.ToString());
        var after = fixture.Units();
        Assert.Equal(tasks, after.Count);
        Assert.Equal(tasks, after.Select(u => u.UnitId).Distinct().Count());
        Assert.All(after, u => Assert.Equal(UnitStatus.Done, u.Status));
        Assert.Equal(Enumerable.Range(1, tasks).Select(i => $"n={i}").Order(), after.Select(u => u.Variant).Order());
        Assert.Empty(resumed.Where(doneBefore.Contains).Distinct());
        Assert.NotEmpty(resumed);
        // Units done before the kill kept their results.
        Assert.All(before, u => Assert.Equal(u.TranscriptJson, after.Single(a => a.UnitId == u.UnitId).TranscriptJson));
    }
}
