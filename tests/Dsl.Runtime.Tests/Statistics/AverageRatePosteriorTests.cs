using BetaDist = MathNet.Numerics.Distributions.Beta;
using Scheme.Analysis.Statistics;

namespace Scheme.Runtime.Tests.Statistics;

public class AverageRatePosteriorTests
{
    [Fact]
    public void Single_environment_reproduces_the_Beta_posterior_interval()
    {
        // With one environment the average is just Beta(k+1, n-k+1); its exact quantiles are R-checked.
        const int k = 7, n = 50, draws = AverageRatePosterior.DefaultDraws;
        var mc = AverageRatePosterior.Compute(new[] { new RateCount(k, n) }, seed: 2025);
        var exact = BetaPosteriorInterval.Compute(k, n);
        var beta = new BetaDist(k + 1, n - k + 1);
        Assert.Equal(draws, mc.Draws);
        // Monte Carlo standard errors: of the mean, and of a sample quantile sqrt(q(1-q)/N) / density.
        double seMean = beta.StdDev / Math.Sqrt(draws);
        Assert.InRange(mc.Mean, exact.Estimate - 4 * seMean, exact.Estimate + 4 * seMean);
        double seLow = Math.Sqrt(0.025 * 0.975 / draws) / beta.Density(exact.Lower);
        double seHigh = Math.Sqrt(0.025 * 0.975 / draws) / beta.Density(exact.Upper);
        Assert.InRange(mc.Interval.Lower, exact.Lower - 4 * seLow, exact.Lower + 4 * seLow);
        Assert.InRange(mc.Interval.Upper, exact.Upper - 4 * seHigh, exact.Upper + 4 * seHigh);
    }

    [Fact]
    public void Average_of_many_environments_has_the_right_mean_and_spread()
    {
        // Rates in the style of the anti-scheming evaluation: rare covert actions in several environments.
        var envs = new[] { new RateCount(3, 400), new RateCount(0, 300), new RateCount(12, 500), new RateCount(1, 250),
                           new RateCount(5, 450), new RateCount(0, 100) };
        const int draws = 200_000;
        var post = AverageRatePosterior.Compute(envs, seed: 11, draws: draws);
        double exactMean = AverageRatePosterior.ExactMean(envs);
        double sd = Math.Sqrt(envs.Sum(e => new BetaDist(e.Successes + 1, e.Trials - e.Successes + 1).Variance)) / envs.Length;
        Assert.InRange(post.Mean, exactMean - 4 * sd / Math.Sqrt(draws), exactMean + 4 * sd / Math.Sqrt(draws));
        // The average of six Betas is close to normal; the 95% interval spans about +-1.96 sd (allow skew).
        Assert.InRange(post.Interval.Width / (2 * 1.959964 * sd), 0.9, 1.1);
        Assert.True(post.Interval.Lower > 0 && post.Interval.Contains(exactMean));
        // The average is pulled above the raw pooled rate by the uniform priors of the zero-count environments.
        Assert.True(exactMean > envs.Sum(e => e.Successes) / (double)envs.Sum(e => e.Trials));
    }

    [Fact]
    public void Is_deterministic_for_a_seed()
    {
        var envs = new[] { new RateCount(2, 20), new RateCount(9, 30) };
        var a = AverageRatePosterior.Compute(envs, seed: 5, draws: 10_000);
        Assert.Equal(a, AverageRatePosterior.Compute(envs, seed: 5, draws: 10_000));
        Assert.NotEqual(a.Mean, AverageRatePosterior.Compute(envs, seed: 6, draws: 10_000).Mean);
    }

    [Fact]
    public void Invalid_inputs_throw()
    {
        Assert.Throws<ArgumentException>(() => AverageRatePosterior.Compute(Array.Empty<RateCount>(), 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => AverageRatePosterior.Compute(new[] { new RateCount(3, 2) }, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => AverageRatePosterior.Compute(new[] { new RateCount(1, 2) }, 1, draws: 1));
    }
}
