using MathNet.Numerics.Distributions;
using MathNet.Numerics.Random;
using Scheme.Analysis.Statistics.Internal;
using Scheme.Model;

namespace Scheme.Analysis.Statistics;

/// <summary>
/// Posterior of a difference of unweighted averages of rates, left minus right.
/// <param name="Estimate">The difference of the averages of the observed rates k/n (what the papers print).</param>
/// <param name="PosteriorMean">The posterior mean of the difference, mean_i (k_i + 1)/(n_i + 2) on each side.</param>
/// <param name="ProbabilityLess">Posterior P(left average &lt; right average).</param>
/// </summary>
public sealed record AverageDifferenceSummary(double Estimate, double PosteriorMean, Interval Interval, double Level, Alternative Alternative,
    double ProbabilityLess, int Draws);

/// <summary>
/// Schoen et al. (2025) report covert-action rates averaged over environments, unweighted. Each environment's rate
/// on each side gets an independent uniform prior (posterior Beta(k + 1, n - k + 1)); a draw averages each side's rates
/// and takes the difference. The interval is equal-tailed (two-sided) or a one-sided bound at <c>level</c>, so it
/// excludes 0 exactly when the posterior probability of the other direction is below 1 - level.
/// Monte Carlo (no closed form), seeded (xoshiro256**): reproducible, with a standard error of about
/// sqrt(P (1 - P) / draws) on the probability.
/// </summary>
public static class AverageDifferencePosterior
{
    public static AverageDifferenceSummary Compute(IReadOnlyList<RateCount> left, IReadOnlyList<RateCount> right, int seed,
        int draws = 200_000, double level = 0.95, Alternative alternative = Alternative.TwoSided)
    {
        ArgumentNullException.ThrowIfNull(left);
        ArgumentNullException.ThrowIfNull(right);
        if (left.Count == 0 || right.Count == 0) throw new ArgumentException("each side needs at least one environment");
        foreach (var e in left.Concat(right))
        {
            e.Validate(nameof(left));
            if (e.Trials == 0) throw new ArgumentException("an environment without units has no rate", nameof(left));
        }
        if (draws < 2) throw new ArgumentOutOfRangeException(nameof(draws), draws, "need at least 2 draws");
        Guard.Level(level);

        var rng = new Xoshiro256StarStar(seed, threadSafe: false);
        Beta[] Samplers(IReadOnlyList<RateCount> side) =>
            side.Select(e => new Beta(e.Successes + 1.0, e.Trials - e.Successes + 1.0, rng)).ToArray();
        var (ls, rs) = (Samplers(left), Samplers(right));
        var differences = new double[draws];
        long less = 0;
        for (var d = 0; d < draws; d++)
        {
            double l = 0, r = 0;
            foreach (var s in ls) l += s.Sample();
            foreach (var s in rs) r += s.Sample();
            differences[d] = l / ls.Length - r / rs.Length;
            if (differences[d] < 0) less++;
        }
        Array.Sort(differences);
        var interval = alternative switch
        {
            Alternative.Less => new Interval(-1, Quantiles.Type7(differences, level)),
            Alternative.Greater => new Interval(Quantiles.Type7(differences, 1 - level), 1),
            _ => new Interval(Quantiles.Type7(differences, (1 - level) / 2), Quantiles.Type7(differences, 1 - (1 - level) / 2)),
        };
        var estimate = left.Average(e => e.Rate) - right.Average(e => e.Rate);
        var posteriorMean = AverageRatePosterior.ExactMean(left) - AverageRatePosterior.ExactMean(right);
        return new AverageDifferenceSummary(estimate, posteriorMean, interval, level, alternative, (double)less / draws, draws);
    }

    /// <summary>
    /// The posterior error probability a decision reads as its p-value: P(the opposite direction), or for a two-sided
    /// hypothesis twice the smaller tail (the smallest 1 - level at which the equal-tailed interval excludes 0).
    /// </summary>
    public static double PValue(AverageDifferenceSummary s, Alternative alternative) => alternative switch
    {
        Alternative.Less => 1 - s.ProbabilityLess,
        Alternative.Greater => s.ProbabilityLess,
        _ => Math.Min(1, 2 * Math.Min(s.ProbabilityLess, 1 - s.ProbabilityLess)),
    };
}
