using Scheme.Model;

namespace Scheme.Analysis.Statistics.Internal;

internal static class Quantiles
{
    /// <summary>R's default quantile (type 7) of an ascending-sorted sample: linear interpolation at (n-1)q.</summary>
    public static double Type7(double[] sorted, double q)
    {
        if (sorted.Length == 0) throw new ArgumentException("empty sample", nameof(sorted));
        double h = (sorted.Length - 1) * q;
        int lo = (int)Math.Floor(h);
        int hi = Math.Min(lo + 1, sorted.Length - 1);
        return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
    }
}
