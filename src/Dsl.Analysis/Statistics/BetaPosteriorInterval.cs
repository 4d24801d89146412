using MathNet.Numerics.Distributions;
using Scheme.Analysis.Statistics.Internal;
using Scheme.Model;

namespace Scheme.Analysis.Statistics;

/// <summary>
/// Equal-tailed Bayesian credible interval for a rate under a uniform Beta(1, 1) prior: the posterior is
/// Beta(k+1, n-k+1) and the bounds are qbeta(a/2, ...) and qbeta(1-a/2, ...). Never degenerate at k = 0 or n.
/// </summary>
public static class BetaPosteriorInterval
{
    /// <summary>Estimate is the posterior mean (k+1)/(n+2).</summary>
    public static IntervalEstimate Compute(int k, int n, double level = 0.95)
    {
        Guard.Counts(k, n);
        Guard.Level(level);
        double tail = (1 - level) / 2;
        var guess = WilsonInterval.Bounds(k, n, Normal.InvCDF(0, 1, 1 - tail));
        double lower = BetaQuantile.Lower(k + 1, n - k + 1, tail, Math.Max(guess.Lower, 0.5 / (n + 2)));
        double upper = BetaQuantile.Upper(k + 1, n - k + 1, tail, Math.Min(guess.Upper, 1 - 0.5 / (n + 2)));
        return new IntervalEstimate((k + 1.0) / (n + 2.0), new Interval(lower, upper), level);
    }
}
