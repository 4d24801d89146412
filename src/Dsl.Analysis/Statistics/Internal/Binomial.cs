using MathNet.Numerics;
using Scheme.Model;

namespace Scheme.Analysis.Statistics.Internal;

/// <summary>
/// Binomial probabilities computed the way R's nmath does (Loader 2000: stirlerr + bd0 "saddle point"
/// form). Why: the naive lgamma(n+1)-lgamma(k+1)-... form cancels catastrophically at n ~ 1e6, losing
/// ~1e-9 relative accuracy, which is the tolerance we promise against R.
/// </summary>
internal static class Binomial
{
    /// <summary>Stirling-formula error term log(n!) - log(sqrt(2 pi n) (n/e)^n).</summary>
    public static double StirlingError(double n)
    {
        const double s0 = 1.0 / 12, s1 = 1.0 / 360, s2 = 1.0 / 1260, s3 = 1.0 / 1680, s4 = 1.0 / 1188;
        if (n <= 15.0)
        {
            if (n == 0) return 0.0;
            // Small n: direct form has no harmful cancellation (terms are below ~60 in size).
            return SpecialFunctions.GammaLn(n + 1.0) - (n + 0.5) * Math.Log(n) + n - 0.5 * LogSpace.LnTwoPi;
        }
        double nn = n * n;
        if (n > 500) return (s0 - s1 / nn) / n;
        if (n > 80) return (s0 - (s1 - s2 / nn) / nn) / n;
        if (n > 35) return (s0 - (s1 - (s2 - s3 / nn) / nn) / nn) / n;
        return (s0 - (s1 - (s2 - (s3 - s4 / nn) / nn) / nn) / nn) / n;
    }

    /// <summary>Deviance term x log(x/np) + np - x, computed without cancellation when x ~ np.</summary>
    public static double Bd0(double x, double np)
    {
        if (Math.Abs(x - np) < 0.1 * (x + np))
        {
            double v = (x - np) / (x + np);
            double s = (x - np) * v;
            if (Math.Abs(s) < 2.2250738585072014e-308) return s;
            double ej = 2 * x * v;
            v *= v;
            for (int j = 1; j < 1000; j++)
            {
                ej *= v;
                double s1 = s + ej / (2 * j + 1);
                if (s1 == s) return s1;
                s = s1;
            }
        }
        return x * Math.Log(x / np) + np - x;
    }

    /// <summary>log P(X = x) for X ~ Bin(n, p), with q = 1 - p passed separately to keep precision.</summary>
    public static double LogPmf(double x, double n, double p, double q)
    {
        if (p == 0) return x == 0 ? 0.0 : double.NegativeInfinity;
        if (q == 0) return x == n ? 0.0 : double.NegativeInfinity;
        if (x < 0 || x > n) return double.NegativeInfinity;
        if (x == 0)
        {
            if (n == 0) return 0.0;
            return p < 0.1 ? -Bd0(n, n * q) - n * p : n * Math.Log(q);
        }
        if (x == n) return q < 0.1 ? -Bd0(n, n * p) - n * q : n * Math.Log(p);
        double lc = StirlingError(n) - StirlingError(x) - StirlingError(n - x) - Bd0(x, n * p) - Bd0(n - x, n * q);
        double lf = LogSpace.LnTwoPi + Math.Log(x) + LogSpace.Log1P(-x / n);
        return lc - 0.5 * lf;
    }

    public static double LogPmf(int x, int n, double p) => LogPmf(x, n, p, 1.0 - p);

    /// <summary>Index of a mode: the pmf is non-decreasing up to it and non-increasing after it.</summary>
    public static int Mode(int n, double p) => p >= 1.0 ? n : Math.Min(n, (int)Math.Floor((n + 1.0) * p));

    /// <summary>log P(X &lt;= k).</summary>
    public static double LogCdf(int k, int n, double p)
    {
        if (k < 0) return double.NegativeInfinity;
        if (k >= n) return 0.0;
        var pmf = (int j) => LogPmf(j, n, p);
        return UnimodalTails.LogLower(pmf, k, 0, n, Mode(n, p));
    }

    /// <summary>log P(X &gt;= k).</summary>
    public static double LogSurvival(int k, int n, double p)
    {
        if (k <= 0) return 0.0;
        if (k > n) return double.NegativeInfinity;
        var pmf = (int j) => LogPmf(j, n, p);
        return UnimodalTails.LogUpper(pmf, k, 0, n, Mode(n, p));
    }

    public static double Cdf(int k, int n, double p) => Math.Exp(LogCdf(k, n, p));
    public static double Survival(int k, int n, double p) => Math.Exp(LogSurvival(k, n, p));
}
