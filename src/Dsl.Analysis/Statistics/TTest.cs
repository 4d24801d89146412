using System.Globalization;
using MathNet.Numerics.Distributions;
using Scheme.Analysis.Statistics.Internal;

namespace Scheme.Analysis.Statistics;

/// <summary>What a t test needs of a sample: its size, mean and variance (n - 1 denominator).</summary>
public readonly record struct SampleSummary(long N, double Mean, double Variance)
{
    /// <summary>Two passes (the mean, then squared deviations from it), so values far from 0 keep their digits.</summary>
    public static SampleSummary Of(IReadOnlyCollection<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Any(v => !double.IsFinite(v))) throw new ArgumentException("values must be finite", nameof(values));
        if (values.Count == 0) return new SampleSummary(0, double.NaN, double.NaN);
        var mean = values.Average();
        var variance = values.Count < 2 ? double.NaN : values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1);
        return new SampleSummary(values.Count, mean, variance);
    }
}

/// <summary>
/// A t test. Estimate is R's: the mean (one-sample), the mean of the differences (paired) or mean(x) - mean(y) (Welch),
/// with the null value <see cref="Null"/> (mu; 0 for Welch) and the standard error of the estimate.
/// </summary>
public sealed record TTestResult(double Statistic, double DegreesOfFreedom, double PValue, double Estimate, double Null,
    double StandardError, Alternative Alternative)
{
    /// <summary>The two-sided interval estimate ± t(df, (1 + level) / 2) SE, whatever the alternative (R's conf.int of the two-sided test).</summary>
    public IntervalEstimate Interval(double level = 0.95)
    {
        Guard.Level(level);
        var half = -TTest.LowerQuantile(DegreesOfFreedom, (1 - level) / 2) * StandardError;
        return new IntervalEstimate(Estimate, new Interval(Estimate - half, Estimate + half), level);
    }
}

/// <summary>
/// Student's one-sample and paired t tests and Welch's unequal-variance t test, matching R's t.test. Data a t test
/// cannot judge (fewer than 2 values, or no variance) are refused: <see cref="Undefined(SampleSummary, string)"/>
/// says why, and the tests throw with that text, where R stops or answers NaN.
/// </summary>
public static class TTest
{
    public static TTestResult OneSample(IReadOnlyCollection<double> x, double mu = 0, Alternative alternative = Alternative.TwoSided) =>
        OneSample(SampleSummary.Of(x), mu, alternative);

    public static TTestResult OneSample(SampleSummary x, double mu = 0, Alternative alternative = Alternative.TwoSided)
    {
        if (!double.IsFinite(mu)) throw new ArgumentOutOfRangeException(nameof(mu), mu, "the null mean must be finite");
        if (Undefined(x, "the sample") is { } why) throw new ArgumentException(why, nameof(x));
        var se = Math.Sqrt(x.Variance / x.N);
        return Result((x.Mean - mu) / se, x.N - 1, x.Mean, mu, se, alternative);
    }

    /// <summary>The one-sample test of the differences x[i] - y[i] against 0.</summary>
    public static TTestResult Paired(IReadOnlyList<double> x, IReadOnlyList<double> y, Alternative alternative = Alternative.TwoSided)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        if (x.Count != y.Count) throw new ArgumentException($"paired samples need equal lengths, got {x.Count} and {y.Count}");
        return OneSample(x.Select((v, i) => v - y[i]).ToList(), 0, alternative);
    }

    public static TTestResult Welch(IReadOnlyCollection<double> x, IReadOnlyCollection<double> y, Alternative alternative = Alternative.TwoSided) =>
        Welch(SampleSummary.Of(x), SampleSummary.Of(y), alternative);

    /// <summary>Welch's test of mean(x) - mean(y) = 0, with the Welch-Satterthwaite degrees of freedom.</summary>
    public static TTestResult Welch(SampleSummary x, SampleSummary y, Alternative alternative = Alternative.TwoSided)
    {
        if (Undefined(x, y, "the first sample", "the second sample") is { } why) throw new ArgumentException(why);
        double vx = x.Variance / x.N, vy = y.Variance / y.N;
        var se = Math.Sqrt(vx + vy);
        var df = (vx + vy) * (vx + vy) / (vx * vx / (x.N - 1) + vy * vy / (y.N - 1));
        return Result((x.Mean - y.Mean) / se, df, x.Mean - y.Mean, 0, se, alternative);
    }

    /// <summary>Why a one-sample (or paired, on the differences) t test of <paramref name="x"/> is undefined, or null.</summary>
    public static string? Undefined(SampleSummary x, string name)
    {
        if (x.N < 2 || !double.IsFinite(x.Mean) || !double.IsFinite(x.Variance))
        {
            return $"{name} has {x.N} value{(x.N == 1 ? "" : "s")}, and a t test needs at least 2 to estimate a variance.";
        }
        return Constant(Math.Sqrt(x.Variance / x.N), Math.Abs(x.Mean))
            ? string.Create(CultureInfo.InvariantCulture, $"every value of {name} is the same ({x.Mean:G6}), so a t test has no variance to judge a difference by.")
            : null;
    }

    /// <summary>Why Welch's test of <paramref name="x"/> against <paramref name="y"/> is undefined, or null. One
    /// sample may lack variance; both may not.</summary>
    public static string? Undefined(SampleSummary x, SampleSummary y, string nameX, string nameY)
    {
        foreach (var (sample, name) in new[] { (x, nameX), (y, nameY) })
        {
            if (sample.N < 2 || !double.IsFinite(sample.Mean) || !double.IsFinite(sample.Variance))
            {
                return $"{name} has {sample.N} value{(sample.N == 1 ? "" : "s")}, and a t test needs at least 2 to estimate a variance.";
            }
        }
        return Constant(Math.Sqrt(x.Variance / x.N + y.Variance / y.N), Math.Max(Math.Abs(x.Mean), Math.Abs(y.Mean)))
            ? string.Create(CultureInfo.InvariantCulture,
                $"every value of {nameX} is the same ({x.Mean:G6}) and so is every value of {nameY} ({y.Mean:G6}), so a t test has no variance to judge a difference by.")
            : null;
    }

    /// <summary>
    /// R's test for "data are essentially constant": a standard error below rounding of the means. R writes it with
    /// a strict &lt;, which lets a zero error around a zero mean through to a NaN; here that is refused as well.
    /// </summary>
    private static bool Constant(double standardError, double scale) => standardError <= 10 * Eps * scale;

    private const double Eps = 2.220446049250313e-16; // R's .Machine$double.eps, not double.Epsilon (the smallest subnormal)

    private static TTestResult Result(double t, double df, double estimate, double nullValue, double se, Alternative alternative)
    {
        // The smaller tail is computed directly (not as 1 - the other), so small p-values keep their digits.
        var lowerTail = LowerTail(-Math.Abs(t), df);
        var p = alternative switch
        {
            Alternative.Less => t <= 0 ? lowerTail : 1 - lowerTail,
            Alternative.Greater => t >= 0 ? lowerTail : 1 - lowerTail,
            _ => Math.Min(1, 2 * lowerTail),
        };
        return new TTestResult(t, df, p, estimate, nullValue, se, alternative);
    }

    /// <summary>
    /// P(T &lt;= t) for t &lt;= 0. Past df = 4e5 R's pt uses the normal approximation of Abramowitz and Stegun 26.7.8, and
    /// so does this: MathNet's StudentT.CDF loses digits as df grows (its log-gamma terms cancel; about 4e-15 df relative,
    /// measured against R), while the approximation's own error there is far below that.
    /// </summary>
    internal static double LowerTail(double t, double df)
    {
        if (df > 4e5)
        {
            var c = 1 / (4 * df);
            return Normal.CDF(0, 1, t * (1 - c) / Math.Sqrt(1 + t * t * 2 * c));
        }
        return StudentT.CDF(0, 1, df, t);
    }

    /// <summary>
    /// The t quantile below which probability <paramref name="tail"/> (&lt; 1/2) lies, as the root of
    /// <see cref="LowerTail"/>. MathNet's InvCDF is a Brent search to 1e-8 bracketed in [-800, 800], which a 99.99%
    /// interval at df = 1 already leaves; this brackets by doubling and then refines by Newton steps, bisecting when one
    /// would leave the bracket.
    /// </summary>
    internal static double LowerQuantile(double df, double tail)
    {
        double low = Normal.InvCDF(0, 1, tail), high = 0;
        while (LowerTail(low, df) > tail)
        {
            high = low;
            low *= 2;
        }
        var x = (low + high) / 2;
        for (var i = 0; i < 200; i++)
        {
            var f = LowerTail(x, df) - tail;
            if (f > 0) high = x; else low = x;
            var next = x - f / StudentT.PDF(0, 1, df, x);
            next = next > low && next < high ? next : (low + high) / 2;
            if (Math.Abs(next - x) <= 1e-15 * Math.Abs(x) || high - low <= 1e-15 * Math.Abs(x)) return next;
            x = next;
        }
        return x;
    }
}
