using MathNet.Numerics.Random;
using Scheme.Model;

namespace Scheme.Analysis;

/// <summary>
/// The cluster bootstrap of <see cref="Statistics.ClusterBootstrap"/> (pooled aggregation, percentile interval,
/// p-value from the share of resamples on the far side of 0) for mean metrics, whose clusters are sums rather than
/// counts.
/// </summary>
internal static class MeanClusterBootstrap
{
    public static (double Estimate, double Lower, double Upper, double P) Paired(IReadOnlyList<(SampleMoments A, SampleMoments B)> clusters,
        int seed, int resamples, double level, Statistics.Alternative alternative)
    {
        var a = clusters.Select(c => c.A).ToArray();
        var b = clusters.Select(c => c.B).ToArray();
        var observed = Mean(a, null) - Mean(b, null);
        var rng = new Xoshiro256StarStar(seed, threadSafe: false);
        var idx = new int[a.Length];
        var stats = new double[resamples];
        for (var r = 0; r < resamples; r++)
        {
            for (var i = 0; i < idx.Length; i++) idx[i] = rng.Next(idx.Length);
            stats[r] = Mean(a, idx) - Mean(b, idx);
        }
        return Summarise(observed, stats, level, alternative);
    }

    public static (double Estimate, double Lower, double Upper, double P) Independent(IReadOnlyList<SampleMoments> clustersA,
        IReadOnlyList<SampleMoments> clustersB, int seed, int resamples, double level, Statistics.Alternative alternative)
    {
        var a = clustersA.ToArray();
        var b = clustersB.ToArray();
        var observed = Mean(a, null) - Mean(b, null);
        var rng = new Xoshiro256StarStar(seed, threadSafe: false);
        var idxA = new int[a.Length];
        var idxB = new int[b.Length];
        var stats = new double[resamples];
        for (var r = 0; r < resamples; r++)
        {
            for (var i = 0; i < idxA.Length; i++) idxA[i] = rng.Next(idxA.Length);
            for (var i = 0; i < idxB.Length; i++) idxB[i] = rng.Next(idxB.Length);
            stats[r] = Mean(a, idxA) - Mean(b, idxB);
        }
        return Summarise(observed, stats, level, alternative);
    }

    private static double Mean(SampleMoments[] clusters, int[]? idx)
    {
        var count = idx?.Length ?? clusters.Length;
        double sum = 0, n = 0;
        for (var i = 0; i < count; i++)
        {
            var c = clusters[idx is null ? i : idx[i]];
            sum += c.Sum;
            n += c.N;
        }
        return sum / n;
    }

    private static (double, double, double, double) Summarise(double observed, double[] stats, double level, Statistics.Alternative alternative)
    {
        int atMostZero = 0, atLeastZero = 0;
        foreach (var s in stats)
        {
            if (s <= 0) atMostZero++;
            if (s >= 0) atLeastZero++;
        }
        var b1 = stats.Length + 1.0;
        var p = alternative switch
        {
            Statistics.Alternative.Greater => (1 + atMostZero) / b1,
            Statistics.Alternative.Less => (1 + atLeastZero) / b1,
            _ => Math.Min(1.0, 2 * (1 + Math.Min(atMostZero, atLeastZero)) / b1),
        };
        Array.Sort(stats);
        var tail = (1 - level) / 2;
        return (observed, Quantile(stats, tail), Quantile(stats, 1 - tail), p);
    }

    private static double Quantile(double[] sorted, double q)
    {
        var h = (sorted.Length - 1) * q;
        var lo = (int)Math.Floor(h);
        var hi = Math.Min(lo + 1, sorted.Length - 1);
        return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
    }
}
