using MathNet.Numerics.Distributions;
using Scheme.Analysis.Statistics.Internal;
using Scheme.Model;

namespace Scheme.Analysis.Statistics;

/// <summary>
/// Newcombe (1998, Stat. Med. 17:2635) method 10 interval for the difference of two paired rates,
/// p1 - p2 = (b - c) / n, from the paired table a = (yes, yes), b = (yes, no), c = (no, yes), d = (no, no).
/// It combines the Wilson intervals of both margins like <see cref="NewcombeInterval"/>, corrected by the
/// correlation phi of the pairs (with Newcombe's shrinkage of ad - bc towards 0 by n/2 when positive), so
/// pairing that makes the rates move together narrows the interval. Worked example: Altman et al. (2000),
/// Statistics with Confidence, p. 52.
/// </summary>
public static class PairedNewcombeInterval
{
    /// <summary>Estimate is (b - c) / n.</summary>
    public static IntervalEstimate Compute(int a, int b, int c, int d, double level = 0.95)
    {
        Guard.NonNegative(a, nameof(a));
        Guard.NonNegative(b, nameof(b));
        Guard.NonNegative(c, nameof(c));
        Guard.NonNegative(d, nameof(d));
        Guard.Level(level);
        if (checked(a + b + c + d) == 0) throw new ArgumentException("need at least one pair");
        double z = Normal.InvCDF(0, 1, 1 - (1 - level) / 2);
        var bounds = Bounds(a, b, c, d, z);
        return new IntervalEstimate((double)(b - c) / (a + b + c + d), new Interval(Math.Max(-1, bounds.Lower), Math.Min(1, bounds.Upper)), level);
    }

    /// <summary>Bounds for a normal quantile z (not truncated to [-1, 1]); used to invert the interval into a p-value.</summary>
    internal static Interval Bounds(int a, int b, int c, int d, double z)
    {
        int n = a + b + c + d;
        double p1 = (double)(a + b) / n, p2 = (double)(a + c) / n;
        var w1 = WilsonInterval.Bounds(a + b, n, z);
        var w2 = WilsonInterval.Bounds(a + c, n, z);
        double margins = (double)(a + b) * (c + d) * (a + c) * (b + d);
        double cross = (double)a * d - (double)b * c;
        double shrunk = cross > n / 2.0 ? cross - n / 2.0 : cross < 0 ? cross : 0;
        double phi = margins > 0 ? shrunk / Math.Sqrt(margins) : 0;
        double dl1 = p1 - w1.Lower, du1 = w1.Upper - p1, dl2 = p2 - w2.Lower, du2 = w2.Upper - p2;
        double diff = p1 - p2;
        return new Interval(
            diff - Math.Sqrt(Math.Max(0, dl1 * dl1 - 2 * phi * dl1 * du2 + du2 * du2)),
            diff + Math.Sqrt(Math.Max(0, du1 * du1 - 2 * phi * du1 * dl2 + dl2 * dl2)));
    }
}
