using Scheme.Analysis.Statistics;

namespace Scheme.Runtime.Tests.Statistics;

/// <summary>
/// Cohen's kappa, its standard error (Fleiss, Cohen and Everitt 1969) and 95% interval against R 4.2 with vcd 1.4-11 and
/// psych 2.2.9 (Debian bookworm's r-cran-vcd, r-cran-psych). Each reference was printed by
/// <c>k &lt;- vcd::Kappa(m); ci &lt;- confint(k); sprintf("%.15g", c(k$Unweighted, ci[1, ]))</c>, with m the matrix named beside
/// it (rows: rater 1, columns: rater 2); psych's <c>cohen.kappa(m)$confid</c> gives the same kappa and interval.
/// </summary>
public class CohensKappaTests
{
    public static TheoryData<long[], int, double, double, double, double> RReferences => new()
    {
        // m <- matrix(c(20,5,10,15), 2, byrow=TRUE)
        { [20, 5, 10, 15], 2, 0.4, 0.1269960629311, 0.151092290476661, 0.648907709523339 },
        // m <- matrix(c(25,3,2, 4,20,6, 1,5,14), 3, byrow=TRUE): psych::cohen.kappa(m)$confid 0.4567758 0.6018957 0.7470157
        { [25, 3, 2, 4, 20, 6, 1, 5, 14], 3, 0.601895734597157, 0.0740421491895264, 0.456775788847743, 0.74701568034657 },
        // m <- matrix(c(2,10,12,1), 2, byrow=TRUE): below chance; R cuts the lower bound at -1 (psych warns that it does)
        { [2, 10, 12, 1], 2, -0.751592356687898, 0.135452644303139, -1, -0.486110052243032 },
        // m <- matrix(c(4500,300,200,5000), 2, byrow=TRUE)
        { [4500, 300, 200, 5000], 2, 0.899759422614274, 0.00436845404274382, 0.891197410022378, 0.90832143520617 },
        // m <- matrix(c(7,1,0, 0,0,2, 1,0,3), 3, byrow=TRUE): a category one rater never used on the diagonal
        { [7, 1, 0, 0, 0, 2, 1, 0, 3], 3, 0.490909090909091, 0.180063053865185, 0.137991990387034, 0.843826191431148 },
    };

    [Theory]
    [MemberData(nameof(RReferences))]
    public void Matches_R(long[] cells, int k, double kappa, double se, double lower, double upper)
    {
        var table = new long[k, k];
        for (var i = 0; i < cells.Length; i++)
        {
            table[i / k, i % k] = cells[i];
        }

        var result = CohensKappa.Compute(table);

        Assert.Equal(kappa, result.Kappa!.Value, 12);
        Assert.Equal(se, result.StandardError!.Value, 12);
        Assert.Equal(lower, result.Lower!.Value, 12);
        Assert.Equal(upper, result.Upper!.Value, 12);
        Assert.Equal(cells.Sum(), result.N);
    }

    [Fact]
    public void Perfect_agreement_is_one_with_no_spread()
    {
        var result = CohensKappa.Compute(new long[,] { { 10, 0 }, { 0, 5 } });

        Assert.Equal(1, result.Kappa!.Value, 14);
        Assert.Equal(0, result.StandardError!.Value, 14);
        Assert.Equal(1, result.Upper!.Value, 14);
    }

    [Fact]
    public void Is_undefined_when_a_rater_used_one_category_or_there_are_no_units()
    {
        // Both raters said "confirmed" every time: observed = expected = 1, so kappa is 0/0 (R gives NaN).
        var single = CohensKappa.Compute(new long[,] { { 12, 0 }, { 0, 0 } });
        Assert.Null(single.Kappa);
        Assert.Null(single.Lower);
        Assert.Equal(12, single.N);

        // Only flagged units reviewed: the detector's row is constant, so p_o = p_e and kappa is 0 by construction
        // (R: vcd::Kappa(matrix(c(112,37,0,0), 2, byrow=TRUE)) gives 0 with ASE 0); here it is undefined, not a [0, 0] interval.
        var flagsOnly = CohensKappa.Compute(new long[,] { { 112, 37 }, { 0, 0 } });
        Assert.Null(flagsOnly.Kappa);
        Assert.Null(flagsOnly.StandardError);
        Assert.Equal(149, flagsOnly.N);

        var empty = CohensKappa.Compute(new long[2, 2]);
        Assert.Null(empty.Kappa);
        Assert.Equal(0, empty.N);
    }

    [Fact]
    public void Refuses_tables_that_are_not_counts_of_two_raters()
    {
        Assert.Throws<ArgumentException>(() => CohensKappa.Compute(new long[2, 3]));
        Assert.Throws<ArgumentException>(() => CohensKappa.Compute(new long[,] { { 1, -1 }, { 0, 2 } }));
    }
}
