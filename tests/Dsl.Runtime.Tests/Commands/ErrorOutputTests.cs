using Scheme.Analysis.Prereg;
using Scheme.Model;
using Scheme.Runtime.Cli;
using static Scheme.Runtime.Tests.Analysis.Fixtures;

namespace Scheme.Runtime.Tests.Commands;

/// <summary>
/// The plan and prereg commands write their errors to the writer the host is given, as every other command does,
/// so a host (or a test) that captures the runner's output sees them, and nothing reaches the process's console.
/// </summary>
public class ErrorOutputTests
{
    private static readonly HypothesisDefinition H1 =
        Hypothesis("H1", new Cell(Checkpoint: "o3_as"), Direction.Less, new Cell(Checkpoint: "o3"), "fisher_exact");

    [Fact]
    public void Plan_of_an_unknown_run_names_the_runs_on_the_error_writer()
    {
        var (exit, output, errors) = RunHost(Experiment(), "plan", "--run", "Nope");

        Assert.Equal(RunnerHost.UsageError, exit);
        Assert.Equal("Unknown run 'Nope'. Runs: Main." + System.Environment.NewLine, errors);
        Assert.Empty(output);
    }

    [Fact]
    public void Plan_of_an_experiment_without_runs_says_so_on_the_error_writer()
    {
        var (exit, output, errors) = RunHost(Experiment(runs: []), "plan");

        Assert.Equal(RunnerHost.UsageError, exit);
        Assert.Contains("Experiment Test declares no run.", errors);
        Assert.Empty(output);
    }

    [Fact]
    public void Prereg_lock_without_fingerprints_says_so_on_the_error_writer()
    {
        using var dir = new TempDirectory();

        var (exit, output, errors) = RunHost(Experiment([H1], withDigest: false), "prereg", "lock", "--dir", dir.Path);

        Assert.Equal(RunnerHost.UsageError, exit);
        Assert.Contains("has no preregistration fingerprints; rebuild it", errors);
        Assert.Empty(output);
        Assert.False(File.Exists(PreregistrationLock.PathIn(dir.Path)));
    }

    [Fact]
    public void Prereg_lock_over_a_different_lock_refuses_on_the_error_writer()
    {
        using var dir = new TempDirectory();
        Assert.Equal(RunnerHost.Success, RunHost(Experiment([H1]), "prereg", "lock", "--dir", dir.Path).Exit);

        var (exit, output, errors) = RunHost(Experiment([H1 with { Alpha = 0.01 }]), "prereg", "lock", "--dir", dir.Path);

        Assert.Equal(PreregCommand.Mismatch, exit);
        Assert.Contains("locks a different definition; 'prereg verify' shows how. Use --force", errors);
        Assert.Empty(output);
    }

    [Fact]
    public void Prereg_verify_without_a_lock_says_so_on_the_error_writer()
    {
        using var dir = new TempDirectory();

        var (exit, output, errors) = RunHost(Experiment([H1]), "prereg", "verify", "--dir", dir.Path);

        Assert.Equal(PreregCommand.Mismatch, exit);
        Assert.Contains("No preregistration lock at", errors);
        Assert.Contains("Create one with 'prereg lock'.", errors);
        Assert.Empty(output);
    }

    [Fact]
    public void Prereg_verify_without_fingerprints_says_so_on_the_error_writer()
    {
        using var dir = new TempDirectory();
        Assert.Equal(RunnerHost.Success, RunHost(Experiment([H1]), "prereg", "lock", "--dir", dir.Path).Exit);

        var (exit, output, errors) = RunHost(Experiment([H1], withDigest: false), "prereg", "verify", "--dir", dir.Path);

        Assert.Equal(PreregCommand.Mismatch, exit);
        Assert.Contains("Experiment Test has no preregistration fingerprints to verify.", errors);
        Assert.Empty(output);
    }
}
