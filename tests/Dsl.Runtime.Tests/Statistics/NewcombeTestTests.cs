using Scheme.Analysis.Statistics;

namespace Scheme.Runtime.Tests.Statistics;

/// <summary>
/// The p-value of inverting the Newcombe interval against R (newcombe_test.csv, newcombe_paired_test.csv: uniroot
/// on the same definition, see make_reference.R and NewcombeTest).
/// </summary>
public class NewcombeTestTests
{
    [Fact]
    public void Independent_p_values_match_R_including_zero_and_all_success_cells()
    {
        var data = ReferenceData.Load("newcombe_test.csv");
        var bad = new Tolerance.Mismatches();
        var edgeCases = 0;
        foreach (var row in data.Rows)
        {
            int k1 = data.Int(row, "k1"), n1 = data.Int(row, "n1"), k2 = data.Int(row, "k2"), n2 = data.Int(row, "n2");
            var alt = ReferenceData.ParseAlternative(data.Text(row, "alternative"));
            double expected = data.Double(row, "p_value");
            double actual = NewcombeTest.Independent(k1, n1, k2, n2, alt).PValue;
            bad.Check(Tolerance.RelativeClose(expected, actual), $"{k1}/{n1} vs {k2}/{n2} {alt}: R={expected:R} C#={actual:R}");
            if (k1 == 0 || k2 == 0 || k1 == n1 || k2 == n2) edgeCases++;
        }
        bad.AssertNone(minimumChecks: 600);
        Assert.True(edgeCases >= 3 * 60, $"only {edgeCases / 3} cases with a zero or all-success cell");
    }

    [Fact]
    public void Paired_p_values_match_R_including_tables_with_zero_cells()
    {
        var data = ReferenceData.Load("newcombe_paired_test.csv");
        var bad = new Tolerance.Mismatches();
        var zeroCells = 0;
        foreach (var row in data.Rows)
        {
            int a = data.Int(row, "a"), b = data.Int(row, "b"), c = data.Int(row, "c"), d = data.Int(row, "d");
            var alt = ReferenceData.ParseAlternative(data.Text(row, "alternative"));
            double expected = data.Double(row, "p_value");
            double actual = NewcombeTest.Paired(a, b, c, d, alt).PValue;
            bad.Check(Tolerance.RelativeClose(expected, actual), $"[{a},{b},{c},{d}] {alt}: R={expected:R} C#={actual:R}");
            if (a == 0 || b == 0 || c == 0 || d == 0) zeroCells++;
        }
        bad.AssertNone(minimumChecks: 600);
        Assert.True(zeroCells >= 3 * 90, $"only {zeroCells / 3} tables with a zero cell");
    }

    [Fact]
    public void A_left_cell_without_successes_is_not_read_as_no_difference()
    {
        // The case. R (make_reference.R's definition): 1.9265937937630382e-54 two-sided.
        var two = NewcombeTest.Independent(0, 100, 100, 100);
        Assert.Equal(1.9265937937630382e-54, two.PValue, 1e-63);
        Assert.Equal(-1.0, two.Estimate);
        Assert.Equal(1.0, NewcombeTest.Independent(0, 100, 100, 100, Alternative.Greater).PValue);
        Assert.Equal(0.5, NewcombeTest.Independent(0, 10, 0, 10, Alternative.Less).PValue);
        Assert.Equal(1.0, NewcombeTest.Independent(0, 10, 0, 10).PValue);
    }

    [Fact]
    public void The_two_sided_p_value_is_the_level_at_which_the_interval_touches_zero()
    {
        var p = NewcombeTest.Independent(56, 70, 48, 80).PValue;
        var atP = NewcombeInterval.Compute(56, 70, 48, 80, level: 1 - p);
        Assert.Equal(0, atP.Lower, 12);
        Assert.True(NewcombeInterval.Compute(56, 70, 48, 80, level: 1 - p * 1.01).Lower > 0);
        Assert.True(NewcombeInterval.Compute(56, 70, 48, 80, level: 1 - p * 0.99).Lower < 0);
    }
}
