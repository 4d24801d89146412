using MathNet.Numerics;
using MathNet.Numerics.Distributions;
using Scheme.Analysis.Power;
using Scheme.Analysis.Statistics;
using Scheme.Engine.Design;
using Scheme.Model;
using static Scheme.Runtime.Tests.Analysis.Fixtures;

namespace Scheme.Runtime.Tests.Power;

/// <summary>Simulated power, size and coverage against exact values summed over the binomial distribution.</summary>
public class PowerSimulatorTests
{
    private const int Replicates = 4_000;

    private static void WithinMonteCarloError(double exact, double simulated, int replicates = Replicates)
    {
        var se = Math.Sqrt(Math.Max(exact * (1 - exact), 1e-4) / replicates);
        Assert.True(Math.Abs(simulated - exact) <= 3 * se, $"simulated {simulated} vs exact {exact} (3 SE = {3 * se})");
    }

    private static ExperimentDefinition OneCell(HypothesisDefinition h, int epochs, params SimulatedValue[] simulation) =>
        Experiment([h], runs: [new RunDefinition("Main", ["o3", "o3_as"], ["A"], ["baseline"], epochs)], simulation: simulation, environments: ["A"]);

    [Fact]
    public void Binomial_power_size_and_coverage_match_exact_sums()
    {
        // Meinke et al.'s rule: one-sided binomial test against 25% at alpha 0.01 with 99 samples rejects from 36.
        var h = Hypothesis("Schemer", new Cell(Checkpoint: "o3"), Direction.Greater, null, "binomial", alpha: 0.01, constant: 0.25);
        var experiment = OneCell(h, 99, new SimulatedValue("simulate", "covert_rate", new Cell(Checkpoint: "o3"), 0.4));
        var report = PowerSimulator.Diagnose(experiment, new PowerOptions(Replicates: Replicates, SearchEpochs: false));
        var result = Assert.Single(report.Hypotheses);

        Assert.Equal(36, BinomialTest.SmallestRejectingCount(99, 0.25, 0.01));
        var exactPower = 1 - Binomial.CDF(0.4, 99, 35);
        var exactSize = 1 - Binomial.CDF(0.25, 99, 35);
        // The interval is the test's: the one-sided 99% Clopper-Pearson lower bound (the lower end of the two-sided 98% one).
        var exactCoverage = Enumerable.Range(0, 100).Where(k => ClopperPearsonInterval.Compute(k, 99, 0.98).Lower <= 0.4)
            .Sum(k => Binomial.PMF(0.4, 99, k));
        Assert.Equal(99, result.LeftUnits);
        Assert.Equal(0.15, result.TrueValue!.Value, 12);
        WithinMonteCarloError(exactPower, result.Power!.Value);
        WithinMonteCarloError(exactSize, result.FalsePositiveRate!.Value);
        WithinMonteCarloError(exactCoverage, result.Coverage!.Value);
    }

    [Fact]
    public void A_conditional_rate_is_powered_by_its_conditioning_count()
    {
        // confession_rate = rate(confessed given covert_action): of 400 units, only those with a covert action (25%) count.
        var h = Hypothesis("Confesses", new Cell(Checkpoint: "o3"), Direction.Greater, null, "binomial", metric: "confession_rate", alpha: 0.05, constant: 0.5);
        var confession = new MetricDefinition("confession_rate", MetricAggregation.Rate, t => t.Outcome("confessed") ? 1 : 0, ["confessed", "covert_action"],
            Condition: t => t.Outcome("covert_action"), AppliesTo: ["A"], CountedWhen: "covert_action");
        var experiment = OneCell(h, 400,
            new SimulatedValue("simulate", "covert_rate", new Cell(Checkpoint: "o3"), 0.25),
            new SimulatedValue("simulate", "confession_rate", new Cell(Checkpoint: "o3"), 0.6));
        experiment = experiment with { Metrics = [.. experiment.Metrics, confession] };

        var result = PowerSimulator.Diagnose(experiment, new PowerOptions(Replicates: Replicates, SearchEpochs: false)).Hypotheses[0];

        // Power summed over the conditioning count N ~ Binomial(400, 0.25), then K ~ Binomial(N, 0.6) past the test's cutoff.
        double exact = 0;
        for (var n = 1; n <= 400; n++)
        {
            if (BinomialTest.SmallestRejectingCount(n, 0.5, 0.05) is { } cutoff)
            {
                exact += Binomial.PMF(0.25, 400, n) * (1 - Binomial.CDF(0.6, n, cutoff - 1));
            }
        }
        Assert.Equal(100, result.LeftUnits);
        Assert.Contains(result.Notes, n => n.Contains("covert_action") && n.Contains("covert_rate"));
        WithinMonteCarloError(exact, result.Power!.Value);
        // Had every unit counted, power would be far higher: the conditioning count is what the test has.
        Assert.True(exact < 1 - Binomial.CDF(0.6, 400, BinomialTest.SmallestRejectingCount(400, 0.5, 0.05)!.Value - 1) - 0.1);
    }

    [Fact]
    public void Fisher_power_matches_exact_enumeration_for_small_n()
    {
        var h = Hypothesis("H1", new Cell(Checkpoint: "o3_as"), Direction.Less, new Cell(Checkpoint: "o3"), "fisher_exact");
        var experiment = OneCell(h, 20,
            new SimulatedValue("simulate", "covert_rate", new Cell(Checkpoint: "o3_as"), 0.05),
            new SimulatedValue("simulate", "covert_rate", new Cell(Checkpoint: "o3"), 0.35));
        var result = PowerSimulator.Diagnose(experiment, new PowerOptions(Replicates: Replicates, SearchEpochs: false)).Hypotheses[0];

        double Exact(double p1, double p2)
        {
            double power = 0;
            for (var k1 = 0; k1 <= 20; k1++)
            {
                for (var k2 = 0; k2 <= 20; k2++)
                {
                    if (FisherExactTest.Test(k1, 20 - k1, k2, 20 - k2, Alternative.Less).PValue <= 0.05)
                    {
                        power += Binomial.PMF(p1, 20, k1) * Binomial.PMF(p2, 20, k2);
                    }
                }
            }
            return power;
        }
        WithinMonteCarloError(Exact(0.05, 0.35), result.Power!.Value);
        // Under the null both cells sit at the pooled rate, 0.2.
        WithinMonteCarloError(Exact(0.2, 0.2), result.FalsePositiveRate!.Value);
        Assert.True(result.FalsePositiveRate <= 0.05 + 3 * Math.Sqrt(0.05 * 0.95 / Replicates));
    }

    [Fact]
    public void Newcombe_power_matches_the_exact_sum_and_is_close_to_Fisher()
    {
        // The case: 0.4% vs 13% with 100 units per cell, alpha 0.01, one-sided. Newcombe read 29% because a
        // left cell with 0 successes gave p = 0.5. Exact values printed by make_reference.R (last line):
        // newcombe 0.94907370689727411, fisher 0.94818137543993342.
        SimulatedValue[] truth = [new("simulate", "covert_rate", new Cell(Checkpoint: "o3_as"), 0.004),
            new("simulate", "covert_rate", new Cell(Checkpoint: "o3"), 0.13)];
        var newcombe = Hypothesis("N", new Cell(Checkpoint: "o3_as"), Direction.Less, new Cell(Checkpoint: "o3"), "newcombe", alpha: 0.01);
        var fisher = newcombe with { Name = "F", Test = "fisher_exact" };
        var options = new PowerOptions(Replicates: Replicates, SearchEpochs: false);
        var n = PowerSimulator.Diagnose(OneCell(newcombe, 100, truth), options).Hypotheses[0];
        var f = PowerSimulator.Diagnose(OneCell(fisher, 100, truth), options).Hypotheses[0];
        Assert.Equal((100, 100), (n.LeftUnits, n.RightUnits));
        WithinMonteCarloError(0.94907370689727411, n.Power!.Value);
        WithinMonteCarloError(0.94818137543993342, f.Power!.Value);
    }

    [Fact]
    public void McNemar_power_matches_the_exact_multinomial_sum()
    {
        var h = Hypothesis("H3", new Cell(Condition: "Strip"), Direction.Greater, new Cell(Condition: "baseline"), "mcnemar", paired: true);
        var experiment = Experiment([h], runs: [new RunDefinition("Main", ["o3"], ["A"], ["baseline", "Strip"], 30)], environments: ["A"],
            simulation: [new SimulatedValue("simulate", "covert_rate", new Cell(Condition: "baseline"), 0.2),
                         new SimulatedValue("simulate", "covert_rate", new Cell(Condition: "Strip"), 0.5)]);
        var result = PowerSimulator.Diagnose(experiment, new PowerOptions(Replicates: Replicates, SearchEpochs: false)).Hypotheses[0];

        // Independent outcomes within a pair: P(b) = 0.5 * 0.8, P(c) = 0.5 * 0.2.
        double pb = 0.4, pc = 0.1, exact = 0;
        for (var b = 0; b <= 30; b++)
        {
            for (var c = 0; b + c <= 30; c++)
            {
                if (McNemarExactTest.Test(b, c, Alternative.Greater).PValue <= 0.05)
                {
                    exact += Math.Exp(SpecialFunctions.FactorialLn(30) - SpecialFunctions.FactorialLn(b) - SpecialFunctions.FactorialLn(c)
                        - SpecialFunctions.FactorialLn(30 - b - c) + b * Math.Log(pb) + c * Math.Log(pc) + (30 - b - c) * Math.Log(1 - pb - pc));
                }
            }
        }
        WithinMonteCarloError(exact, result.Power!.Value);
        Assert.Equal(0.3, result.TrueValue!.Value, 12);
    }

    [Fact]
    public void Diagnosis_is_reproducible_and_finds_the_epochs_for_80_and_90_percent()
    {
        var h = Hypothesis("H1", new Cell(Checkpoint: "o3_as"), Direction.Less, new Cell(Checkpoint: "o3"), "fisher_exact", alpha: 0.01);
        var experiment = OneCell(h, 10,
            new SimulatedValue("simulate", "covert_rate", new Cell(Checkpoint: "o3_as"), 0.02),
            new SimulatedValue("simulate", "covert_rate", new Cell(Checkpoint: "o3"), 0.15));
        var options = new PowerOptions(Replicates: 500);
        var first = PowerSimulator.Diagnose(experiment, options).Hypotheses[0];
        var second = PowerSimulator.Diagnose(experiment, options).Hypotheses[0];
        Assert.Equal(first, second with { Notes = first.Notes });
        Assert.NotNull(first.EpochsFor80);
        Assert.True(first.EpochsFor90 >= first.EpochsFor80);
        Assert.True(first.Power < 0.5);

        var at80 = PowerSimulator.Diagnose(OneCell(h, first.EpochsFor80!.Value, experiment.Simulation.ToArray()),
            new PowerOptions(Replicates: 2_000, SearchEpochs: false, Seed: 7)).Hypotheses[0];
        Assert.InRange(at80.Power!.Value, 0.8 - 3 * Math.Sqrt(0.16 / 500), 1);
    }

    [Fact]
    public void Each_run_keeps_its_own_epochs_and_variants_so_units_match_the_plan()
    {
        // Regression: every group was multiplied by the largest run's epochs (Main 100, Extra 10 gave 200 + 100 per side).
        var h = Hypothesis("H1", new Cell(Checkpoint: "o3_as"), Direction.Less, new Cell(Checkpoint: "o3"), "fisher_exact");
        var experiment = Experiment([h], environments: ["A", "B"],
            runs: [new RunDefinition("Main", ["o3", "o3_as"], ["A"], ["baseline"], 100), new RunDefinition("Extra", ["o3", "o3_as"], ["B"], ["baseline"], 10)],
            simulation: [new SimulatedValue("simulate", "covert_rate", new Cell(Checkpoint: "o3", Environment: "A"), 0.3),
                         new SimulatedValue("simulate", "covert_rate", new Cell(Checkpoint: "o3", Environment: "B"), 0.1),
                         new SimulatedValue("simulate", "covert_rate", new Cell(Checkpoint: "o3_as"), 0.01)]);
        // Environment A has two variants (param goal: [true, false]), B one.
        experiment = experiment with { Environments = [Environment("A") with { Params = [new ParamDefinition("goal", [true, false])] }, Environment("B")] };
        var planned = experiment.Runs.SelectMany(r => DesignExpander.Expand(experiment, r)).ToList();
        var result = PowerSimulator.Diagnose(experiment, new PowerOptions(Replicates: 200, SearchEpochs: false)).Hypotheses[0];

        Assert.Equal(planned.Count(u => u.Checkpoint == "o3_as"), result.LeftUnits);
        Assert.Equal(planned.Count(u => u.Checkpoint == "o3"), result.RightUnits);
        Assert.Equal(210, result.LeftUnits);
        Assert.Equal(100, result.Epochs);
        // The pooled truth weights each environment by its planned units: (200 * 0.3 + 10 * 0.1) / 210.
        Assert.Equal(0.01 - (200 * 0.3 + 10 * 0.1) / 210, result.TrueValue!.Value, 12);
        Assert.Contains(result.Notes, n => n.Contains("Main 100, Extra 10"));

        // The case: both runs over the same cells, 100 + 10 epochs per side.
        var same = experiment with { Runs = [experiment.Runs[0] with { Environments = ["B"] }, experiment.Runs[1]] };
        var sameResult = PowerSimulator.Diagnose(same, new PowerOptions(Replicates: 50, SearchEpochs: false)).Hypotheses[0];
        Assert.Equal((110L, 110L), (sameResult.LeftUnits, sameResult.RightUnits));
    }

    [Fact]
    public void The_most_specific_simulate_entry_sets_a_cells_truth_and_gaps_are_reported()
    {
        var h = Hypothesis("H2", new Cell(Checkpoint: "o3_as", Environment: "A"), Direction.Less, new Cell(Checkpoint: "o3", Environment: "A"), "fisher_exact");
        var experiment = Experiment([h], environments: ["A", "B"], runs: [new RunDefinition("Main", ["o3", "o3_as"], ["A", "B"], ["baseline"], 50)],
            simulation: [new SimulatedValue("simulate", "covert_rate", new Cell(Checkpoint: "o3"), 0.1),
                         new SimulatedValue("simulate", "covert_rate", new Cell(Checkpoint: "o3", Environment: "A"), 0.3),
                         new SimulatedValue("simulate", "covert_rate", new Cell(Checkpoint: "o3_as"), 0.01)]);
        var result = PowerSimulator.Diagnose(experiment, new PowerOptions(Replicates: 200, SearchEpochs: false)).Hypotheses[0];
        Assert.Equal(0.01 - 0.3, result.TrueValue!.Value, 12);

        var gap = PowerSimulator.Diagnose(experiment with { Simulation = experiment.Simulation.Take(2).ToList() },
            new PowerOptions(Replicates: 10, SearchEpochs: false)).Hypotheses[0];
        Assert.Null(gap.Power);
        Assert.Contains(gap.Notes, n => n.Contains("o3_as, A, baseline"));
    }
}

public class DiagnoseCommandTests
{
    [Fact]
    public void Diagnose_prints_a_row_per_hypothesis_and_writes_json()
    {
        using var dir = new TempDirectory();
        var h = Hypothesis("H1", new Cell(Checkpoint: "o3_as"), Direction.Less, new Cell(Checkpoint: "o3"), "fisher_exact");
        var experiment = Experiment([h], simulation: [new SimulatedValue("simulate", "covert_rate", new Cell(Checkpoint: "o3"), 0.3),
            new SimulatedValue("simulate", "covert_rate", new Cell(Checkpoint: "o3_as"), 0.05)]);
        var output = new StringWriter();
        var json = Path.Combine(dir.Path, "power.json");
        Assert.Equal(0, Cli.RunnerHost.Run(["diagnose", "--replicates", "200", "--json", json], experiment, output));
        Assert.Contains("H1", output.ToString());
        Assert.Contains("\"epochs_for80\"", File.ReadAllText(json));
        Assert.Equal(Cli.RunnerHost.UsageError, Cli.RunnerHost.Run(["diagnose", "--scenario", "Nope"], experiment, new StringWriter()));
    }
}
