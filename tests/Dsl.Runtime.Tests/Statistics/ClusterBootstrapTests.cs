using Scheme.Analysis.Statistics;

namespace Scheme.Runtime.Tests.Statistics;

public class ClusterBootstrapTests
{
    [Fact]
    public void Two_clusters_give_the_exact_resampling_distribution()
    {
        // Cluster 1 has difference -0.2, cluster 2 +0.4 (equal sizes, so pooled = mean). Resampling two clusters
        // with replacement yields -0.2 (prob 1/4), +0.1 (1/2) and +0.4 (1/4).
        var clusters = new[]
        {
            new PairedCluster(new RateCount(3, 10), new RateCount(5, 10)),
            new PairedCluster(new RateCount(6, 10), new RateCount(2, 10)),
        };
        const int b = 20_000;
        var greater = ClusterBootstrap.Paired(clusters, seed: 9, resamples: b, alternative: Alternative.Greater);
        Assert.Equal(0.1, greater.Estimate, 14);
        Assert.Equal(-0.2, greater.Interval.Lower, 12);
        Assert.Equal(0.4, greater.Interval.Upper, 12);
        // Greater: (1 + #{d* <= 0}) / (B + 1) estimates P(d* = -0.2) = 1/4.
        double se = Math.Sqrt(0.25 * 0.75 / b);
        Assert.InRange(greater.PValue, 0.25 - 4 * se, 0.25 + 4 * se);
        var twoSided = ClusterBootstrap.Paired(clusters, seed: 9, resamples: b);
        Assert.Equal(Math.Min(1, 2 * greater.PValue), twoSided.PValue, 12);
        // Less: (1 + #{d* >= 0}) / (B + 1) estimates P(d* > 0) = 3/4.
        double less = ClusterBootstrap.Paired(clusters, seed: 9, resamples: b, alternative: Alternative.Less).PValue;
        Assert.InRange(less, 0.75 - 4 * se, 0.75 + 4 * se);
    }

    [Fact]
    public void No_difference_in_any_cluster_gives_a_point_interval_and_p_one()
    {
        var clusters = Enumerable.Range(1, 8)
            .Select(i => new PairedCluster(new RateCount(i, 20), new RateCount(i, 20))).ToArray();
        var r = ClusterBootstrap.Paired(clusters, seed: 1, resamples: 2000);
        Assert.Equal(new Interval(0, 0), r.Interval);
        Assert.Equal(1.0, r.PValue);
    }

    [Fact]
    public void Clear_effect_is_detected_and_interval_brackets_the_estimate()
    {
        var rng = new Random(3);
        var clusters = Enumerable.Range(0, 20).Select(_ =>
        {
            int a = rng.Next(20, 30), b = rng.Next(5, 15);
            return new PairedCluster(new RateCount(a, 50), new RateCount(b, 50));
        }).ToArray();
        var r = ClusterBootstrap.Paired(clusters, seed: 4);
        Assert.True(r.Interval.Lower > 0);
        Assert.True(r.Interval.Contains(r.Estimate));
        Assert.True(r.PValue < 0.001);
        Assert.Equal(1.0 / (r.Resamples + 1) * 2, r.PValue, 12); // no resample reached 0
    }

    [Fact]
    public void Independent_clusters_without_overdispersion_match_Newcombe_width()
    {
        // Binomial counts with no cluster effect: the cluster bootstrap should then be about as wide as an
        // interval that treats rollouts as independent.
        var rng = new Random(17);
        RateCount Cluster(double p) => new(Enumerable.Range(0, 40).Count(_ => rng.NextDouble() < p), 40);
        var a = Enumerable.Range(0, 60).Select(_ => Cluster(0.3)).ToArray();
        var b = Enumerable.Range(0, 60).Select(_ => Cluster(0.2)).ToArray();
        var boot = ClusterBootstrap.Independent(a, b, seed: 8);
        var newcombe = NewcombeInterval.Compute(a.Sum(c => c.Successes), a.Sum(c => c.Trials),
                                                b.Sum(c => c.Successes), b.Sum(c => c.Trials));
        Assert.Equal(newcombe.Estimate, boot.Estimate, 12);
        Assert.InRange(boot.Interval.Width / newcombe.Interval.Width, 0.8, 1.2);
    }

    [Fact]
    public void Aggregation_choice_changes_the_estimate_as_documented()
    {
        // A: 1/10 and 90/100; B: 0/10 and 0/100. Pooled A = 91/110; mean of rates A = (0.1 + 0.9) / 2.
        var clusters = new[]
        {
            new PairedCluster(new RateCount(1, 10), new RateCount(0, 10)),
            new PairedCluster(new RateCount(90, 100), new RateCount(0, 100)),
        };
        Assert.Equal(91.0 / 110, ClusterBootstrap.Paired(clusters, 1, 100).Estimate, 14);
        Assert.Equal(0.5, ClusterBootstrap.Paired(clusters, 1, 100, aggregation: ClusterAggregation.MeanOfRates).Estimate, 14);
    }

    [Fact]
    public void Is_deterministic_for_a_seed()
    {
        var clusters = Enumerable.Range(1, 6)
            .Select(i => new PairedCluster(new RateCount(i, 10), new RateCount(10 - i, 12))).ToArray();
        var r1 = ClusterBootstrap.Paired(clusters, seed: 77, resamples: 3000);
        Assert.Equal(r1, ClusterBootstrap.Paired(clusters, seed: 77, resamples: 3000));
        Assert.NotEqual(r1, ClusterBootstrap.Paired(clusters, seed: 78, resamples: 3000));
    }

    [Fact]
    public void Invalid_inputs_throw()
    {
        Assert.Throws<ArgumentException>(() => ClusterBootstrap.Paired(Array.Empty<PairedCluster>(), 1));
        Assert.Throws<ArgumentException>(() =>
            ClusterBootstrap.Paired(new[] { new PairedCluster(new RateCount(0, 0), new RateCount(1, 2)) }, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            ClusterBootstrap.Independent(new[] { new RateCount(1, 2) }, new[] { new RateCount(1, 2) }, 1, resamples: 0));
    }
}
