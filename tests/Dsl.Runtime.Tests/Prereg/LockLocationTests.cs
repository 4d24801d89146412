using System.Text.Json;
using Scheme.Analysis.Prereg;
using Scheme.Engine.Store;
using Scheme.Model;
using Scheme.Runtime.Cli;
using static Scheme.Runtime.Tests.Analysis.Fixtures;

namespace Scheme.Runtime.Tests.Prereg;

/// <summary>
/// One lock, found the same way by every command: a run records the hash of the lock in force (or "no lock"), resume
/// keeps it and says when the lock changed, and analyze compares it with the lock it uses. (That the default location is
/// the project's folder, wherever the runner starts, needs a build: ReadmeTests runs the README's commands for it.)
/// </summary>
public class LockLocationTests
{
    private static readonly DateTimeOffset LockTime = new(2025, 9, 1, 9, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset DataTime = new(2025, 9, 2, 9, 0, 0, TimeSpan.Zero);

    private static HypothesisDefinition H1 => Hypothesis("H1", new Cell(Checkpoint: "o3_as"), Direction.Less, new Cell(Checkpoint: "o3"), "fisher_exact");

    private static HypothesisDefinition H2 => Hypothesis("H2", new Cell(Checkpoint: "o3_as"), Direction.Less, new Cell(Checkpoint: "o3"), "fisher_exact", metric: "score");

    private static ExperimentDefinition Suite => Experiment([H1], simulation: [new SimulatedValue("simulate", "covert_rate", new Cell(Checkpoint: "o3"), 0.3)]);

    private static RunManifest Manifest(string directory)
    {
        using var store = SqliteRunStore.Open(directory);
        return store.ReadManifest()!;
    }

    [Fact]
    public void A_run_records_the_lock_it_finds_by_folder_or_file_and_no_lock_explicitly()
    {
        using var dir = new TempDirectory();
        var lockFolder = Path.Combine(dir.Path, "suite");
        // --dir, what prereg took before, still works as an alias of --lock.
        Assert.Equal(0, RunHost(Suite, "prereg", "lock", "--dir", lockFolder).Exit);
        var locked = PreregistrationLock.Read(lockFolder);

        var byFolder = RunHost(Suite, "run", "--offline", "--lock", lockFolder, "--out", Path.Combine(dir.Path, "a"), "--limit", "4");
        var byFile = RunHost(Suite, "run", "--offline", "--lock", Path.Combine(lockFolder, "prereg.lock"), "--out", Path.Combine(dir.Path, "b"), "--limit", "4");
        var none = RunHost(Suite, "run", "--offline", "--lock", Path.Combine(dir.Path, "elsewhere"), "--out", Path.Combine(dir.Path, "c"), "--limit", "4");

        Assert.Equal((0, 0, 0), (byFolder.Exit, byFile.Exit, none.Exit));
        Assert.Contains($"Preregistration lock {locked.Overall[..12]}", byFolder.Output);
        foreach (var run in new[] { "a", "b" })
        {
            var manifest = Manifest(Path.Combine(dir.Path, run));
            Assert.Equal(locked.Overall, manifest.PreregistrationHash);
            Assert.Equal(Path.Combine(lockFolder, "prereg.lock"), manifest.PreregistrationLockPath);
        }
        var unlocked = Manifest(Path.Combine(dir.Path, "c"));
        Assert.Equal(RunManifest.NoLock, unlocked.PreregistrationHash);
        Assert.Equal(Path.Combine(dir.Path, "elsewhere", "prereg.lock"), unlocked.PreregistrationLockPath);
        Assert.Contains("no preregistration lock at", none.Errors);
    }

    [Fact]
    public void A_damaged_lock_refuses_the_run_instead_of_recording_no_lock()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(Path.Combine(dir.Path, "prereg.lock"), "{ not a lock");

        var (exit, _, errors) = RunHost(Suite, "run", "--offline", "--lock", dir.Path, "--out", Path.Combine(dir.Path, "run"), "--limit", "2");

        Assert.Equal(RunnerHost.UsageError, exit);
        Assert.Contains("is not a readable preregistration lock", errors);
        Assert.False(Directory.Exists(Path.Combine(dir.Path, "run")));
    }

    [Fact]
    public void Resume_keeps_the_lock_the_run_started_under_and_says_when_it_changed()
    {
        using var dir = new TempDirectory();
        var run = Path.Combine(dir.Path, "run");
        Assert.Equal(0, RunHost(Suite, "prereg", "lock", "--lock", dir.Path).Exit);
        var first = PreregistrationLock.Read(dir.Path).Overall;
        Assert.Equal(0, RunHost(Suite, "run", "--offline", "--lock", dir.Path, "--out", run, "--limit", "10").Exit);

        var unchanged = RunHost(Suite, "resume", run);
        Assert.Equal(0, unchanged.Exit);
        Assert.DoesNotContain("changed since this run started", unchanged.Errors);

        // The researcher re-locks a changed definition mid-run.
        Assert.Equal(0, RunHost(Experiment([H1, H2]), "prereg", "lock", "--lock", dir.Path, "--force").Exit);
        var second = PreregistrationLock.Read(dir.Path).Overall;
        Assert.NotEqual(first, second);

        var changed = RunHost(Suite, "resume", run);

        Assert.Equal(0, changed.Exit);
        Assert.Contains($"the preregistration lock changed since this run started: it started under lock {first[..12]}, and there is now lock {second[..12]}", changed.Errors);
        Assert.Equal(first, Manifest(run).PreregistrationHash);

        // 'run' again into the directory continues the same run: it keeps its lock too.
        var again = RunHost(Suite, "run", "--offline", "--lock", dir.Path, "--out", run);
        Assert.Equal(0, again.Exit);
        Assert.Contains("the preregistration lock changed since this run started", again.Errors);
        Assert.Equal(first, Manifest(run).PreregistrationHash);
    }

    /// <summary>Tamper: the run was collected under one lock (or none) and analyzed against another: never confirmatory, and said.</summary>
    [Theory]
    [InlineData("same", true)]
    [InlineData("other", false)]
    [InlineData("none", false)]
    public void Analyze_says_when_the_runs_recorded_lock_differs_from_the_lock_used(string recorded, bool confirmatory)
    {
        using var dir = new TempDirectory();
        var experiment = Experiment([H1]);
        var locked = PreregistrationLock.Create(experiment, LockTime, null);
        locked.Write(dir.Path);
        var run = Path.Combine(dir.Path, "run");
        var hash = recorded switch
        {
            "same" => locked.Overall,
            "other" => new string('a', 64),
            _ => RunManifest.NoLock,
        };
        using (var store = SqliteRunStore.Open(run))
        {
            store.WriteManifest(new RunManifest("Test", "hash", "0.0", null, ["run"], DataTime, DataTime, hash, Path.Combine(dir.Path, "prereg.lock"), false));
            foreach (var unit in Units("o3_as", "A", "baseline", 40, 1, finishedAt: DataTime).Concat(Units("o3", "A", "baseline", 40, 12, finishedAt: DataTime)))
            {
                store.Record(unit with { Simulated = false });
            }
        }

        var (exit, output, errors) = RunHost(experiment, "analyze", run, "--lock", dir.Path);

        Assert.Equal(0, exit);
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "analysis.json")));
        var h1 = json.RootElement.GetProperty("hypotheses")[0];
        Assert.Equal(confirmatory, h1.GetProperty("confirmatory").GetBoolean());
        Assert.Equal(hash, json.RootElement.GetProperty("preregistration").GetProperty("run_lock_hash").GetString());
        var deviations = h1.GetProperty("deviations").EnumerateArray().Select(d => d.GetString()!).ToList();
        if (confirmatory)
        {
            Assert.DoesNotContain("warning", errors);
            Assert.Empty(deviations);
            return;
        }
        var expected = recorded == "none" ? "The run started without a preregistration lock" : $"The run started under preregistration lock {new string('a', 12)}, not the lock used now ({locked.Overall[..12]}";
        Assert.Contains("warning: " + expected, errors);
        Assert.Contains(deviations, d => d.StartsWith(expected, StringComparison.Ordinal));
        Assert.Contains(expected, output);
    }
}
