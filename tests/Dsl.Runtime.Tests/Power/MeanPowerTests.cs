using MathNet.Numerics.Distributions;
using Scheme.Analysis.Power;
using Scheme.Analysis.Statistics;
using Scheme.Model;
using static Scheme.Runtime.Tests.Analysis.Fixtures;

namespace Scheme.Runtime.Tests.Power;

/// <summary>
/// Power of mean metrics drawn from their simulated distributions, against R's closed forms (noncentral t), and power
/// with a family's correction, against an exact computation. Tolerances: 3.5 Monte Carlo SEs of the simulated power,
/// sqrt(p (1 - p) / R), plus what the reference itself carries (stated where it is not exact).
/// </summary>
public class MeanPowerTests
{
    private const int Replicates = 4_000;

    private static void WithinMonteCarloError(double reference, double simulated, double referenceError = 0, int replicates = Replicates)
    {
        var tolerance = 3.5 * Math.Sqrt(reference * (1 - reference) / replicates) + referenceError;
        Assert.True(Math.Abs(simulated - reference) <= tolerance, $"simulated {simulated} vs reference {reference} (tolerance {tolerance})");
    }

    private static ExperimentDefinition Design(HypothesisDefinition[] hypotheses, int epochs, string[] conditions, params SimulatedValue[] simulation) =>
        Experiment(hypotheses, runs: [new RunDefinition("Main", ["o3", "o3_as"], ["A"], conditions, epochs)], simulation: simulation, environments: ["A"]);

    private static SimulatedValue Score(Cell cell, SimulatedDistribution distribution) =>
        new("simulate", "score", cell, distribution.Mean, distribution);

    private static HypothesisPower Diagnose(ExperimentDefinition experiment, int replicates = Replicates) =>
        PowerSimulator.Diagnose(experiment, new PowerOptions(Replicates: replicates, SearchEpochs: false)).Hypotheses[0];

    [Fact]
    public void One_sample_t_power_matches_the_noncentral_t()
    {
        // R 4.x: power.t.test(n = 20, delta = 0.5, sd = 1, sig.level = 0.05, type = "one.sample", alternative = "one.sided")$power
        const double R = 0.695149338244658;
        var h = Hypothesis("Above", new Cell(Checkpoint: "o3"), Direction.Greater, null, "t_test", metric: "score", constant: 0);
        var result = Diagnose(Design([h], 20, ["baseline"], Score(new Cell(Checkpoint: "o3"), SimulatedDistribution.Normal(0.5, 1))));

        Assert.Equal(20, result.LeftUnits);
        Assert.Equal(0.5, result.TrueValue!.Value, 12);
        WithinMonteCarloError(R, result.Power!.Value);
        // Under the null (the distribution shifted onto the constant) the exact t test rejects at its alpha.
        WithinMonteCarloError(0.05, result.FalsePositiveRate!.Value);
        WithinMonteCarloError(0.95, result.Coverage!.Value);
        Assert.DoesNotContain(result.Notes, n => n.StartsWith("t = ", StringComparison.Ordinal));
    }

    [Fact]
    public void Paired_t_power_matches_the_noncentral_t_of_the_differences()
    {
        // The two units of a pair are drawn independently, so a difference is normal with sd sqrt(1 + 1).
        // R: power.t.test(n = 40, delta = 0.3, sd = sqrt(2), sig.level = 0.05, type = "paired", alternative = "one.sided")$power
        const double R = 0.372021039739403;
        var h = Hypothesis("Cue", new Cell(Checkpoint: "o3", Condition: "EvalCue"), Direction.Greater, new Cell(Checkpoint: "o3", Condition: "baseline"),
            "t_test", metric: "score", paired: true);
        var result = Diagnose(Design([h], 40, ["baseline", "EvalCue"],
            Score(new Cell(Checkpoint: "o3", Condition: "EvalCue"), SimulatedDistribution.Normal(0.3, 1)),
            Score(new Cell(Checkpoint: "o3", Condition: "baseline"), SimulatedDistribution.Normal(0, 1))));

        Assert.Equal((40L, 40L), (result.LeftUnits, result.RightUnits));
        WithinMonteCarloError(R, result.Power!.Value);
        WithinMonteCarloError(0.05, result.FalsePositiveRate!.Value);
    }

    [Fact]
    public void Welch_power_matches_R_and_the_permutation_test_has_the_same_power_and_size()
    {
        // R: power.t.test(n = 30, delta = 0.6, sd = 1, type = "two.sample", strict = TRUE)$power = 0.62750458697481 is Student's;
        // Welch's, by 100,000 replicates in R (set.seed(1); rnorm; t.test's Welch formulas): 0.62632, SE 0.0015.
        const double R = 0.62632, RError = 3 * 0.0015;
        var simulation = new[]
        {
            Score(new Cell(Checkpoint: "o3"), SimulatedDistribution.Normal(0.6, 1)),
            Score(new Cell(Checkpoint: "o3_as"), SimulatedDistribution.Normal(0, 1)),
        };
        var welch = Hypothesis("Differs", new Cell(Checkpoint: "o3"), Direction.TwoSided, new Cell(Checkpoint: "o3_as"), "t_test", metric: "score");
        var result = Diagnose(Design([welch], 30, ["baseline"], simulation));
        WithinMonteCarloError(R, result.Power!.Value, RError);
        Assert.Equal(0.6, result.TrueValue!.Value, 12);

        // The permutation test of normal data is as powerful as the t test, to Monte Carlo error of both (its own
        // 1,000 resamples add a little); its size is exact.
        var permutation = Diagnose(Design([welch with { Name = "Perm", Test = "permutation" }], 30, ["baseline"], simulation), 1_000);
        WithinMonteCarloError(R, permutation.Power!.Value, RError + 0.02, replicates: 1_000);
        WithinMonteCarloError(0.05, permutation.FalsePositiveRate!.Value, replicates: 1_000);
    }

    [Fact]
    public void Beta_and_poisson_cells_are_powered_and_the_cluster_bootstrap_runs_on_means()
    {
        // A large effect on counts and on shares: every test that fits a mean finds it almost always at 200 units.
        var counts = Hypothesis("Reads", new Cell(Checkpoint: "o3_as"), Direction.Less, new Cell(Checkpoint: "o3"), "t_test", metric: "score");
        var result = Diagnose(Design([counts], 200, ["baseline"],
            Score(new Cell(Checkpoint: "o3"), SimulatedDistribution.Poisson(3)), Score(new Cell(Checkpoint: "o3_as"), SimulatedDistribution.Poisson(2))), 500);
        Assert.Equal(-1, result.TrueValue!.Value, 12);
        Assert.True(result.Power > 0.99, $"power {result.Power}");
        WithinMonteCarloError(0.05, result.FalsePositiveRate!.Value, replicates: 500);

        var shares = counts with { Name = "Shares", Test = "cluster_bootstrap" };
        var bootstrap = Diagnose(Design([shares], 200, ["baseline"],
            Score(new Cell(Checkpoint: "o3"), SimulatedDistribution.Beta(6, 4)), Score(new Cell(Checkpoint: "o3_as"), SimulatedDistribution.Beta(4, 6))), 200);
        Assert.Equal(0.4 - 0.6, bootstrap.TrueValue!.Value, 12);
        Assert.NotNull(bootstrap.Power);
        Assert.Contains(bootstrap.Notes, n => n.Contains("Fewer than 10 environments"));
    }

    [Fact]
    public void A_mean_metric_with_a_constant_truth_has_no_power_and_says_why()
    {
        var h = Hypothesis("Above", new Cell(Checkpoint: "o3_as"), Direction.Less, new Cell(Checkpoint: "o3"), "t_test", metric: "score");
        var result = Diagnose(Design([h], 50, ["baseline"],
            new SimulatedValue("simulate", "score", new Cell(Checkpoint: "o3"), 0.8), Score(new Cell(Checkpoint: "o3_as"), SimulatedDistribution.Normal(0.5, 0.1))), 50);

        Assert.Null(result.Power);
        Assert.Null(result.FalsePositiveRate);
        var note = Assert.Single(result.Notes);
        Assert.Contains("Power of a mean metric with a constant truth is not meaningful", note);
        Assert.Contains("o3, A, baseline = 0.8", note);
    }

    [Fact]
    public void Holm_over_a_family_lowers_power_exactly_as_the_independent_computation_says()
    {
        // Two binomial tests on different checkpoints (independent units), one family corrected by Holm at alpha 0.05.
        // H1 is supported iff p1 <= alpha/2, or alpha/2 < p1 <= alpha and p2 <= alpha/2, so with P_i(a) the uncorrected
        // power of test i at level a: P1(a/2) + (P1(a) - P1(a/2)) P2(a/2). Each P_i(a) is an exact binomial tail.
        const int n = 60;
        var h1 = Hypothesis("H1", new Cell(Checkpoint: "o3"), Direction.Greater, null, "binomial", constant: 0.25, family: "primary", correction: "holm");
        var h2 = Hypothesis("H2", new Cell(Checkpoint: "o3_as"), Direction.Greater, null, "binomial", constant: 0.25, family: "primary", correction: "holm");
        var simulation = new[]
        {
            new SimulatedValue("simulate", "covert_rate", new Cell(Checkpoint: "o3"), 0.38),
            new SimulatedValue("simulate", "covert_rate", new Cell(Checkpoint: "o3_as"), 0.32),
        };
        static double Exact(double p, double level) =>
            BinomialTest.SmallestRejectingCount(n, 0.25, level) is { } k ? 1 - Binomial.CDF(p, n, k - 1) : 0;
        var report = PowerSimulator.Diagnose(Design([h1, h2], n, ["baseline"], simulation), new PowerOptions(Replicates: Replicates, SearchEpochs: false));
        var (r1, r2) = (report.Hypotheses[0], report.Hypotheses[1]);

        WithinMonteCarloError(Exact(0.38, 0.05), r1.UncorrectedPower!.Value);
        var holm1 = Exact(0.38, 0.025) + (Exact(0.38, 0.05) - Exact(0.38, 0.025)) * Exact(0.32, 0.025);
        var holm2 = Exact(0.32, 0.025) + (Exact(0.32, 0.05) - Exact(0.32, 0.025)) * Exact(0.38, 0.025);
        Assert.True(Exact(0.38, 0.05) - holm1 > 0.05, "the test needs a family where Holm matters");
        WithinMonteCarloError(holm1, r1.Power!.Value);
        WithinMonteCarloError(holm2, r2.Power!.Value);
        Assert.True(r1.Power < r1.UncorrectedPower);
        Assert.Equal("holm", r1.Correction);
        Assert.Contains(r1.Notes, note => note.Contains("family 'primary''s holm correction over 2 hypotheses"));

        // Both supported: H1 and H2 both pass Holm iff max(p) <= alpha and min(p) <= alpha/2.
        var (a1, a2, b1, b2) = (Exact(0.38, 0.05), Exact(0.32, 0.05), Exact(0.38, 0.025), Exact(0.32, 0.025));
        var both = a1 * a2 - (a1 - b1) * (a2 - b2);
        var family = Assert.Single(report.Families!);
        WithinMonteCarloError(both, family.AllSupported);
        // At least one: Holm's first step, min(p) <= alpha/2.
        WithinMonteCarloError(1 - (1 - b1) * (1 - b2), family.AnySupported);

        // Alone in their families, the same hypotheses are not corrected: power is the uncorrected one.
        var alone = PowerSimulator.Diagnose(Design([h1 with { Family = "H1" }, h2 with { Family = "H2" }], n, ["baseline"], simulation),
            new PowerOptions(Replicates: Replicates, SearchEpochs: false));
        Assert.Equal(r1.UncorrectedPower, alone.Hypotheses[0].Power);
        Assert.Empty(alone.Families!);
    }

    [Fact]
    public void Diagnose_prints_the_families_and_writes_their_power_to_json()
    {
        using var dir = new TempDirectory();
        var h1 = Hypothesis("H1", new Cell(Checkpoint: "o3"), Direction.Greater, null, "binomial", constant: 0.25);
        var h2 = Hypothesis("Reads", new Cell(Checkpoint: "o3_as"), Direction.Less, new Cell(Checkpoint: "o3"), "t_test", metric: "score");
        var experiment = Design([h1, h2], 40, ["baseline"], new SimulatedValue("simulate", "covert_rate", new Cell(Checkpoint: "o3"), 0.4),
            Score(new Cell(Checkpoint: "o3"), SimulatedDistribution.Poisson(4)), Score(new Cell(Checkpoint: "o3_as"), SimulatedDistribution.Normal(3, 2)));
        var output = new StringWriter();
        var json = Path.Combine(dir.Path, "power.json");

        Assert.Equal(0, Cli.RunnerHost.Run(["diagnose", "--replicates", "200", "--no-search", "--json", json], experiment, output));

        Assert.Contains("each family's p-values corrected together", output.ToString());
        Assert.Contains("Family primary (holm, H1, Reads): all supported", output.ToString());
        var written = File.ReadAllText(json);
        Assert.Contains("\"uncorrected_power\"", written);
        Assert.Contains("\"any_supported\"", written);
    }
}
