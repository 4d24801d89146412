using MathNet.Numerics.Distributions;
using Scheme.Analysis.Statistics.Internal;
using Scheme.Model;

namespace Scheme.Analysis.Statistics;

/// <summary>
/// The test that goes with the Newcombe intervals (<see cref="NewcombeInterval"/>, <see cref="PairedNewcombeInterval"/>):
/// the p-value of inverting the interval. Write L(z), U(z) for the interval's bounds at normal quantile z (the
/// two-sided level is 2 Phi(z) - 1); both start at the estimate D at z = 0 and move apart as z grows. For D &gt; 0,
/// z* is the root of L(z) = 0, the one-sided p for "greater" is Phi(-z*) (the one-sided level at which the lower
/// bound touches 0) and "less" is its complement; for D &lt; 0 the same with U; for D = 0 both are 1/2. The
/// two-sided p is 2 min(greater, less) = 2 Phi(-z*): the smallest alpha at which the 100(1 - alpha)% interval
/// excludes 0. Roots past z = 40 give p = 0 (Phi(-40) is below the smallest double).
/// Estimate is D. The R reference computes the same definition with uniroot (make_reference.R).
/// </summary>
public static class NewcombeTest
{
    private const double MaxZ = 40;

    /// <summary>Independent rates k1/n1 vs k2/n2.</summary>
    public static TestResult Independent(int k1, int n1, int k2, int n2, Alternative alternative = Alternative.TwoSided)
    {
        Guard.Counts(k1, n1, nameof(k1), nameof(n1));
        Guard.Counts(k2, n2, nameof(k2), nameof(n2));
        // The estimate comes from the counts, not from the bounds at z = 0: Wilson's lower bound is 0/0 there when k = 0.
        double d = (double)k1 / n1 - (double)k2 / n2;
        return Invert(d, z => NewcombeInterval.Bounds(k1, n1, k2, n2, z), alternative);
    }

    /// <summary>Paired table a = (yes, yes), b = (yes, no), c = (no, yes), d = (no, no); estimate (b - c) / n.</summary>
    public static TestResult Paired(int a, int b, int c, int d, Alternative alternative = Alternative.TwoSided)
    {
        Guard.NonNegative(a, nameof(a));
        Guard.NonNegative(b, nameof(b));
        Guard.NonNegative(c, nameof(c));
        Guard.NonNegative(d, nameof(d));
        if (checked(a + b + c + d) == 0) throw new ArgumentException("need at least one pair");
        double estimate = (double)(b - c) / (a + b + c + d);
        return Invert(estimate, z => PairedNewcombeInterval.Bounds(a, b, c, d, z), alternative);
    }

    private static TestResult Invert(double estimate, Func<double, Interval> bounds, Alternative alternative)
    {
        double greater, less;
        if (estimate > 0)
        {
            greater = Normal.CDF(0, 1, -Root(z => bounds(z).Lower));
            less = 1 - greater;
        }
        else if (estimate < 0)
        {
            less = Normal.CDF(0, 1, -Root(z => -bounds(z).Upper));
            greater = 1 - less;
        }
        else
        {
            greater = less = 0.5;
        }
        double p = alternative switch
        {
            Alternative.Greater => greater,
            Alternative.Less => less,
            _ => Math.Min(1, 2 * Math.Min(greater, less)),
        };
        return new TestResult(p, estimate, alternative);
    }

    /// <summary>
    /// The z in (0, 40] where f, positive at 0 and decreasing, reaches 0; 40 if it never does there.
    /// Bisection to the last bit: the relative error of Phi(-z) is about z times the error of z.
    /// </summary>
    private static double Root(Func<double, double> f)
    {
        double lo = 0, hi = MaxZ;
        if (f(hi) > 0) return hi;
        while (true)
        {
            var mid = lo + (hi - lo) / 2;
            if (mid <= lo || mid >= hi) return mid;
            if (f(mid) > 0) lo = mid; else hi = mid;
        }
    }
}
