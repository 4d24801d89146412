using Scheme.Analysis.Statistics;

namespace Scheme.Runtime.Tests.Statistics;

public class PValueCorrectionTests
{
    private static void CompareWithR(string method, Func<IReadOnlyList<double>, double[]> adjust)
    {
        var data = ReferenceData.Load("p_adjust.csv");
        var bad = new Tolerance.Mismatches();
        int cases = 0;
        foreach (var row in data.Rows.Where(r => data.Text(r, "method") == method))
        {
            cases++;
            var p = ReferenceData.ParseVector(data.Text(row, "p"));
            var expected = ReferenceData.ParseVector(data.Text(row, "adjusted"));
            var actual = adjust(p);
            bad.Check(actual.Length == expected.Length, $"case {data.Text(row, "case")}: length");
            for (int i = 0; i < Math.Min(actual.Length, expected.Length); i++)
                bad.Check(Tolerance.RelativeClose(expected[i], actual[i]),
                          $"case {data.Text(row, "case")}[{i}]: R={expected[i]:R} C#={actual[i]:R}");
        }
        Assert.True(cases >= 200, $"{cases} cases");
        bad.AssertNone(minimumChecks: 1000);
    }

    [Fact]
    public void Holm_matches_R_p_adjust() => CompareWithR("holm", HolmCorrection.Adjust);

    [Fact]
    public void BH_matches_R_p_adjust() => CompareWithR("BH", BenjaminiHochbergCorrection.Adjust);

    [Fact]
    public void Textbook_examples()
    {
        // Holm: sorted p times (4, 3, 2, 1) = 0.04, 0.06, 0.06, 0.04, then running maximum.
        var holm = HolmCorrection.Adjust(new[] { 0.01, 0.02, 0.03, 0.04 });
        Assert.Equal(new[] { 0.04, 0.06, 0.06, 0.06 }, holm.Select(v => Math.Round(v, 12)));
        // BH: all four p-values scaled to 0.04 by the step-up running minimum.
        var bh = BenjaminiHochbergCorrection.Adjust(new[] { 0.01, 0.02, 0.03, 0.04 });
        Assert.Equal(new[] { 0.04, 0.04, 0.04, 0.04 }, bh.Select(v => Math.Round(v, 12)));
    }

    [Fact]
    public void Missing_values_pass_through_and_do_not_count()
    {
        var holm = HolmCorrection.Adjust(new[] { 0.01, double.NaN, 0.02 });
        Assert.True(double.IsNaN(holm[1]));
        Assert.Equal(0.02, holm[0], 15); // family size 2, not 3
        Assert.Equal(0.02, holm[2], 15);
    }

    [Fact]
    public void Adjusted_values_keep_the_order_and_bounds_of_the_raw_ones()
    {
        var rng = new Random(7);
        for (int rep = 0; rep < 100; rep++)
        {
            var p = Enumerable.Range(0, rng.Next(1, 30)).Select(_ => Math.Round(rng.NextDouble(), 2)).ToArray();
            var holm = HolmCorrection.Adjust(p);
            var bh = BenjaminiHochbergCorrection.Adjust(p);
            for (int i = 0; i < p.Length; i++)
            {
                Assert.InRange(holm[i], p[i], 1.0);
                Assert.InRange(bh[i], p[i], holm[i]); // BH is never stricter than Holm
                for (int j = 0; j < p.Length; j++)
                    if (p[i] <= p[j]) { Assert.True(holm[i] <= holm[j]); Assert.True(bh[i] <= bh[j]); }
            }
        }
    }

    [Fact]
    public void Out_of_range_p_value_throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => HolmCorrection.Adjust(new[] { 0.5, 1.5 }));
}
