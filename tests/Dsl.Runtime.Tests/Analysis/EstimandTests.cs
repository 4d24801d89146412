using Scheme.Analysis;
using Scheme.Analysis.Statistics;
using Scheme.Contracts;
using Scheme.Model;
using static Scheme.Runtime.Tests.Analysis.Fixtures;

namespace Scheme.Runtime.Tests.Analysis;

/// <summary>The estimands on awkward data: zero cells, an environment on one side only, no shared environment,
/// tables too lopsided for double precision, and cells of a million units.</summary>
public class EstimandTests
{
    private static HypothesisResult Evaluate(string estimand, string test, IEnumerable<Scheme.Engine.Store.UnitRecord> units, double alpha = 0.05,
        Direction direction = Direction.Less, IReadOnlyList<string>? environments = null)
    {
        var h = Hypothesis("H", new Cell(Checkpoint: "o3_as"), direction, new Cell(Checkpoint: "o3"), test, alpha: alpha) with { Estimand = estimand };
        return Assert.Single(ExperimentAnalyzer.Analyze(Experiment([h], environments: environments), units).Hypotheses);
    }

    [Fact]
    public void A_risk_ratio_with_no_successes_anywhere_is_corrected_and_not_supported()
    {
        var r = Evaluate(Estimands.RiskRatio, StatisticalTests.FisherExact, Units("o3_as", "A", "baseline", 50, 0).Concat(Units("o3", "A", "baseline", 60, 0)));

        Assert.Equal(1, r.PValue);
        Assert.Equal(Decision.NotSupported, r.Decision);
        // (0.5 / 51) / (0.5 / 61): the Haldane-corrected ratio, with a bound above 1.
        Assert.Equal(61.0 / 51, r.Estimate!.Value, 12);
        Assert.True(r.Upper > 1 && r.Lower == 0);
        Assert.Contains(r.Notes, n => n.Contains("0.5 was added"));
    }

    [Fact]
    public void An_odds_ratio_with_no_successes_on_the_left_is_zero_with_an_exact_bound()
    {
        var r = Evaluate(Estimands.OddsRatio, StatisticalTests.FisherExact, Units("o3_as", "A", "baseline", 100, 0).Concat(Units("o3", "A", "baseline", 100, 13)));

        // R: fisher.test(matrix(c(0, 13, 100, 87), 2), alternative = "less"): estimate 0, and its bound is the test's.
        var reference = ConditionalOddsRatio.Fisher(new Table2x2(0, 100, 13, 87), 0.95, Alternative.Less);
        Assert.Equal(0, r.Estimate);
        Assert.Equal(reference.Interval.Upper, r.Upper!.Value, 15);
        Assert.True(r.IntervalInvertsTest);
        Assert.Equal(r.PValue <= 0.05, r.Upper < 1);
    }

    [Fact]
    public void The_average_over_environments_is_unweighted_and_cmh_strata_are_the_shared_environments()
    {
        // o3 has 10% in A (of 200) and 40% in B (of 20); o3_as 1% in A (of 100) and C has o3_as units only.
        var units = Units("o3", "A", "baseline", 200, 20).Concat(Units("o3", "B", "baseline", 20, 8))
            .Concat(Units("o3_as", "A", "baseline", 100, 1)).Concat(Units("o3_as", "C", "baseline", 50, 1));
        var environments = new[] { "A", "B", "C" };

        var posterior = Evaluate(Estimands.AverageDifference, StatisticalTests.AveragePosterior, units, environments: environments);
        // Unweighted: (0.01 + 0.02) / 2 - (0.10 + 0.40) / 2 = -0.235; the pooled rates would give 2/150 - 28/220.
        Assert.Equal(-0.235, posterior.Estimate!.Value, 12);
        Assert.Equal(Decision.Supported, posterior.Decision);

        var cmh = Evaluate(Estimands.AverageDifference, StatisticalTests.CochranMantelHaenszel, units, environments: environments);
        Assert.Contains(cmh.Notes, n => n.Contains("not strata of the CMH test: B, C"));
        // Stratum A only: the exact CMH p-value of one table is Fisher's.
        Assert.Equal(FisherExactTest.Test(1, 99, 20, 180, Alternative.Less).PValue, cmh.PValue!.Value, 12);
    }

    [Fact]
    public void Cmh_without_a_shared_environment_is_not_evaluated()
    {
        var units = Units("o3", "A", "baseline", 50, 5).Concat(Units("o3_as", "B", "baseline", 50, 0));
        var r = Evaluate(Estimands.AverageDifference, StatisticalTests.CochranMantelHaenszel, units);

        Assert.Equal(Decision.NotEvaluated, r.Decision);
        Assert.Contains(r.Notes, n => n.Contains("needs an environment with units on both sides"));
    }

    [Fact]
    public void Cmh_on_tables_beyond_double_precision_gives_p_0_and_says_the_odds_ratio_cannot_be_estimated()
    {
        var units = Units("o3", "A", "baseline", 5000, 2500).Concat(Units("o3", "B", "baseline", 5000, 2500))
            .Concat(Units("o3_as", "A", "baseline", 5000, 0)).Concat(Units("o3_as", "B", "baseline", 5000, 0));
        var r = Evaluate(Estimands.AverageDifference, StatisticalTests.CochranMantelHaenszel, units, alpha: 0.01);

        Assert.Equal(0, r.PValue);
        Assert.Equal(Decision.Supported, r.Decision);
        Assert.Equal(-0.5, r.Estimate!.Value, 12);
        Assert.Contains(r.Notes, n => n.Contains("no estimate of the common odds ratio"));
    }

    [Fact]
    public void Ratios_of_a_million_units_a_side_are_exact()
    {
        var units = Units("o3_as", "A", "baseline", 1_000_000, 3_000).Concat(Units("o3", "A", "baseline", 1_000_000, 130_000));
        var rr = Evaluate(Estimands.RiskRatio, StatisticalTests.FisherExact, units, alpha: 0.01);
        var or = Evaluate(Estimands.OddsRatio, StatisticalTests.FisherExact, units, alpha: 0.01);

        Assert.Equal(0.003 / 0.13, rr.Estimate!.Value, 12);
        Assert.True(rr.Upper < 0.03 && or.Upper < 0.03);
        Assert.Equal((Decision.Supported, Decision.Supported), (rr.Decision, or.Decision));
    }
}
