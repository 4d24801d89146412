using MathNet.Numerics.Distributions;
using Scheme.Analysis.Statistics.Internal;
using Scheme.Model;

namespace Scheme.Analysis.Statistics;

/// <summary>
/// Clopper-Pearson "exact" interval for a binomial rate (R: binom.test(k, n)$conf.int):
/// lower = qbeta(a/2, k, n-k+1) (0 when k = 0), upper = qbeta(1-a/2, k+1, n-k) (1 when k = n).
/// Guaranteed coverage &gt;= level, at the price of being conservative.
/// </summary>
public static class ClopperPearsonInterval
{
    /// <summary>Estimate is k/n.</summary>
    public static IntervalEstimate Compute(int k, int n, double level = 0.95)
    {
        Guard.Counts(k, n);
        Guard.Level(level);
        double tail = (1 - level) / 2;
        // The Wilson bounds are a good Newton starting point for the exact ones.
        var guess = WilsonInterval.Bounds(k, n, Normal.InvCDF(0, 1, 1 - tail));
        double lower = k == 0 ? 0.0 : BetaQuantile.Lower(k, n - k + 1, tail, guess.Lower);
        double upper = k == n ? 1.0 : BetaQuantile.Upper(k + 1, n - k, tail, guess.Upper);
        return new IntervalEstimate((double)k / n, new Interval(lower, upper), level);
    }
}
