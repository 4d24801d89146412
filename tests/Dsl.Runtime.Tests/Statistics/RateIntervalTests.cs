using Scheme.Analysis.Statistics;

namespace Scheme.Runtime.Tests.Statistics;

public class RateIntervalTests
{
    private static void CompareWithR(string lowerCol, string upperCol, Func<int, int, double, IntervalEstimate> method)
    {
        var data = ReferenceData.Load("intervals.csv");
        var bad = new Tolerance.Mismatches();
        foreach (var row in data.Rows)
        {
            int k = data.Int(row, "k"), n = data.Int(row, "n");
            double level = data.Double(row, "level");
            var ci = method(k, n, level);
            double lo = data.Double(row, lowerCol), hi = data.Double(row, upperCol);
            bad.Check(Tolerance.RelativeClose(lo, ci.Lower), $"k={k} n={n} level={level}: lower R={lo:R} C#={ci.Lower:R}");
            bad.Check(Tolerance.RelativeClose(hi, ci.Upper), $"k={k} n={n} level={level}: upper R={hi:R} C#={ci.Upper:R}");
        }
        bad.AssertNone(minimumChecks: 400);
    }

    [Fact]
    public void Wilson_matches_R() => CompareWithR("wilson_lower", "wilson_upper", WilsonInterval.Compute);

    [Fact]
    public void ClopperPearson_matches_R_qbeta() => CompareWithR("cp_lower", "cp_upper", ClopperPearsonInterval.Compute);

    [Fact]
    public void BetaPosterior_matches_R_qbeta() => CompareWithR("beta_lower", "beta_upper", BetaPosteriorInterval.Compute);

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(1_000_000)]
    public void Edges_are_exact(int n)
    {
        var cp0 = ClopperPearsonInterval.Compute(0, n);
        var cpN = ClopperPearsonInterval.Compute(n, n);
        Assert.Equal(0.0, cp0.Lower);
        Assert.Equal(1.0, cpN.Upper);
        Assert.Equal(0.0, WilsonInterval.Compute(0, n).Lower);
        Assert.Equal(1.0, WilsonInterval.Compute(n, n).Upper);
        // k = 0: the upper Clopper-Pearson bound solves (1-p)^n = a/2 in closed form.
        Assert.Equal(1 - Math.Pow(0.025, 1.0 / n), cp0.Upper, 1e-12);
        // Posterior never collapses onto the boundary and its estimate is the posterior mean.
        var b0 = BetaPosteriorInterval.Compute(0, n);
        Assert.True(b0.Lower > 0 && b0.Upper < 1);
        Assert.Equal(1.0 / (n + 2), b0.Estimate, 15);
    }

    [Fact]
    public void Intervals_are_nested_by_level_and_contain_estimate()
    {
        foreach (var method in new Func<int, int, double, IntervalEstimate>[]
                     { WilsonInterval.Compute, ClopperPearsonInterval.Compute, BetaPosteriorInterval.Compute })
        {
            var narrow = method(13, 40, 0.8);
            var wide = method(13, 40, 0.99);
            Assert.True(wide.Lower < narrow.Lower && narrow.Upper < wide.Upper);
            Assert.True(narrow.Interval.Contains(narrow.Estimate));
        }
    }

    [Theory]
    [InlineData(-1, 10)]
    [InlineData(11, 10)]
    [InlineData(0, 0)]
    public void Invalid_counts_throw(int k, int n)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => WilsonInterval.Compute(k, n));
        Assert.Throws<ArgumentOutOfRangeException>(() => ClopperPearsonInterval.Compute(k, n));
        Assert.Throws<ArgumentOutOfRangeException>(() => BetaPosteriorInterval.Compute(k, n));
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    [InlineData(double.NaN)]
    public void Invalid_level_throws(double level) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => ClopperPearsonInterval.Compute(1, 2, level));
}
