using MathNet.Numerics.Distributions;
using Scheme.Analysis.Statistics.Internal;
using Scheme.Model;

namespace Scheme.Analysis.Statistics;

/// <summary>A risk ratio p1 / p2 with its interval.</summary>
/// <param name="Corrected">0.5 was added to every cell because a group had no successes (see <see cref="RiskRatioInterval"/>).</param>
public sealed record RiskRatioResult(double Estimate, Interval Interval, double Level, Alternative Alternative, bool Corrected);

/// <summary>
/// Katz et al. (1978) log interval for the ratio of two independent rates, k1/n1 over k2/n2:
/// exp(log RR -+ z sqrt(1/k1 - 1/n1 + 1/k2 - 1/n2)). A two-sided interval uses z = qnorm(1 - (1 - level) / 2), a
/// one-sided bound z = qnorm(level) with the other end 0 (<c>Less</c>) or +Inf (<c>Greater</c>). When k1 or k2 is 0 the
/// log is undefined, and 0.5 is added to each of the four cells (Haldane), as epidemiology texts do; the estimate is
/// then the corrected ratio too, and <see cref="RiskRatioResult.Corrected"/> says so.
/// </summary>
public static class RiskRatioInterval
{
    public static RiskRatioResult Compute(int k1, int n1, int k2, int n2, double level = 0.95, Alternative alternative = Alternative.TwoSided)
    {
        Guard.Counts(k1, n1, nameof(k1), nameof(n1));
        Guard.Counts(k2, n2, nameof(k2), nameof(n2));
        Guard.Level(level);
        var corrected = k1 == 0 || k2 == 0;
        double a = k1, m1 = n1, c = k2, m2 = n2;
        if (corrected)
        {
            (a, c, m1, m2) = (a + 0.5, c + 0.5, m1 + 1, m2 + 1);
        }
        var log = Math.Log(a / m1) - Math.Log(c / m2);
        var se = Math.Sqrt(1 / a - 1 / m1 + 1 / c - 1 / m2);
        var z = Normal.InvCDF(0, 1, alternative == Alternative.TwoSided ? 1 - (1 - level) / 2 : level);
        var interval = alternative switch
        {
            Alternative.Less => new Interval(0, Math.Exp(log + z * se)),
            Alternative.Greater => new Interval(Math.Exp(log - z * se), double.PositiveInfinity),
            _ => new Interval(Math.Exp(log - z * se), Math.Exp(log + z * se)),
        };
        return new RiskRatioResult(Math.Exp(log), interval, level, alternative, corrected);
    }
}
