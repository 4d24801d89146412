using Scheme.Model;

namespace Scheme.Analysis.Statistics.Internal;

/// <summary>Small log-space helpers that .NET's Math lacks (Math has no accurate log1p).</summary>
internal static class LogSpace
{
    public const double LnTwoPi = 1.8378770664093454835606594728112;

    /// <summary>log(1+x) accurate for tiny x (Goldberg's trick; a few ulps).</summary>
    public static double Log1P(double x)
    {
        double u = 1.0 + x;
        if (u == 1.0) return x;
        if (double.IsInfinity(u)) return Math.Log(u);
        return Math.Log(u) * x / (u - 1.0);
    }

    /// <summary>log(1 - exp(a)) for a &lt;= 0, choosing the stable branch (Mächler 2012).</summary>
    public static double Log1MExp(double a)
    {
        if (a > -0.6931471805599453) return Math.Log(-ExpM1(a));
        return Log1P(-Math.Exp(a));
    }

    /// <summary>exp(x)-1 accurate for tiny x.</summary>
    public static double ExpM1(double x)
    {
        if (Math.Abs(x) < 1e-5) return x + 0.5 * x * x + x * x * x / 6.0;
        return Math.Exp(x) - 1.0;
    }
}
