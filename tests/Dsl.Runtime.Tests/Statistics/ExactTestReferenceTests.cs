using Scheme.Analysis.Statistics;

namespace Scheme.Runtime.Tests.Statistics;

public class ExactTestReferenceTests
{
    [Fact]
    public void BinomialTest_matches_R_binom_test()
    {
        var data = ReferenceData.Load("binom_test.csv");
        var bad = new Tolerance.Mismatches();
        foreach (var row in data.Rows)
        {
            int k = data.Int(row, "k"), n = data.Int(row, "n");
            double p0 = data.Double(row, "p0"), expected = data.Double(row, "p_value");
            var alt = ReferenceData.ParseAlternative(data.Text(row, "alternative"));
            double actual = BinomialTest.Test(k, n, p0, alt).PValue;
            bad.Check(Tolerance.RelativeClose(expected, actual), $"k={k} n={n} p0={p0} {alt}: R={expected:R} C#={actual:R}");
        }
        bad.AssertNone(minimumChecks: 600);
    }

    [Fact]
    public void McNemarExact_matches_R_binom_test_on_discordant_pairs()
    {
        var data = ReferenceData.Load("mcnemar.csv");
        var bad = new Tolerance.Mismatches();
        foreach (var row in data.Rows)
        {
            int b = data.Int(row, "b"), c = data.Int(row, "c");
            double expected = data.Double(row, "p_value");
            var alt = ReferenceData.ParseAlternative(data.Text(row, "alternative"));
            var result = McNemarExactTest.Test(b, c, alt);
            bad.Check(Tolerance.RelativeClose(expected, result.PValue), $"b={b} c={c} {alt}: R={expected:R} C#={result.PValue:R}");
            bad.Check(result.Estimate == (double)b / (b + c), $"b={b} c={c}: estimate {result.Estimate}");
        }
        bad.AssertNone(minimumChecks: 400);
    }

    [Fact]
    public void FisherExact_matches_R_fisher_test()
    {
        var data = ReferenceData.Load("fisher.csv");
        var bad = new Tolerance.Mismatches();
        foreach (var row in data.Rows)
        {
            int a = data.Int(row, "a"), b = data.Int(row, "b"), c = data.Int(row, "c"), d = data.Int(row, "d");
            double expected = data.Double(row, "p_value");
            var alt = ReferenceData.ParseAlternative(data.Text(row, "alternative"));
            double actual = FisherExactTest.Test(a, b, c, d, alt).PValue;
            bad.Check(Tolerance.RelativeClose(expected, actual), $"[[{a},{b}],[{c},{d}]] {alt}: R={expected:R} C#={actual:R}");
        }
        bad.AssertNone(minimumChecks: 300);
    }

    [Fact]
    public void Reference_files_include_tiny_p_values_so_relative_tolerance_is_exercised()
    {
        var binom = ReferenceData.Load("binom_test.csv");
        var fisher = ReferenceData.Load("fisher.csv");
        double Smallest(ReferenceData d) => d.Rows.Select(r => d.Double(r, "p_value")).Where(p => p > 0).Min();
        Assert.True(Smallest(binom) < 1e-290);
        Assert.True(Smallest(fisher) < 1e-290);
    }

    [Fact]
    public void Meinke_2024_decision_rule_rejects_from_36_of_99()
    {
        // One-sided binomial test of H0: rate = 25% at alpha = 0.01 with 99 pairs (Meinke et al. 2024).
        int? threshold = BinomialTest.SmallestRejectingCount(n: 99, p0: 0.25, alpha: 0.01);
        Assert.Equal(36, threshold);
        Assert.True(BinomialTest.Test(36, 99, 0.25, Alternative.Greater).PValue <= 0.01);
        Assert.True(BinomialTest.Test(35, 99, 0.25, Alternative.Greater).PValue > 0.01);
    }

    [Fact]
    public void SmallestRejectingCount_is_null_when_nothing_rejects()
    {
        // With n = 3 and p0 = 0.5 the most extreme outcome has p = 1/8 > 0.05.
        Assert.Null(BinomialTest.SmallestRejectingCount(3, 0.5, 0.05));
        Assert.Equal(3, BinomialTest.SmallestRejectingCount(3, 0.5, 0.13));
        Assert.Equal(2, BinomialTest.SmallestRejectingCount(3, 0.5, 0.55)); // P(X >= 2) = 1/2
        Assert.Equal(3, BinomialTest.SmallestRejectingCount(3, 0.5, 0.45));
    }

    [Fact]
    public void Very_large_n_is_fast_and_sane()
    {
        var sw = System.Diagnostics.Stopwatch.StartNew();
        var r = BinomialTest.Test(500_700, 1_000_000, 0.5);
        var f = FisherExactTest.Test(500_000, 500_000, 499_000, 501_000);
        Assert.True(sw.Elapsed.TotalSeconds < 2, $"took {sw.Elapsed}");
        Assert.InRange(r.PValue, 0.1, 0.2);   // z = 1.4
        Assert.InRange(f.PValue, 0.15, 0.165); // rates 0.5 vs 0.499: normal approximation gives 0.157
    }

    [Fact]
    public void McNemar_without_discordant_pairs_gives_p_one()
    {
        var r = McNemarExactTest.Test(0, 0);
        Assert.Equal(1.0, r.PValue);
        Assert.True(double.IsNaN(r.Estimate));
    }

    [Fact]
    public void Fisher_rate_overload_builds_the_table_by_rows()
    {
        var viaRates = FisherExactTest.Test(new RateCount(3, 10), new RateCount(9, 12), Alternative.Less);
        var viaTable = FisherExactTest.Test(3, 7, 9, 3, Alternative.Less);
        Assert.Equal(viaTable.PValue, viaRates.PValue);
        Assert.Equal(3.0 * 3 / (7.0 * 9), viaTable.Estimate, 14);
    }

    [Fact]
    public void Invalid_inputs_throw()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => BinomialTest.Test(1, 2, 1.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => BinomialTest.Test(3, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => FisherExactTest.Test(-1, 0, 0, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => McNemarExactTest.Test(0, -2));
    }
}
