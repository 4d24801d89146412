using Scheme.Analysis;
using Scheme.Analysis.Prereg;
using Scheme.Engine.Store;
using Scheme.Model;
using Scheme.Runtime.Cli;
using static Scheme.Runtime.Tests.Analysis.Fixtures;

namespace Scheme.Runtime.Tests.Prereg;

/// <summary>
/// Tamper tests: definitions differing in one part after the lock. (That comments and layout do not change a
/// part's hash is the compiler's canonical rendering, tested in PreregistrationDigestTests.)
/// </summary>
public class PreregistrationTests
{
    private static readonly DateTimeOffset LockTime = new(2025, 9, 1, 9, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset DataTime = new(2025, 9, 2, 9, 0, 0, TimeSpan.Zero);

    private static HypothesisDefinition H1 => Hypothesis("H1", new Cell(Checkpoint: "o3_as"), Direction.Less, new Cell(Checkpoint: "o3"), "fisher_exact");
    private static HypothesisDefinition H2 => Hypothesis("H2", new Cell(Checkpoint: "o3_as"), Direction.Less, new Cell(Checkpoint: "o3"), "fisher_exact", metric: "score_rate");

    private static ExperimentDefinition Locked => Experiment([H1]);

    private static IEnumerable<UnitRecord> Data() =>
        Units("o3_as", "A", "baseline", 40, 1, finishedAt: DataTime).Concat(Units("o3", "A", "baseline", 40, 12, finishedAt: DataTime));

    private static HypothesisResult AnalyzeH1(ExperimentDefinition current, PreregistrationLock? locked, DateTimeOffset? firstUnit = null) =>
        ExperimentAnalyzer.Analyze(current, Data(), new AnalysisOptions(Lock: locked, FirstUnitStartedAt: firstUnit)).Hypotheses.Single(h => h.Name == "H1");

    [Fact]
    public void Lock_round_trips_through_the_file_and_TryRead_gives_the_overall_hash()
    {
        using var dir = new TempDirectory();
        var locked = PreregistrationLock.Create(Locked, LockTime, "abc123", "1.2.3");
        var path = locked.Write(dir.Path);
        Assert.Equal(Path.Combine(dir.Path, "prereg.lock"), path);
        var read = PreregistrationLock.Read(dir.Path);
        Assert.Equal(locked.Overall, read.Overall);
        Assert.Equal(Locked.Preregistration!.Overall, read.Overall);
        Assert.Equal(("abc123", "1.2.3", LockTime), (read.GitCommit, read.CompilerVersion, read.LockedAt));
        Assert.Equal(locked.Parts, read.Parts);
        Assert.Contains("\"canonical\": \"hypothesis H1", File.ReadAllText(path));
        Assert.Equal(locked.Overall, PreregistrationLock.TryRead(dir.Path));
        using var empty = new TempDirectory();
        Assert.Null(PreregistrationLock.TryRead(empty.Path));
    }

    [Fact]
    public void Identical_definition_locked_before_the_data_is_confirmatory()
    {
        var locked = PreregistrationLock.Create(Locked, LockTime, null);
        Assert.Empty(PreregistrationVerifier.Compare(locked, Experiment([H1]).Preregistration!));
        var h = AnalyzeH1(Experiment([H1]), locked);
        Assert.True(h.Confirmatory, string.Join("; ", h.Deviations));
        Assert.Empty(h.Deviations);
    }

    [Fact]
    public void Changed_hypothesis_is_exploratory_with_old_and_new_text()
    {
        var locked = PreregistrationLock.Create(Locked, LockTime, null);
        var changed = Experiment([H1 with { Alpha = 0.05 / 2, Test = "newcombe" }]);
        var h = AnalyzeH1(changed, locked);
        Assert.False(h.Confirmatory);
        var deviation = Assert.Single(h.Deviations);
        Assert.Contains("hypothesis H1 changed after the lock", deviation);
        Assert.Contains("test: fisher_exact", deviation);
        Assert.Contains("test: newcombe", deviation);
    }

    [Fact]
    public void Changed_metric_makes_its_hypotheses_exploratory()
    {
        var locked = PreregistrationLock.Create(Locked, LockTime, null);
        var h = AnalyzeH1(Experiment([H1], metricCanonical: "metric covert_rate = rate((covert_action or confessed))"), locked);
        Assert.False(h.Confirmatory);
        Assert.Contains(h.Deviations, d => d.Contains("metric covert_rate changed") && d.Contains("rate(covert_action)") && d.Contains("confessed"));
    }

    [Fact]
    public void Changed_design_is_detected()
    {
        var locked = PreregistrationLock.Create(Locked, LockTime, null);
        var more = Experiment([H1], runs: [new RunDefinition("Main", ["o3", "o3_as"], ["A", "B"], ["baseline", "EvalCue"], 200)]);
        var h = AnalyzeH1(more, locked);
        Assert.False(h.Confirmatory);
        Assert.Contains(h.Deviations, d => d.Contains("run Main changed") && d.Contains("epochs: 100") && d.Contains("epochs: 200"));

        var anotherEnvironment = Experiment([H1], environments: ["A", "B", "C"]);
        var changes = PreregistrationVerifier.Compare(locked, anotherEnvironment.Preregistration!);
        Assert.Contains(changes, c => c is { Name: "environment C", Kind: PartChangeKind.Added });
        Assert.False(AnalyzeH1(anotherEnvironment, locked).Confirmatory);
    }

    [Fact]
    public void Changed_simulated_values_of_the_metric_are_detected()
    {
        var locked = PreregistrationLock.Create(Locked, LockTime, null);
        var h = AnalyzeH1(Experiment([H1], simulateCanonical: "simulate simulate { covert_rate[o3] = 0.2; }"), locked);
        Assert.False(h.Confirmatory);
        Assert.Contains(h.Deviations, d => d.StartsWith("simulate covert_rate changed after the lock"));
    }

    [Fact]
    public void Unrelated_changes_leave_a_hypothesis_confirmatory()
    {
        var locked = PreregistrationLock.Create(Experiment([H1, H2]), LockTime, null);
        var h2Changed = Experiment([H1, H2 with { Alpha = 0.001 }]);
        Assert.True(AnalyzeH1(h2Changed, locked).Confirmatory);
        Assert.NotEmpty(PreregistrationVerifier.Compare(locked, h2Changed.Preregistration!));
    }

    [Fact]
    public void A_lock_made_after_the_first_unit_is_exploratory_with_both_times()
    {
        var late = PreregistrationLock.Create(Locked, DataTime.AddHours(1), null);
        var h = AnalyzeH1(Experiment([H1]), late);
        Assert.False(h.Confirmatory);
        var deviation = Assert.Single(h.Deviations);
        Assert.Contains("2025-09-02 10:00:00Z", deviation);
        Assert.Contains("2025-09-02 08:59:59Z", deviation); // first unit started = finished minus its 1 s latency
    }

    [Fact]
    public void Without_a_lock_or_a_first_unit_time_nothing_is_confirmatory()
    {
        Assert.False(AnalyzeH1(Experiment([H1]), null).Confirmatory);
        var locked = PreregistrationLock.Create(Locked, LockTime, null);
        var units = Data().Select(u => u with { FinishedAt = null });
        var h = ExperimentAnalyzer.Analyze(Experiment([H1]), units, new AnalysisOptions(Lock: locked)).Hypotheses[0];
        Assert.False(h.Confirmatory);
        Assert.Contains("first unit is unknown", Assert.Single(h.Deviations));
        var given = ExperimentAnalyzer.Analyze(Experiment([H1]), Data().Select(u => u with { FinishedAt = null }),
            new AnalysisOptions(Lock: locked, FirstUnitStartedAt: DataTime)).Hypotheses[0];
        Assert.True(given.Confirmatory);
    }

    [Fact]
    public void Prereg_lock_and_verify_commands_exit_non_zero_on_tampering()
    {
        using var dir = new TempDirectory();
        var output = new StringWriter();
        Assert.Equal(0, RunnerHost.Run(["prereg", "lock", "--dir", dir.Path], Locked, output));
        Assert.True(File.Exists(Path.Combine(dir.Path, "prereg.lock")));
        Assert.Equal(0, RunnerHost.Run(["prereg", "verify", "--dir", dir.Path], Experiment([H1]), output));
        Assert.Contains("Verified", output.ToString());

        var tampered = new StringWriter();
        Assert.Equal(PreregCommand.Mismatch, RunnerHost.Run(["prereg", "verify", "--dir", dir.Path], Experiment([H1 with { Direction = Direction.TwoSided }]), tampered));
        Assert.Contains("hypothesis H1 changed after the lock", tampered.ToString());
        Assert.Contains("!=", tampered.ToString());

        Assert.Equal(PreregCommand.Mismatch, RunnerHost.Run(["prereg", "lock", "--dir", dir.Path], Experiment([H1, H2]), new StringWriter()));
        Assert.Equal(0, RunnerHost.Run(["prereg", "lock", "--dir", dir.Path, "--force"], Experiment([H1, H2]), new StringWriter()));
        using var empty = new TempDirectory();
        Assert.Equal(PreregCommand.Mismatch, RunnerHost.Run(["prereg", "verify", "--dir", empty.Path], Locked, new StringWriter()));
    }

    [Fact]
    public void Analyze_command_writes_analysis_json_and_reports_malformed_lines()
    {
        using var dir = new TempDirectory();
        var data = Path.Combine(dir.Path, "units.jsonl");
        using (var stream = File.Create(data))
        {
            UnitJsonl.Write(Data(), stream);
            stream.Write("{broken\n"u8);
        }
        PreregistrationLock.Create(Locked, LockTime, null).Write(dir.Path);
        var output = new StringWriter();
        var exit = RunnerHost.Run(["analyze", "--data", data, "--lock", Path.Combine(dir.Path, "prereg.lock"), "--out", dir.Path], Locked, output);
        Assert.Equal(AnalyzeCommand.MalformedData, exit);
        var json = File.ReadAllText(Path.Combine(dir.Path, "analysis.json"));
        Assert.Contains("\"confirmatory\": true", json);
        Assert.Contains("\"malformed\": 1", json);
        Assert.Contains("H1", output.ToString());
        Assert.Contains("confirmatory", output.ToString());
        Assert.Equal(RunnerHost.UsageError, RunnerHost.Run(["analyze"], Locked, new StringWriter()));
    }
}
