using MathNet.Numerics.Distributions;
using Scheme.Analysis.Statistics.Internal;
using Scheme.Model;

namespace Scheme.Analysis.Statistics;

/// <summary>
/// Newcombe (1998) method 10 "hybrid score" interval for the difference of two independent rates
/// p1 - p2 = k1/n1 - k2/n2, built from the two Wilson intervals (l_i, u_i):
/// [d - sqrt((p1-l1)^2 + (u2-p2)^2), d + sqrt((u1-p1)^2 + (p2-l2)^2)].
/// Why: far better coverage than the Wald interval for small counts and rates near 0 or 1.
/// </summary>
public static class NewcombeInterval
{
    /// <summary>Estimate is k1/n1 - k2/n2.</summary>
    public static IntervalEstimate Compute(int k1, int n1, int k2, int n2, double level = 0.95)
    {
        Guard.Counts(k1, n1, nameof(k1), nameof(n1));
        Guard.Counts(k2, n2, nameof(k2), nameof(n2));
        Guard.Level(level);
        double z = Normal.InvCDF(0, 1, 1 - (1 - level) / 2);
        double p1 = (double)k1 / n1, p2 = (double)k2 / n2;
        var w1 = WilsonInterval.Bounds(k1, n1, z);
        var w2 = WilsonInterval.Bounds(k2, n2, z);
        double d = p1 - p2;
        double lower = d - Math.Sqrt(Sq(p1 - w1.Lower) + Sq(w2.Upper - p2));
        double upper = d + Math.Sqrt(Sq(w1.Upper - p1) + Sq(p2 - w2.Lower));
        return new IntervalEstimate(d, new Interval(lower, upper), level);
    }

    /// <summary>Bounds for a normal quantile z; used to invert the interval into a p-value.</summary>
    internal static Interval Bounds(int k1, int n1, int k2, int n2, double z)
    {
        double p1 = (double)k1 / n1, p2 = (double)k2 / n2;
        var w1 = WilsonInterval.Bounds(k1, n1, z);
        var w2 = WilsonInterval.Bounds(k2, n2, z);
        double d = p1 - p2;
        return new Interval(d - Math.Sqrt(Sq(p1 - w1.Lower) + Sq(w2.Upper - p2)), d + Math.Sqrt(Sq(w1.Upper - p1) + Sq(p2 - w2.Lower)));
    }

    private static double Sq(double x) => x * x;
}
