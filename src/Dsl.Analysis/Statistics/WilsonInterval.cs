using MathNet.Numerics.Distributions;
using Scheme.Analysis.Statistics.Internal;
using Scheme.Model;

namespace Scheme.Analysis.Statistics;

/// <summary>
/// Wilson score interval for a binomial rate k/n (no continuity correction; equals R's
/// prop.test(k, n, correct = FALSE)$conf.int). Good coverage close to nominal even for small n.
/// </summary>
public static class WilsonInterval
{
    /// <summary>Estimate is k/n.</summary>
    public static IntervalEstimate Compute(int k, int n, double level = 0.95)
    {
        Guard.Counts(k, n);
        Guard.Level(level);
        double z = Normal.InvCDF(0, 1, 1 - (1 - level) / 2);
        return new IntervalEstimate((double)k / n, Bounds(k, n, z), level);
    }

    /// <summary>
    /// Bounds for a given normal quantile z. Why this form: the textbook (center - half-width) cancels to noise
    /// for k = 0 or tiny k/n; multiplying by the conjugate gives lower = k^2 / (n (k + z^2/2 + z s)), which is
    /// exactly 0 at k = 0 and keeps relative accuracy. Upper is a sum of positive terms (exactly 1 at k = n).
    /// At z = 0 (where inverting an interval into a p-value starts) that form is 0/0 for k = 0, so k = 0 is set
    /// to its value 0 explicitly.
    /// </summary>
    internal static Interval Bounds(int k, int n, double z)
    {
        double z2 = z * z;
        double s = Math.Sqrt((double)k * (n - k) / n + z2 / 4);
        double lower = k == 0 ? 0.0 : (double)k * k / (n * (k + z2 / 2 + z * s));
        double upper = k == n ? 1.0 : (k + z2 / 2 + z * s) / (n + z2);
        return new Interval(lower, upper);
    }
}
