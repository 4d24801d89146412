using Scheme.Analysis.Statistics.Internal;
using Scheme.Model;

namespace Scheme.Analysis.Statistics;

/// <summary>
/// Fisher's exact test for a 2x2 table [[a, b], [c, d]] (rows = groups, columns = outcome yes/no), matching
/// R's fisher.test p-value. Conditional on the margins, a is hypergeometric. Two-sided: sum of probabilities
/// of all tables no more likely than the observed one, with R's relative slack 1e-7.
/// Less/Greater refer to the odds ratio (a d)/(b c) being below/above 1.
/// </summary>
public static class FisherExactTest
{
    private const double RelErr = 1 + 1e-7;

    /// <summary>Estimate is the sample odds ratio (a d)/(b c) (may be 0, +Inf or NaN); R reports the conditional MLE instead.</summary>
    public static TestResult Test(int a, int b, int c, int d, Alternative alternative = Alternative.TwoSided)
    {
        Guard.NonNegative(a, nameof(a));
        Guard.NonNegative(b, nameof(b));
        Guard.NonNegative(c, nameof(c));
        Guard.NonNegative(d, nameof(d));
        if ((long)a + b + c + d > int.MaxValue) throw new ArgumentOutOfRangeException(nameof(a), "table total too large");
        // R: m = first column total, n = second column total, k = first row total, x = a.
        var h = new Hypergeometric(White: a + c, Black: b + d, Drawn: a + b);
        double p = alternative switch
        {
            Alternative.Less => Math.Exp(h.LogCdf(a)),
            Alternative.Greater => Math.Exp(h.LogSurvival(a)),
            _ => TwoSided(h, a),
        };
        double oddsRatio = ((double)a * d) / ((double)b * c);
        return new TestResult(Math.Min(1.0, p), oddsRatio, alternative);
    }

    /// <summary>Convenience overload: k1 of n1 vs k2 of n2 (rows are the two groups).</summary>
    public static TestResult Test(RateCount group1, RateCount group2, Alternative alternative = Alternative.TwoSided)
    {
        group1.Validate(nameof(group1));
        group2.Validate(nameof(group2));
        return Test(group1.Successes, group1.Trials - group1.Successes,
                    group2.Successes, group2.Trials - group2.Successes, alternative);
    }

    private static double TwoSided(Hypergeometric h, int x)
    {
        double threshold = h.LogPmf(x) + Math.Log(RelErr);
        int mode = h.Mode;
        // The pmf rises on [lo, mode] and falls on [mode+1, hi], so the tables "no more likely" form two tails.
        int left = UnimodalTails.LastAtMost(h.LogPmf, h.Lo, mode, threshold);
        int right = UnimodalTails.FirstAtMost(h.LogPmf, mode + 1, h.Hi, threshold);
        if (left == mode && right == mode + 1) return 1.0;
        double p = 0;
        if (left >= h.Lo) p += Math.Exp(h.LogCdf(left));
        if (right <= h.Hi) p += Math.Exp(h.LogSurvival(right));
        return Math.Min(1.0, p);
    }
}
