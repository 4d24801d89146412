using MathNet.Numerics.Random;
using Scheme.Analysis.Statistics.Internal;
using Scheme.Model;

namespace Scheme.Analysis.Statistics;

/// <summary>One cluster (e.g. an environment) observed under both conditions A and B.</summary>
public readonly record struct PairedCluster(RateCount A, RateCount B);

/// <summary>How per-cluster counts are combined into one rate per condition.</summary>
public enum ClusterAggregation
{
    /// <summary>Total successes / total trials (clusters weighted by their trials).</summary>
    Pooled,
    /// <summary>Unweighted mean of the per-cluster rates (every environment counts the same).</summary>
    MeanOfRates,
}

/// <summary>Bootstrap result: observed difference, percentile interval and bootstrap p-value.</summary>
public sealed record BootstrapResult(double Estimate, Interval Interval, double Level, double PValue,
                                     Alternative Alternative, int Resamples);

/// <summary>
/// Cluster bootstrap for a difference of rates, rate(A) - rate(B). Why: rollouts inside one environment are
/// correlated, so treating them as independent (Newcombe, Fisher) overstates precision; resampling whole
/// clusters with replacement keeps the within-cluster dependence.
/// The interval is the percentile interval (R quantile type 7). The p-value inverts it: the smallest alpha at
/// which the percentile interval excludes 0, i.e. (1 + #{d* on the far side of 0}) / (B + 1), doubled and
/// capped at 1 for two-sided. This is not a null-resampling test and is only as good as the percentile
/// interval (needs a reasonable number of clusters, say &gt;= 10).
/// </summary>
public static class ClusterBootstrap
{
    public const int DefaultResamples = 10_000;

    /// <summary>Paired design: every cluster is measured under A and B (e.g. before/after training per environment).</summary>
    public static BootstrapResult Paired(IReadOnlyList<PairedCluster> clusters, int seed,
        int resamples = DefaultResamples, double level = 0.95, Alternative alternative = Alternative.TwoSided,
        ClusterAggregation aggregation = ClusterAggregation.Pooled)
    {
        ArgumentNullException.ThrowIfNull(clusters);
        if (clusters.Count == 0) throw new ArgumentException("need at least one cluster", nameof(clusters));
        foreach (var c in clusters) { ValidateCluster(c.A, nameof(clusters)); ValidateCluster(c.B, nameof(clusters)); }
        Validate(resamples, level);

        var a = clusters.Select(c => c.A).ToArray();
        var b = clusters.Select(c => c.B).ToArray();
        double observed = Rate(a, null, aggregation) - Rate(b, null, aggregation);
        var rng = new Xoshiro256StarStar(seed, threadSafe: false);
        var idx = new int[clusters.Count];
        var stats = new double[resamples];
        for (int r = 0; r < resamples; r++)
        {
            for (int i = 0; i < idx.Length; i++) idx[i] = rng.Next(idx.Length);
            stats[r] = Rate(a, idx, aggregation) - Rate(b, idx, aggregation); // same clusters for both arms
        }
        return Summarise(observed, stats, level, alternative);
    }

    /// <summary>Independent design: clusters of A and of B are different; each group is resampled separately.</summary>
    public static BootstrapResult Independent(IReadOnlyList<RateCount> clustersA, IReadOnlyList<RateCount> clustersB,
        int seed, int resamples = DefaultResamples, double level = 0.95, Alternative alternative = Alternative.TwoSided,
        ClusterAggregation aggregation = ClusterAggregation.Pooled)
    {
        ArgumentNullException.ThrowIfNull(clustersA);
        ArgumentNullException.ThrowIfNull(clustersB);
        if (clustersA.Count == 0 || clustersB.Count == 0) throw new ArgumentException("each group needs at least one cluster");
        foreach (var c in clustersA) ValidateCluster(c, nameof(clustersA));
        foreach (var c in clustersB) ValidateCluster(c, nameof(clustersB));
        Validate(resamples, level);

        var a = clustersA.ToArray();
        var b = clustersB.ToArray();
        double observed = Rate(a, null, aggregation) - Rate(b, null, aggregation);
        var rng = new Xoshiro256StarStar(seed, threadSafe: false);
        var idxA = new int[a.Length];
        var idxB = new int[b.Length];
        var stats = new double[resamples];
        for (int r = 0; r < resamples; r++)
        {
            for (int i = 0; i < idxA.Length; i++) idxA[i] = rng.Next(idxA.Length);
            for (int i = 0; i < idxB.Length; i++) idxB[i] = rng.Next(idxB.Length);
            stats[r] = Rate(a, idxA, aggregation) - Rate(b, idxB, aggregation);
        }
        return Summarise(observed, stats, level, alternative);
    }

    private static double Rate(RateCount[] clusters, int[]? idx, ClusterAggregation aggregation)
    {
        int count = idx?.Length ?? clusters.Length;
        double k = 0, n = 0, sumRates = 0;
        for (int i = 0; i < count; i++)
        {
            var c = clusters[idx is null ? i : idx[i]];
            k += c.Successes;
            n += c.Trials;
            sumRates += c.Rate;
        }
        return aggregation == ClusterAggregation.Pooled ? k / n : sumRates / count;
    }

    private static BootstrapResult Summarise(double observed, double[] stats, double level, Alternative alternative)
    {
        int atMostZero = 0, atLeastZero = 0;
        foreach (double s in stats)
        {
            if (s <= 0) atMostZero++;
            if (s >= 0) atLeastZero++;
        }
        double b1 = stats.Length + 1.0;
        double p = alternative switch
        {
            Alternative.Greater => (1 + atMostZero) / b1,   // evidence for A > B: few resamples at or below 0
            Alternative.Less => (1 + atLeastZero) / b1,
            _ => Math.Min(1.0, 2 * (1 + Math.Min(atMostZero, atLeastZero)) / b1),
        };
        Array.Sort(stats);
        double tail = (1 - level) / 2;
        var interval = new Interval(Quantiles.Type7(stats, tail), Quantiles.Type7(stats, 1 - tail));
        return new BootstrapResult(observed, interval, level, p, alternative, stats.Length);
    }

    private static void ValidateCluster(RateCount c, string name)
    {
        c.Validate(name);
        if (c.Trials == 0) throw new ArgumentException("every cluster needs at least one trial in each arm", name);
    }

    private static void Validate(int resamples, double level)
    {
        if (resamples < 1) throw new ArgumentOutOfRangeException(nameof(resamples), resamples, "need at least 1 resample");
        Guard.Level(level);
    }
}
