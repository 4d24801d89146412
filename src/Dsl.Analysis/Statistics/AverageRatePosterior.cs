using MathNet.Numerics.Distributions;
using MathNet.Numerics.Random;
using Scheme.Analysis.Statistics.Internal;
using Scheme.Model;

namespace Scheme.Analysis.Statistics;

/// <summary>Posterior summary from Monte Carlo draws: mean and equal-tailed interval.</summary>
public sealed record PosteriorSummary(double Mean, Interval Interval, double Level, int Draws);

/// <summary>
/// Posterior of the unweighted average of several rates (e.g. the covert-action rate averaged over test
/// environments, as reported by Schoen et al. 2025): each environment's rate gets an independent uniform
/// prior, so its posterior is Beta(k_i + 1, n_i - k_i + 1); we draw all rates, average them, and summarise the
/// draws. Why Monte Carlo: the distribution of an average of Betas has no closed form.
/// Deterministic for a given seed (xoshiro256** generator).
/// </summary>
public static class AverageRatePosterior
{
    public const int DefaultDraws = 1_000_000;

    public static PosteriorSummary Compute(IReadOnlyList<RateCount> environments, int seed,
                                           int draws = DefaultDraws, double level = 0.95)
    {
        ArgumentNullException.ThrowIfNull(environments);
        if (environments.Count == 0) throw new ArgumentException("need at least one environment", nameof(environments));
        foreach (var e in environments) e.Validate(nameof(environments));
        if (draws < 2) throw new ArgumentOutOfRangeException(nameof(draws), draws, "need at least 2 draws");
        Guard.Level(level);

        var rng = new Xoshiro256StarStar(seed, threadSafe: false);
        var averages = new double[draws];
        var samplers = environments
            .Select(e => new Beta(e.Successes + 1.0, e.Trials - e.Successes + 1.0, rng))
            .ToArray();
        double invCount = 1.0 / environments.Count;
        double total = 0;
        for (int d = 0; d < draws; d++)
        {
            double sum = 0;
            foreach (var s in samplers) sum += s.Sample();
            averages[d] = sum * invCount;
            total += averages[d];
        }
        Array.Sort(averages);
        double tail = (1 - level) / 2;
        var interval = new Interval(Quantiles.Type7(averages, tail), Quantiles.Type7(averages, 1 - tail));
        return new PosteriorSummary(total / draws, interval, level, draws);
    }

    /// <summary>Exact posterior mean of the average, mean_i (k_i + 1)/(n_i + 2), for checks and reporting.</summary>
    public static double ExactMean(IReadOnlyList<RateCount> environments) =>
        environments.Average(e => (e.Successes + 1.0) / (e.Trials + 2.0));
}
