using MathNet.Numerics.Distributions;
using Scheme.Engine;
using Scheme.Engine.Design;
using Scheme.Engine.Episodes;
using Scheme.Model;
using Scheme.Testing;

namespace Scheme.Runtime.Tests.Engine;

/// <summary>
/// Offline runs draw a mean metric's per-unit values from the simulate block's distribution. Each check's tolerance
/// comes from the cell's n: the mean within 4 standard errors, the SD within 4 of its standard errors
/// (sqrt((mu4 - sigma^4) / n) / (2 sigma), from the distribution's fourth central moment), and the empirical CDF
/// within the Kolmogorov-Smirnov critical value at 0.1% (1.95 / sqrt(n)). Draws are a function of the unit id, so the
/// outcome is fixed; the tolerances say how far a correct sampler may stray.
/// </summary>
public class SimulatedDistributionTests
{
    private static readonly MetricDefinition Tokens = new("tokens", MetricAggregation.Mean, _ => 0, []);

    private static (ExperimentDefinition Experiment, List<EpisodeResult> Results) Draw(params SimulatedValue[] simulation)
    {
        var experiment = TestExperiments.Agentic("UNUSED", tasks: 2, epochs: 2000);
        experiment = experiment with
        {
            Checkpoints = [.. experiment.Checkpoints, new CheckpointDefinition("other", "simulated", null)],
            Manipulations = [new ManipulationDefinition("Cue", [], [PromptEdit.Append("cue")], null, null, [])],
            Runs = [new RunDefinition("Main", ["agent", "other"], ["Oversight"], ["baseline", "Cue"], 2000)],
            Metrics = [.. experiment.Metrics, Tokens],
            Simulation = simulation,
        };
        var executor = new SimulatedExecutor(experiment);
        return (experiment, DesignExpander.Expand(experiment, experiment.Runs[0]).Select(executor.Draw).ToList());
    }

    private static double[] Values(List<EpisodeResult> results, string checkpoint, string condition) =>
        results.Where(r => r.Unit.Checkpoint == checkpoint && r.Unit.Condition == condition).Select(r => r.Metrics!["tokens"]!.Value).ToArray();

    private static void FollowsCdf(double[] values, Func<double, double> cdf)
    {
        var sorted = values.Order().ToArray();
        var n = sorted.Length;
        var distance = sorted.Select((v, i) => Math.Max(Math.Abs(cdf(v) - (i + 1.0) / n), Math.Abs(cdf(v) - (double)i / n))).Max();
        Assert.True(distance <= 1.95 / Math.Sqrt(n), $"KS distance {distance} above {1.95 / Math.Sqrt(n)} for n = {n}");
    }

    [Fact]
    public void Normal_beta_and_poisson_cells_follow_their_declared_distributions()
    {
        var (_, results) = Draw(
            new SimulatedValue("s", "tokens", new Cell(Checkpoint: "agent"), 850, SimulatedDistribution.Normal(850, 120)),
            new SimulatedValue("s", "tokens", new Cell(Checkpoint: "agent", Condition: "Cue"), 2.0 / 7, SimulatedDistribution.Beta(2, 5)),
            new SimulatedValue("s", "tokens", new Cell(Checkpoint: "other"), 2.5, SimulatedDistribution.Poisson(2.5)),
            new SimulatedValue("s", "tokens", new Cell(Checkpoint: "other", Condition: "Cue"), 7));

        var normal = Values(results, "agent", "baseline");
        Assert.Equal(4000, normal.Length); // 2 task variants x 2000 epochs
        SampleMoments.AssertMeanAndSd(normal, 850, 120, 3 * Math.Pow(120, 4));
        FollowsCdf(normal, x => Normal.CDF(850, 120, x));

        var beta = Values(results, "agent", "Cue");
        Assert.All(beta, v => Assert.InRange(v, 0, 1));
        var b = SimulatedDistribution.Beta(2, 5);
        // Beta(2, 5): fourth central moment from the excess kurtosis 6[(a-b)^2(a+b+1) - ab(a+b+2)] / [ab(a+b+2)(a+b+3)].
        var excess = 6 * (9 * 8 - 10 * 9) / (10.0 * 9 * 10);
        SampleMoments.AssertMeanAndSd(beta, b.Mean, b.StandardDeviation, (3 + excess) * Math.Pow(b.StandardDeviation, 4));
        FollowsCdf(beta, x => Beta.CDF(2, 5, x));

        var poisson = Values(results, "other", "baseline");
        Assert.All(poisson, v => Assert.Equal(Math.Round(v), v));
        SampleMoments.AssertMeanAndSd(poisson, 2.5, Math.Sqrt(2.5), 2.5 + 3 * 2.5 * 2.5);
        // Counts: each value's share within 4 binomial SEs of its probability.
        foreach (var k in Enumerable.Range(0, 8))
        {
            var p = Poisson.PMF(2.5, k);
            var share = poisson.Count(v => v == k) / (double)poisson.Length;
            Assert.InRange(share, p - 4 * Math.Sqrt(p * (1 - p) / poisson.Length), p + 4 * Math.Sqrt(p * (1 - p) / poisson.Length));
        }

        // A plain number stays a plain number: every unit has it.
        Assert.All(Values(results, "other", "Cue"), v => Assert.Equal(7, v));
    }

    [Fact]
    public void A_units_draw_depends_only_on_its_id_and_extreme_quantiles_stay_finite()
    {
        var value = new SimulatedValue("s", "tokens", new Cell(), 0, SimulatedDistribution.Normal(0, 1e300));
        var (experiment, first) = Draw(value);
        var again = new SimulatedExecutor(experiment);
        var units = DesignExpander.Expand(experiment, experiment.Runs[0]).Reverse().ToList();
        var second = units.Select(again.Draw).Reverse().ToList();
        Assert.Equal(first.Select(r => r.Metrics!["tokens"]), second.Select(r => r.Metrics!["tokens"]));
        Assert.All(first, r => Assert.True(double.IsFinite(r.Metrics!["tokens"]!.Value)));
        // The quantile at the ends of the uniform's range (0 taken as 2^-54) is finite.
        Assert.True(double.IsFinite(DistributionSampler.Quantile(SimulatedDistribution.Normal(0, 1), 1.0 / (1L << 54))));
        Assert.True(double.IsFinite(DistributionSampler.Quantile(SimulatedDistribution.Normal(0, 1), 1 - 1.0 / (1L << 53))));
        Assert.Equal(0, DistributionSampler.Quantile(SimulatedDistribution.Poisson(1e-9), 0.5));
        Assert.InRange(DistributionSampler.Quantile(SimulatedDistribution.Poisson(1e6), 0.5), 1e6 - 2, 1e6 + 2);
    }
}
