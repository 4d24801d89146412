using MathNet.Numerics;
using MathNet.Numerics.Random;
using Scheme.Analysis.Statistics.Internal;
using Scheme.Model;

namespace Scheme.Analysis.Statistics;

/// <summary>
/// Permutation test outcome. Statistic = mean(x) - mean(y). Permutations = relabellings enumerated (exact) or
/// sampled (Monte Carlo); a double because C(N, m) for rate data is astronomically large.
/// </summary>
public sealed record PermutationResult(double Statistic, double PValue, Alternative Alternative, bool Exact, double Permutations);

/// <summary>
/// Two-sample permutation test for a difference in means (or rates, with 0/1 data) under H0 of exchangeable
/// group labels. Exact (all C(N, m) relabellings enumerated) when that count is at most
/// <c>maxExact</c>; otherwise Monte Carlo with p = (1 + #{T* as extreme}) / (B + 1), which is a valid p-value.
/// Two-sided compares |T*| with |T|. Comparisons allow a relative slack of 1e-9 so relabellings that equal
/// the observed statistic up to rounding count as "as extreme".
/// </summary>
public static class PermutationTest
{
    public const int DefaultResamples = 100_000;
    public const long DefaultMaxExact = 200_000;

    public static PermutationResult Test(IReadOnlyList<double> x, IReadOnlyList<double> y, int seed,
        Alternative alternative = Alternative.TwoSided, int resamples = DefaultResamples, long maxExact = DefaultMaxExact)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        if (x.Count == 0 || y.Count == 0) throw new ArgumentException("both samples must be non-empty");
        if (resamples < 1) throw new ArgumentOutOfRangeException(nameof(resamples));
        var all = x.Concat(y).ToArray();
        if (all.Any(v => !double.IsFinite(v))) throw new ArgumentException("values must be finite");
        int m = x.Count, total = all.Length;
        double sumAll = all.Sum();
        double observed = Statistic(x.Sum(), sumAll, m, total);
        double slack = 1e-9 * Math.Max(1.0, all.Sum(Math.Abs) / Math.Min(m, total - m));
        bool Extreme(double t) => alternative switch
        {
            Alternative.Greater => t >= observed - slack,
            Alternative.Less => t <= observed + slack,
            _ => Math.Abs(t) >= Math.Abs(observed) - slack,
        };

        double combinations = SpecialFunctions.Binomial(total, m);
        if (combinations <= maxExact)
        {
            long count = 0, seen = 0;
            foreach (double s in SubsetSums(all, m))
            {
                seen++;
                if (Extreme(Statistic(s, sumAll, m, total))) count++;
            }
            return new PermutationResult(observed, (double)count / seen, alternative, true, seen);
        }

        var rng = new Xoshiro256StarStar(seed, threadSafe: false);
        var work = (double[])all.Clone();
        long hits = 0;
        for (int r = 0; r < resamples; r++)
        {
            // Partial Fisher-Yates: the first m slots become a uniformly random subset for group x.
            double s = 0;
            for (int i = 0; i < m; i++)
            {
                int j = i + rng.Next(total - i);
                (work[i], work[j]) = (work[j], work[i]);
                s += work[i];
            }
            if (Extreme(Statistic(s, sumAll, m, total))) hits++;
        }
        return new PermutationResult(observed, (hits + 1.0) / (resamples + 1.0), alternative, false, resamples);
    }

    /// <summary>
    /// Exact permutation test for rates k1/n1 vs k2/n2 with 0/1 outcomes. Why no enumeration: the number of
    /// successes landing in group 1 under relabelling is hypergeometric, so the exact permutation distribution
    /// is available in O(n). One-sided p-values equal Fisher's; two-sided orders tables by |difference in
    /// rates| rather than by probability, so it can differ from Fisher's two-sided p-value.
    /// </summary>
    public static PermutationResult TestRates(int k1, int n1, int k2, int n2, Alternative alternative = Alternative.TwoSided)
    {
        Guard.Counts(k1, n1, nameof(k1), nameof(n1));
        Guard.Counts(k2, n2, nameof(k2), nameof(n2));
        var h = new Hypergeometric(White: k1 + k2, Black: n1 + n2 - k1 - k2, Drawn: n1);
        double Diff(int s) => (double)s / n1 - (double)(k1 + k2 - s) / n2;
        double observed = Diff(k1);
        double slack = 1e-9;
        double p = alternative switch
        {
            Alternative.Greater => Math.Exp(h.LogSurvival(k1)),
            Alternative.Less => Math.Exp(h.LogCdf(k1)),
            _ => TwoSidedRates(h, Diff, Math.Abs(observed) - slack),
        };
        double count = Math.Round(Math.Exp(SpecialFunctions.BinomialLn(n1 + n2, n1)));
        return new PermutationResult(observed, Math.Min(1.0, p), alternative, true, count);
    }

    private static double TwoSidedRates(Hypergeometric h, Func<int, double> diff, double threshold)
    {
        // diff(s) increases in s, so |diff| >= threshold holds on a lower and an upper tail of s.
        double p = 0;
        int lowEnd = h.Lo - 1;
        while (lowEnd + 1 <= h.Hi && diff(lowEnd + 1) <= -threshold) lowEnd++;
        int highStart = h.Hi + 1;
        while (highStart - 1 >= h.Lo && diff(highStart - 1) >= threshold) highStart--;
        if (highStart <= lowEnd) return 1.0; // every relabelling is as extreme (e.g. observed difference 0)
        if (lowEnd >= h.Lo) p += Math.Exp(h.LogCdf(lowEnd));
        if (highStart <= h.Hi) p += Math.Exp(h.LogSurvival(highStart));
        return p;
    }

    private static double Statistic(double sumX, double sumAll, int m, int total) =>
        sumX / m - (sumAll - sumX) / (total - m);

    /// <summary>Sums of every m-subset of values (lexicographic index combinations).</summary>
    private static IEnumerable<double> SubsetSums(double[] values, int m)
    {
        int n = values.Length;
        var idx = Enumerable.Range(0, m).ToArray();
        while (true)
        {
            double s = 0;
            foreach (int i in idx) s += values[i];
            yield return s;
            int pos = m - 1;
            while (pos >= 0 && idx[pos] == n - m + pos) pos--;
            if (pos < 0) yield break;
            idx[pos]++;
            for (int j = pos + 1; j < m; j++) idx[j] = idx[j - 1] + 1;
        }
    }
}
