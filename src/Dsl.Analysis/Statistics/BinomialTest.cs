using Scheme.Analysis.Statistics.Internal;
using Scheme.Model;

namespace Scheme.Analysis.Statistics;

/// <summary>
/// Exact binomial test of H0: rate = p0, matching R's binom.test p-value. Two-sided uses R's rule: add the
/// probability of every outcome on the other side of n*p0 that is no more likely than the observed one,
/// with a relative slack of 1e-7 so that ties are not lost to rounding.
/// </summary>
public static class BinomialTest
{
    private const double RelErr = 1 + 1e-7;

    /// <summary>Estimate is k/n.</summary>
    public static TestResult Test(int k, int n, double p0 = 0.5, Alternative alternative = Alternative.TwoSided)
    {
        Guard.Counts(k, n);
        Guard.Probability(p0, nameof(p0));
        double p = alternative switch
        {
            Alternative.Less => Binomial.Cdf(k, n, p0),
            Alternative.Greater => Binomial.Survival(k, n, p0),
            _ => TwoSided(k, n, p0),
        };
        return new TestResult(p, (double)k / n, alternative);
    }

    /// <summary>
    /// Smallest k whose one-sided 'greater' test rejects at <paramref name="alpha"/> (p &lt;= alpha), or null if
    /// no k in [0, n] does. Useful to preregister a decision threshold (e.g. Meinke et al. 2024).
    /// </summary>
    public static int? SmallestRejectingCount(int n, double p0, double alpha)
    {
        // The 'greater' p-value P(X >= k) decreases in k, so binary search.
        if (Test(n, n, p0, Alternative.Greater).PValue > alpha) return null;
        int lo = 0, hi = n;
        while (lo < hi)
        {
            int mid = lo + (hi - lo) / 2;
            if (Test(mid, n, p0, Alternative.Greater).PValue <= alpha) hi = mid; else lo = mid + 1;
        }
        return lo;
    }

    private static double TwoSided(int x, int n, double p0)
    {
        double m = n * p0;
        if (x == m) return 1.0;
        double logD = Binomial.LogPmf(x, n, p0) + Math.Log(RelErr);
        int mode = Binomial.Mode(n, p0);
        double LogPmf(int j) => Binomial.LogPmf(j, n, p0);
        double pval;
        if (x < m)
        {
            // y = #{ i in [ceil(m), n] : pmf(i) <= d * relErr }; pmf rises up to the mode and falls after it.
            int start = (int)Math.Ceiling(m);
            int y = 0;
            int risingEnd = Math.Min(mode, n);
            if (start <= risingEnd) y += UnimodalTails.LastAtMost(LogPmf, start, risingEnd, logD) - start + 1;
            int fallStart = Math.Max(start, mode + 1);
            if (fallStart <= n) y += n - UnimodalTails.FirstAtMost(LogPmf, fallStart, n, logD) + 1;
            pval = Binomial.Cdf(x, n, p0) + Binomial.Survival(n - y + 1, n, p0);
        }
        else
        {
            // y = #{ i in [0, floor(m)] : pmf(i) <= d * relErr }.
            int end = (int)Math.Floor(m);
            int y = 0;
            int risingEnd = Math.Min(mode, end);
            if (risingEnd >= 0) y += UnimodalTails.LastAtMost(LogPmf, 0, risingEnd, logD) + 1;
            if (mode + 1 <= end) y += end - UnimodalTails.FirstAtMost(LogPmf, mode + 1, end, logD) + 1;
            pval = Binomial.Cdf(y - 1, n, p0) + Binomial.Survival(x, n, p0);
        }
        return Math.Min(1.0, pval);
    }
}
