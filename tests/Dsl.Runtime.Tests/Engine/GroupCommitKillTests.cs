using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Scheme.Engine.Store;
using Scheme.Runtime.Cli;
using Scheme.Testing.Fakes;

namespace Scheme.Runtime.Tests.Engine;

/// <summary>
/// Group commit under SIGKILL: a child runner is killed at several random points (a seeded RNG picks them; each kill is
/// triggered by an event of the child's own progress, never by a timer: its progress line, or a request it sends), resumed in a new child each time, and finally
/// resumed to the end here. Then every planned unit is in run.db exactly once, done, with the outcomes and metrics of an
/// uninterrupted run, and every unit committed before a kill kept its row (it was not run again).
/// </summary>
public sealed partial class GroupCommitKillTests
{
    private const int Seed = 1313;

    /// <summary>
    /// 30,000 offline units (the writer of an offline run is busy most of the time, so a kill at a random point falls
    /// during or between group commits), killed when the child's progress line passes a random number of units.
    /// </summary>
    [Fact]
    public void An_offline_run_killed_at_random_points_and_resumed_stores_every_unit_once_with_the_uninterrupted_outcomes()
    {
        const int tasks = 500, epochs = 60, total = tasks * epochs;
        using var fixture = new RunnerFixture();
        var experiment = TestExperiments.Agentic(fixture.KeyVariable, tasks, epochs);
        var reference = Path.Combine(fixture.Root, "reference");
        Assert.Equal(RunnerHost.Success, fixture.Run(experiment, default, "run", "--offline", "--out", reference, "--progress-interval", "3600"));

        var random = new Random(Seed);
        var kept = new Dictionary<string, UnitRecord>(StringComparer.Ordinal);
        var lostAtSomeKill = false;
        // Three kills in different thirds of the run: in the first run, then in two resumes.
        foreach (var (kill, range) in new[] { (0, (0.05, 0.30)), (1, (0.40, 0.60)), (2, (0.70, 0.90)) })
        {
            var threshold = (long)(total * (range.Item1 + (random.NextDouble() * (range.Item2 - range.Item1))));
            string[] command = kill == 0
                ? ["run", "--offline", "--out", fixture.RunDirectory, "--progress-interval", "0.002"]
                : ["resume", fixture.RunDirectory, "--progress-interval", "0.002"];
            var seen = KillWhenProgressPasses(fixture, tasks, epochs, command, threshold);

            var stored = fixture.Units().ToDictionary(u => u.UnitId, StringComparer.Ordinal);
            Assert.InRange(stored.Count, kept.Count, total - 1);
            Assert.All(stored.Values, u => Assert.Equal(UnitStatus.Done, u.Status));
            AssertKept(kept, stored);
            lostAtSomeKill |= stored.Count < seen;
            kept = stored;
        }

        Assert.Equal(RunnerHost.Success, fixture.Run(experiment, default, "resume", fixture.RunDirectory, "--progress-interval", "3600"));
        var final = fixture.Units();
        AssertSameUnits(fixture.Units(reference), final, total);
        AssertKept(kept, final.ToDictionary(u => u.UnitId, StringComparer.Ordinal));
        // At least one kill fell while finished units were still waiting for their group: resume ran them again.
        Assert.True(lostAtSomeKill, "every kill fell exactly on a group boundary; the test did not exercise a lost group");
    }

    /// <summary>
    /// A live run against the fake OpenAI server through the real SDK, killed from inside a request whose number the
    /// seeded RNG picks (twice: the run and its first resume), then resumed here to the end.
    /// </summary>
    [Fact]
    public async Task A_live_run_killed_at_random_requests_and_resumed_stores_every_unit_once_with_the_uninterrupted_outcomes()
    {
        const int tasks = 40;
        using var fixture = new RunnerFixture();
        var experiment = TestExperiments.Agentic(fixture.KeyVariable, tasks);
        var random = new Random(Seed);
        // Requests per phase (0 = the reference run here, 1-2 = the killed children, 3 = the final resume); -1 while a
        // child is dying, whose late requests count for no phase.
        var phase = 0;
        var byPhase = new ConcurrentDictionary<int, ConcurrentBag<int>>();
        var requests = 0;
        var killAt = int.MaxValue;
        Process? runner = null;
        var killed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var agent = new ScriptedAgent
        {
            Latency = TimeSpan.FromMilliseconds(10),
            OnRequest = task =>
            {
                var current = Volatile.Read(ref phase);
                if (current < 0)
                {
                    return;
                }
                byPhase.GetOrAdd(current, _ => []).Add(task);
                if (current is 1 or 2 && Interlocked.Increment(ref requests) == Volatile.Read(ref killAt))
                {
                    // Killed from inside a request, before it is answered: the child is certainly mid-run.
                    Volatile.Write(ref phase, -1);
                    Volatile.Read(ref runner)?.Kill(entireProcessTree: true);
                    killed.TrySetResult();
                }
            },
        };
        await using var server = FakeOpenAiServer.Start();
        server.Handler = agent.Reply;
        var reference = Path.Combine(fixture.Root, "reference");
        Assert.Equal(RunnerHost.Success, fixture.Run(experiment, default, "run", "--endpoint", server.BaseUrl, "--out", reference, "--no-cache", "--concurrency", "4"));

        var kept = new Dictionary<string, UnitRecord>(StringComparer.Ordinal);
        var doneBefore = new HashSet<int>();
        for (var kill = 1; kill <= 2; kill++)
        {
            killed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Volatile.Write(ref requests, 0);
            // A unit asks 3-4 requests: kill somewhere in the first half of what is left.
            Volatile.Write(ref killAt, random.Next(4, Math.Max(5, (tasks - kept.Count) * 3 / 2)));
            string[] command = kill == 1
                ? ["run", "--endpoint", server.BaseUrl, "--out", fixture.RunDirectory, "--no-cache", "--concurrency", "4"]
                : ["resume", fixture.RunDirectory];
            using var child = Process.Start(ChildRunner(fixture, tasks, 1, command))!;
            Volatile.Write(ref runner, child);
            Volatile.Write(ref phase, kill);
            var output = ReadLines(child.StandardOutput, _ => { });
            var errors = ReadLines(child.StandardError, _ => { });
            await Task.WhenAny(killed.Task, child.WaitForExitAsync());
            await child.WaitForExitAsync();
            Assert.True(killed.Task.IsCompleted, $"the child ended before request {killAt}: {await output} {await errors}");

            var stored = fixture.Units();
            Assert.InRange(stored.Count, kept.Count, tasks - 1);
            AssertKept(kept, stored.ToDictionary(u => u.UnitId, StringComparer.Ordinal));
            // A unit stored before this child started asked the model nothing in it.
            Assert.Empty(byPhase.GetOrAdd(kill, _ => []).Where(doneBefore.Contains).Distinct());
            kept = stored.ToDictionary(u => u.UnitId, StringComparer.Ordinal);
            doneBefore = stored.Select(u => int.Parse(u.Variant[2..], CultureInfo.InvariantCulture)).ToHashSet();
        }

        Volatile.Write(ref phase, 3);
        Assert.Equal(RunnerHost.Success, fixture.Run(experiment, default, "resume", fixture.RunDirectory));
        Assert.Empty(byPhase.GetOrAdd(3, _ => []).Where(doneBefore.Contains).Distinct());
        Assert.NotEmpty(byPhase[3]);
        var final = fixture.Units();
        AssertSameUnits(fixture.Units(reference), final, tasks);
        AssertKept(kept, final.ToDictionary(u => u.UnitId, StringComparer.Ordinal));
    }

    /// <summary>Rows committed before a kill survive it and are never redone: the same row, finish time and transcript included.</summary>
    private static void AssertKept(Dictionary<string, UnitRecord> kept, Dictionary<string, UnitRecord> now)
    {
        foreach (var (id, before) in kept)
        {
            Assert.True(now.TryGetValue(id, out var after), $"unit {id} was committed and is gone");
            Assert.Equal(before.FinishedAt, after.FinishedAt);
            Assert.Equal(before.TranscriptJson, after.TranscriptJson);
        }
    }

    /// <summary>Every planned unit once, done, with the reference's outcomes and metrics.</summary>
    private static void AssertSameUnits(IReadOnlyList<UnitRecord> reference, IReadOnlyList<UnitRecord> resumed, int total)
    {
        Assert.Equal(total, reference.Count);
        Assert.Equal(total, resumed.Count);
        Assert.Equal(reference.Select(u => u.UnitId), resumed.Select(u => u.UnitId));
        Assert.All(resumed, u => Assert.Equal(UnitStatus.Done, u.Status));
        Assert.Equal(reference.Select(Key), resumed.Select(Key));

        static string Key(UnitRecord u) => $"{u.UnitId} {u.Variant} {u.Epoch} {u.Seed} " +
            string.Join(",", u.Outcomes.OrderBy(o => o.Key, StringComparer.Ordinal).Select(o => $"{o.Key}={o.Value}")) + " " +
            string.Join(",", u.Metrics.OrderBy(m => m.Key, StringComparer.Ordinal).Select(m => $"{m.Key}={m.Value?.ToString("R", CultureInfo.InvariantCulture)}"));
    }

    /// <summary>
    /// Runs a child runner that kills itself (SIGKILL) at the first progress line showing at least <paramref name="threshold"/>
    /// units finished: the kill happens in the child at that event, however loaded the machine is (a kill sent from this
    /// process would arrive whenever the scheduler lets it). Returns that line's count.
    /// </summary>
    private static long KillWhenProgressPasses(RunnerFixture fixture, int tasks, int epochs, string[] command, long threshold)
    {
        using var child = Process.Start(ChildRunner(fixture, tasks, epochs, command, threshold))!;
        var output = ReadLines(child.StandardOutput, _ => { });
        var errors = ReadLines(child.StandardError, _ => { });
        child.WaitForExit();
        var killed = KilledAt().Match(output.Result);
        Assert.True(killed.Success, $"the child ended (exit {child.ExitCode}) before {threshold} units: {output.Result} {errors.Result}");
        Assert.Equal(128 + 9, child.ExitCode); // SIGKILL
        return long.Parse(killed.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    /// <summary>The child's output: passes everything on, and SIGKILLs its own process once a progress line shows
    /// <paramref name="killAt"/> units finished (after saying so, so the test knows where).</summary>
    public sealed class KillAtProgress(TextWriter inner, long killAt) : TextWriter
    {
        public override System.Text.Encoding Encoding => inner.Encoding;

        public override void Write(char value) => inner.Write(value);

        public override void Write(string? value) => inner.Write(value);

        public override void WriteLine(string? value)
        {
            inner.WriteLine(value);
            if (value is not null && Progress().Match(value) is { Success: true } match
                && long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) is var finished && finished >= killAt)
            {
                inner.WriteLine($"killed at {finished}");
                inner.Flush();
                Process.GetCurrentProcess().Kill();
            }
        }
    }

    private static ProcessStartInfo ChildRunner(RunnerFixture fixture, int tasks, int epochs, string[] command, long killAt = long.MaxValue)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in (string[])[typeof(Program).Assembly.Location, "runner-epochs", fixture.KeyVariable,
                     tasks.ToString(CultureInfo.InvariantCulture), epochs.ToString(CultureInfo.InvariantCulture), killAt.ToString(CultureInfo.InvariantCulture), .. command])
        {
            start.ArgumentList.Add(arg);
        }
        start.Environment[fixture.KeyVariable] = fixture.Key;
        return start;
    }

    /// <summary>Reads lines on a dedicated thread (async pipe reads block pool threads on Unix), calling back per line.</summary>
    private static Task<string> ReadLines(StreamReader reader, Action<string> onLine)
    {
        var text = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        new Thread(() =>
        {
            var all = new System.Text.StringBuilder();
            while (reader.ReadLine() is { } line)
            {
                onLine(line);
                all.AppendLine(line);
            }
            text.SetResult(all.ToString());
        }) { IsBackground = true }.Start();
        return text.Task;
    }

    [GeneratedRegex(@"^progress: (\d+)/\d+ units")]
    private static partial Regex Progress();

    [GeneratedRegex(@"^killed at (\d+)$", RegexOptions.Multiline)]
    private static partial Regex KilledAt();
}
