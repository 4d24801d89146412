using System.Diagnostics;
using System.Globalization;
using System.Runtime.Versioning;
using Scheme.Engine.Sandbox;
using Scheme.Model;

namespace Scheme.Runtime.Tests.Sandbox;

/// <summary>
/// Episodes end cleanly whatever happens: a runner killed with SIGKILL takes its commands with it, and the next runner to
/// start removes the trees it left (mounts included) while leaving a live runner's alone; many concurrent episodes each
/// get a tree of their own, all removed.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class KilledRunnerTests
{
    [Fact]
    public async Task A_killed_runners_commands_die_with_it_and_the_next_runner_removes_its_tree()
    {
        using var parent = new TempDirectory();
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in (string[])[typeof(KilledRunnerTests).Assembly.Location, "sandbox-episode", parent.Path])
        {
            start.ArgumentList.Add(argument);
        }
        using var child = Process.Start(start)!;
        var line = await child.StandardOutput.ReadLineAsync() ?? throw new InvalidOperationException("The child printed nothing.");
        var (folder, user) = (line.Split(' ')[0], uint.Parse(line.Split(' ')[1], CultureInfo.InvariantCulture));
        Assert.True(SandboxFixture.ProcessesOf(user) > 0, "the child's command is not running");

        child.Kill();
        await child.WaitForExitAsync();

        // --die-with-parent: the command dies with the runner, at once.
        var clock = Stopwatch.StartNew();
        while (SandboxFixture.ProcessesOf(user) > 0 && clock.Elapsed < TimeSpan.FromSeconds(5))
        {
            await Task.Delay(20);
        }
        Assert.Equal(0, SandboxFixture.ProcessesOf(user));
        Assert.True(SandboxFixture.IsMounted(folder), "the killed runner's tree should still be there for the next runner to remove");

        // A live runner's folder (its lock held) beside it must survive the sweep.
        var live = Path.Combine(parent.Path, "live");
        Directory.CreateDirectory(Path.Combine(live, "e1"));
        using (new FileStream(Path.Combine(live, SandboxRoot.LockName), FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None))
        {
            using var next = new BubblewrapBackend(parent.Path);
            await using var session = await next.OpenAsync(new SandboxSpec("/home/user", [], [], EnvironmentLimits.Default), CancellationToken.None);

            Assert.False(SandboxFixture.IsMounted(folder));
            Assert.False(Directory.Exists(Path.GetDirectoryName(folder)));
            Assert.True(Directory.Exists(Path.Combine(live, "e1")));
        }
    }

    [Fact]
    public async Task Concurrent_episodes_each_get_their_own_tree_and_every_tree_is_removed()
    {
        using var parent = new TempDirectory();
        using var backend = new BubblewrapBackend(parent.Path);

        var outputs = await Task.WhenAll(Enumerable.Range(0, 16).Select(async i =>
        {
            await using var session = await backend.OpenAsync(new SandboxSpec("/home/user", [new WorkspaceFile("id.txt", $"{i}")], [], EnvironmentLimits.Default),
                CancellationToken.None);
            var outcome = await session.RunAsync(CommandKind.Bash, "sleep 0.2; cat id.txt; ls /home/user | wc -l", CancellationToken.None);
            return outcome.Output;
        }));

        Assert.Equal(Enumerable.Range(0, 16).Select(i => $"{i}1\n"), outputs);
        var runner = Assert.Single(Directory.GetDirectories(parent.Path));
        Assert.Empty(Directory.GetDirectories(runner));
        Assert.DoesNotContain(File.ReadLines("/proc/self/mountinfo"), l => l.Contains(parent.Path, StringComparison.Ordinal));
    }

    /// <summary>The child's side: one episode whose command never ends, held until the process is killed.</summary>
    public static int HoldAnEpisode(string parent)
    {
        var backend = new BubblewrapBackend(parent);
        var session = (BubblewrapSession)backend.OpenAsync(new SandboxSpec("/home/user", [], [], new EnvironmentLimits(MaxCommandSeconds: 600)),
            CancellationToken.None).GetAwaiter().GetResult();
        var command = session.RunAsync(CommandKind.Bash, "sleep 1000", CancellationToken.None);
        while (SandboxFixture.ProcessesOf(session.User) == 0)
        {
            Thread.Sleep(10);
        }
        Console.WriteLine($"{session.Folder} {session.User.ToString(CultureInfo.InvariantCulture)}");
        command.GetAwaiter().GetResult();
        return 0;
    }
}
