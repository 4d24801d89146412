using System.Diagnostics;
using Scheme.Engine.Store;
using Scheme.Runtime.Cli;
using Scheme.Testing.Fakes;

namespace Scheme.Runtime.Tests.Engine;

/// <summary>A run directory belongs to one runner at a time, and a damaged one is bad input, not a crash.</summary>
public class RunDirectoryTests
{
    /// <summary>
    /// While a runner (a child process) is mid-run in a directory, a second run or resume there is refused with
    /// exit 2 and sends nothing; once the first is killed with SIGKILL, the lock is gone with it and resume finishes.
    /// </summary>
    [Fact]
    public async Task A_second_runner_is_refused_while_the_first_holds_the_directory_and_a_killed_one_leaves_no_lock()
    {
        const int tasks = 6;
        using var fixture = new RunnerFixture();
        var inFlight = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var agent = new ScriptedAgent();
        await using var server = FakeOpenAiServer.Start();
        server.Handler = request =>
        {
            if (!release.Task.IsCompleted)
            {
                // The child's first request: hold it, so the child is certainly running while the test acts.
                inFlight.TrySetResult();
                release.Task.Wait(TimeSpan.FromSeconds(60));
            }
            return agent.Reply(request);
        };
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in (string[])[typeof(Program).Assembly.Location, "runner", fixture.KeyVariable, tasks.ToString(System.Globalization.CultureInfo.InvariantCulture),
                 "run", "--endpoint", server.BaseUrl, "--out", fixture.RunDirectory, "--no-cache", "--concurrency", "1"])
        {
            start.ArgumentList.Add(arg);
        }
        start.Environment[fixture.KeyVariable] = fixture.Key;
        using var child = Process.Start(start)!;
        try
        {
            await Task.WhenAny(inFlight.Task, child.WaitForExitAsync());
            if (!inFlight.Task.IsCompleted)
            {
                Assert.Fail("The child runner ended before its first request: " + await child.StandardError.ReadToEndAsync());
            }
            var requestsBefore = server.RequestCount;

            var second = fixture.Run(TestExperiments.Agentic(fixture.KeyVariable, tasks), default,
                "run", "--endpoint", server.BaseUrl, "--out", fixture.RunDirectory, "--no-cache");
            var resume = fixture.Run(TestExperiments.Agentic(fixture.KeyVariable, tasks), default, "resume", fixture.RunDirectory);

            Assert.Equal(RunnerHost.UsageError, second);
            Assert.Equal(RunnerHost.UsageError, resume);
            Assert.Contains("Another runner is using", fixture.Errors.ToString());
            Assert.Equal(requestsBefore, server.RequestCount);
        }
        finally
        {
            child.Kill(entireProcessTree: true); // SIGKILL: the child gets no chance to release anything itself
            await child.WaitForExitAsync();
            release.TrySetResult();
        }

        var resumed = fixture.Run(TestExperiments.Agentic(fixture.KeyVariable, tasks), default, "resume", fixture.RunDirectory);

        Assert.True(resumed == RunnerHost.Success, fixture.Errors.ToString());
        Assert.Equal(tasks, fixture.Units().Count(u => u.Status == UnitStatus.Done));
    }

    [Theory]
    [InlineData("not a database at all, just text")]
    [InlineData("SQLite format 3\0truncated")]
    public void A_damaged_run_database_is_bad_input_for_every_command(string content)
    {
        using var fixture = new RunnerFixture();
        Directory.CreateDirectory(fixture.RunDirectory);
        File.WriteAllText(Path.Combine(fixture.RunDirectory, SqliteRunStore.FileName), content);
        var experiment = TestExperiments.Agentic(fixture.KeyVariable);

        foreach (var args in (string[][])[["run", "--offline", "--out", fixture.RunDirectory], ["resume", fixture.RunDirectory], ["export", fixture.RunDirectory]])
        {
            var code = fixture.Run(experiment, default, args);

            Assert.True(code == RunnerHost.UsageError, $"{string.Join(' ', args)}: exit {code}\n{fixture.Errors}");
            Assert.Contains("is not a usable run database", fixture.Errors.ToString());
            Assert.DoesNotContain("internal error", fixture.Errors.ToString());
        }
    }
}
