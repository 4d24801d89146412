using Scheme.Model;

namespace Scheme.Analysis.Statistics.Internal;

/// <summary>
/// Tail sums of a unimodal discrete distribution on [lo, hi] given its log pmf.
/// Why: summing the pmf from the tail end inward (terms decrease away from the mode) in log space keeps full
/// relative accuracy even for p-values near 1e-300, and early stopping makes n = 1e6 cheap. A tail that contains
/// the mode is computed as the complement of the opposite tail, which then holds at most ~half the mass, so the
/// subtraction cannot lose relative accuracy.
/// </summary>
internal static class UnimodalTails
{
    // Stop once a term is this small relative to the running sum; terms further out are smaller still.
    private const double NegligibleLog = -50.0; // e^-50 ~ 2e-22

    /// <summary>log P(X &lt;= k).</summary>
    public static double LogLower(Func<int, double> logPmf, int k, int lo, int hi, int mode)
    {
        if (k < lo) return double.NegativeInfinity;
        if (k >= hi) return 0.0;
        if (k < mode) return SumOutward(logPmf, k, lo, -1);
        return LogSpace.Log1MExp(SumOutward(logPmf, k + 1, hi, +1));
    }

    /// <summary>log P(X &gt;= k).</summary>
    public static double LogUpper(Func<int, double> logPmf, int k, int lo, int hi, int mode)
    {
        if (k > hi) return double.NegativeInfinity;
        if (k <= lo) return 0.0;
        if (k > mode) return SumOutward(logPmf, k, hi, +1);
        return LogSpace.Log1MExp(SumOutward(logPmf, k - 1, lo, -1));
    }

    /// <summary>Largest j in [a, b] with f(j) &lt;= thr, for f non-decreasing on [a, b]; a - 1 if none.</summary>
    public static int LastAtMost(Func<int, double> f, int a, int b, double thr)
    {
        if (a > b || f(a) > thr) return a - 1;
        int lo = a, hi = b; // invariant: f(lo) <= thr
        while (lo < hi)
        {
            int mid = lo + (hi - lo + 1) / 2;
            if (f(mid) <= thr) lo = mid; else hi = mid - 1;
        }
        return lo;
    }

    /// <summary>Smallest j in [a, b] with f(j) &lt;= thr, for f non-increasing on [a, b]; b + 1 if none.</summary>
    public static int FirstAtMost(Func<int, double> f, int a, int b, double thr)
    {
        if (a > b || f(b) > thr) return b + 1;
        int lo = a, hi = b; // invariant: f(hi) <= thr
        while (lo < hi)
        {
            int mid = lo + (hi - lo) / 2;
            if (f(mid) <= thr) hi = mid; else lo = mid + 1;
        }
        return hi;
    }

    /// <summary>log of sum of pmf from start to end (inclusive), moving away from the mode.</summary>
    private static double SumOutward(Func<int, double> logPmf, int start, int end, int step)
    {
        double first = logPmf(start);
        if (double.IsNegativeInfinity(first)) return first;
        double sum = 1.0; // relative to exp(first)
        for (int j = start + step; step > 0 ? j <= end : j >= end; j += step)
        {
            double rel = logPmf(j) - first;
            double term = Math.Exp(rel);
            sum += term;
            if (rel - Math.Log(sum) < NegligibleLog) break;
        }
        return Math.Min(0.0, first + Math.Log(sum));
    }
}
