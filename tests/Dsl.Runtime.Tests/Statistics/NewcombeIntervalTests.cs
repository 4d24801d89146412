using Scheme.Analysis.Statistics;

namespace Scheme.Runtime.Tests.Statistics;

public class NewcombeIntervalTests
{
    [Fact]
    public void Matches_R_written_out_formula()
    {
        var data = ReferenceData.Load("newcombe.csv");
        var bad = new Tolerance.Mismatches();
        foreach (var row in data.Rows)
        {
            int k1 = data.Int(row, "k1"), n1 = data.Int(row, "n1"), k2 = data.Int(row, "k2"), n2 = data.Int(row, "n2");
            double level = data.Double(row, "level");
            var ci = NewcombeInterval.Compute(k1, n1, k2, n2, level);
            string c = $"{k1}/{n1} vs {k2}/{n2} level={level}";
            bad.Check(Tolerance.AbsoluteClose(data.Double(row, "lower"), ci.Lower), $"{c}: lower {ci.Lower:R}");
            bad.Check(Tolerance.AbsoluteClose(data.Double(row, "upper"), ci.Upper), $"{c}: upper {ci.Upper:R}");
            bad.Check(ci.Lower <= ci.Estimate && ci.Estimate <= ci.Upper, $"{c}: estimate outside interval");
        }
        bad.AssertNone(minimumChecks: 600);
    }

    [Fact]
    public void Reproduces_Newcombe_1998_worked_example()
    {
        // Newcombe (1998), Stat Med 17:873, Table II example (a): 56/70 vs 48/80, method 10: 0.0524 to 0.3339.
        var ci = NewcombeInterval.Compute(56, 70, 48, 80);
        Assert.Equal(0.2, ci.Estimate, 12);
        Assert.Equal(0.0524, ci.Lower, 4);
        Assert.Equal(0.3339, ci.Upper, 4);
    }

    [Fact]
    public void Is_antisymmetric_when_groups_swap()
    {
        var ab = NewcombeInterval.Compute(3, 17, 9, 20, 0.9);
        var ba = NewcombeInterval.Compute(9, 20, 3, 17, 0.9);
        Assert.Equal(-ab.Lower, ba.Upper, 14);
        Assert.Equal(-ab.Upper, ba.Lower, 14);
    }
}
