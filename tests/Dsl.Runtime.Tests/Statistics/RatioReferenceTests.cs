using BetaDist = MathNet.Numerics.Distributions.Beta;
using Scheme.Analysis.Statistics;

namespace Scheme.Runtime.Tests.Statistics;

/// <summary>The estimands of issue 9 against R (make_reference.R): Katz's risk-ratio interval, fisher.test's conditional
/// odds ratio and interval, and mantelhaen.test(exact = TRUE); and the posterior of a difference of averages.</summary>
public class RatioReferenceTests
{
    /// <summary>Relative 1e-9 for finite values (ratios span 1e-6..1e6), exact for 0 and +Inf.</summary>
    private static bool Close(double expected, double actual) =>
        double.IsInfinity(expected) || expected == 0 ? expected == actual : Tolerance.RelativeClose(expected, actual);

    [Fact]
    public void Katz_risk_ratio_interval_matches_R()
    {
        var data = ReferenceData.Load("risk_ratio.csv");
        var bad = new Tolerance.Mismatches();
        foreach (var row in data.Rows)
        {
            int k1 = data.Int(row, "k1"), n1 = data.Int(row, "n1"), k2 = data.Int(row, "k2"), n2 = data.Int(row, "n2");
            var level = data.Double(row, "level");
            var alt = ReferenceData.ParseAlternative(data.Text(row, "alternative"));
            var r = RiskRatioInterval.Compute(k1, n1, k2, n2, level, alt);
            var what = $"{k1}/{n1} vs {k2}/{n2} at {level} {alt}";
            bad.Check(Close(data.Double(row, "estimate"), r.Estimate), $"{what}: estimate R={data.Double(row, "estimate"):R} C#={r.Estimate:R}");
            bad.Check(Close(data.Double(row, "lower"), r.Interval.Lower), $"{what}: lower R={data.Double(row, "lower"):R} C#={r.Interval.Lower:R}");
            bad.Check(Close(data.Double(row, "upper"), r.Interval.Upper), $"{what}: upper R={data.Double(row, "upper"):R} C#={r.Interval.Upper:R}");
            bad.Check(r.Corrected == (k1 == 0 || k2 == 0), $"{what}: corrected {r.Corrected}");
        }
        bad.AssertNone(minimumChecks: 3 * 400);
    }

    [Fact]
    public void Conditional_odds_ratio_matches_R_fisher_test()
    {
        var data = ReferenceData.Load("odds_ratio.csv");
        var bad = new Tolerance.Mismatches();
        var large = 0;
        foreach (var row in data.Rows)
        {
            var t = new Table2x2(data.Int(row, "a"), data.Int(row, "b"), data.Int(row, "c"), data.Int(row, "d"));
            var level = data.Double(row, "level");
            var alt = ReferenceData.ParseAlternative(data.Text(row, "alternative"));
            var r = ConditionalOddsRatio.Fisher(t, level, alt);
            var what = $"{t} at {level} {alt}";
            Check(bad, data, row, r, what);
            if (t.Total >= 1_000_000) large++;
        }
        Assert.True(large >= 4, "the reference has tables of a million units");
        bad.AssertNone(minimumChecks: 4 * 400);
    }

    [Fact]
    public void Exact_Cochran_Mantel_Haenszel_matches_R_mantelhaen_test()
    {
        var data = ReferenceData.Load("cmh_exact.csv");
        var bad = new Tolerance.Mismatches();
        foreach (var row in data.Rows)
        {
            var strata = data.Text(row, "strata").Split(';').Select(s => s.Split(':').Select(int.Parse).ToArray())
                .Select(c => new Table2x2(c[0], c[1], c[2], c[3])).ToList();
            var level = data.Double(row, "level");
            var alt = ReferenceData.ParseAlternative(data.Text(row, "alternative"));
            var r = ConditionalOddsRatio.MantelHaenszelExact(strata, level, alt);
            Check(bad, data, row, r, $"{data.Text(row, "strata")} at {level} {alt}");
        }
        bad.AssertNone(minimumChecks: 4 * 200);
    }

    private static void Check(Tolerance.Mismatches bad, ReferenceData data, string[] row, OddsRatioResult r, string what)
    {
        var p = data.Double(row, "p_value");
        bad.Check(Tolerance.RelativeClose(p, r.PValue), $"{what}: p R={p:R} C#={r.PValue:R}");
        foreach (var (name, actual) in new[] { ("estimate", r.Estimate), ("lower", r.Interval.Lower), ("upper", r.Interval.Upper) })
        {
            var expected = data.Double(row, name);
            bad.Check(Close(expected, actual), $"{what}: {name} R={expected:R} C#={actual:R}");
        }
    }

    [Fact]
    public void Strata_without_two_units_are_left_out_and_none_left_is_refused()
    {
        var one = ConditionalOddsRatio.MantelHaenszelExact([new(0, 0, 0, 0), new(1, 0, 0, 0), new(3, 2, 1, 4)], 0.95, Alternative.Greater);
        var only = ConditionalOddsRatio.MantelHaenszelExact([new(3, 2, 1, 4)], 0.95, Alternative.Greater);
        Assert.Equal(only, one);
        Assert.Throws<ArgumentException>(() => ConditionalOddsRatio.MantelHaenszelExact([new(0, 0, 0, 0), new(0, 1, 0, 0)]));
    }

    [Fact]
    public void One_sided_bounds_agree_with_the_one_sided_test()
    {
        // The interval inverts the test's own tails: its bound excludes 1 exactly when p <= 1 - level.
        var rng = new Random(9);
        for (var i = 0; i < 300; i++)
        {
            var strata = Enumerable.Range(0, rng.Next(1, 4)).Select(_ =>
            {
                int n1 = rng.Next(2, 40), n2 = rng.Next(2, 40), k1 = rng.Next(0, n1 + 1), k2 = rng.Next(0, n2 + 1);
                return new Table2x2(k1, n1 - k1, k2, n2 - k2);
            }).ToList();
            foreach (var alt in new[] { Alternative.Less, Alternative.Greater })
            {
                var r = ConditionalOddsRatio.MantelHaenszelExact(strata, 0.99, alt);
                var excludes = alt == Alternative.Less ? r.Interval.Upper < 1 : r.Interval.Lower > 1;
                if (Math.Abs(r.PValue - 0.01) > 1e-9) Assert.Equal(r.PValue <= 0.01, excludes);
            }
        }
    }

    [Fact]
    public void Average_difference_posterior_of_one_environment_each_matches_the_exact_probability()
    {
        // P(p1 < p2) for independent Beta(a1, b1), Beta(a2, b2) with integer b1: a finite sum (Miller's formula).
        const int k1 = 3, n1 = 40, k2 = 9, n2 = 45, draws = 400_000;
        double a1 = k1 + 1, b1 = n1 - k1 + 1, a2 = k2 + 1, b2 = n2 - k2 + 1;
        // P(p2 > p1) = sum_{i=0}^{a2-1} B(a1 + i, b1 + b2) / ((b2 + i) B(1 + i, b2) B(a1, b1)).
        static double LogBeta(double x, double y) => MathNet.Numerics.SpecialFunctions.BetaLn(x, y);
        double greater = 0;
        for (var i = 0; i < a2; i++)
        {
            greater += Math.Exp(LogBeta(a1 + i, b1 + b2) - Math.Log(b2 + i) - LogBeta(1 + i, b2) - LogBeta(a1, b1));
        }
        var s = AverageDifferencePosterior.Compute([new(k1, n1)], [new(k2, n2)], seed: 5, draws: draws, level: 0.99, alternative: Alternative.Less);
        var se = Math.Sqrt(greater * (1 - greater) / draws);
        Assert.InRange(s.ProbabilityLess, greater - 5 * se, greater + 5 * se);
        Assert.Equal(1 - s.ProbabilityLess, AverageDifferencePosterior.PValue(s, Alternative.Less));
        Assert.Equal((double)k1 / n1 - (double)k2 / n2, s.Estimate, 15);
        Assert.Equal(-1, s.Interval.Lower);
        // The one-sided bound excludes 0 exactly when the posterior probability of the other direction is below 1%.
        Assert.Equal(AverageDifferencePosterior.PValue(s, Alternative.Less) < 0.01, s.Interval.Upper < 0);
        var mean = new BetaDist(a1, b1).Mean - new BetaDist(a2, b2).Mean;
        Assert.Equal(mean, s.PosteriorMean, 12);
    }

    [Fact]
    public void Average_difference_posterior_is_seeded_and_refuses_empty_environments()
    {
        RateCount[] before = [new(13, 100), new(9, 100), new(20, 100)], after = [new(0, 100), new(1, 100), new(0, 100)];
        var a = AverageDifferencePosterior.Compute(after, before, seed: 3);
        Assert.Equal(a, AverageDifferencePosterior.Compute(after, before, seed: 3));
        Assert.True(a.ProbabilityLess > 0.999 && a.Interval.Upper < 0);
        Assert.Throws<ArgumentException>(() => AverageDifferencePosterior.Compute([new(0, 0)], before, seed: 1));
        Assert.Throws<ArgumentException>(() => AverageDifferencePosterior.Compute([], before, seed: 1));
    }
}
