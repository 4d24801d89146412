using Scheme.Model;

namespace Scheme.Analysis.Statistics.Internal;

/// <summary>
/// Quantiles of Beta(a, b) with integer a, b &gt;= 1, via the identity
/// I_x(a, b) = P(Bin(a + b - 1, x) &gt;= a). Why: the binomial tail sums are accurate in relative terms for
/// n up to 1e6+ (see <see cref="Binomial"/>), whereas generic incomplete-beta code loses digits there.
/// The root is found by Newton's method on the log of the small tail, safeguarded by bisection.
/// </summary>
internal static class BetaQuantile
{
    /// <summary>Lower-tail quantile: x with P(Beta(a, b) &lt;= x) = prob, for prob in (0, 1).</summary>
    public static double Lower(int a, int b, double prob, double guess)
    {
        int n = a + b - 1;
        // P(Beta <= x) = P(Bin(n, x) >= a): increasing in x.
        return Solve(x => Binomial.LogSurvival(a, n, x),
                     x => Math.Log(n) + Binomial.LogPmf(a - 1, n - 1, x),
                     increasing: true, Math.Log(prob), guess);
    }

    /// <summary>Upper-tail quantile: x with P(Beta(a, b) &gt; x) = prob, for prob in (0, 1).</summary>
    public static double Upper(int a, int b, double prob, double guess)
    {
        int n = a + b - 1;
        // P(Beta > x) = P(Bin(n, x) <= a - 1): decreasing in x.
        return Solve(x => Binomial.LogCdf(a - 1, n, x),
                     x => Math.Log(n) + Binomial.LogPmf(a - 1, n - 1, x),
                     increasing: false, Math.Log(prob), guess);
    }

    /// <summary>Solve logT(x) = logTarget on (0, 1); logAbsDeriv is log |T'(x)|.</summary>
    private static double Solve(Func<double, double> logT, Func<double, double> logAbsDeriv,
                                bool increasing, double logTarget, double guess)
    {
        double lo = 0.0, hi = 1.0;
        double x = guess > 0 && guess < 1 && !double.IsNaN(guess) ? guess : 0.5;
        for (int iter = 0; iter < 400; iter++)
        {
            double lt = logT(x);
            double h = lt - logTarget;
            if (h == 0) return x;
            bool belowRoot = increasing ? h < 0 : h > 0;
            if (belowRoot) lo = x; else hi = x;

            // Newton step on h(x) = log T(x) - log target: h' = T'/T.
            double slope = Math.Exp(logAbsDeriv(x) - lt) * (increasing ? 1 : -1);
            double next = x - h / slope;
            if (!(next > lo && next < hi))
            {
                // Bisect; geometrically when the bracket spans decades so tiny roots are reached quickly.
                next = lo > 0 && hi / lo > 16 ? Math.Sqrt(lo * hi) : 0.5 * (lo + hi);
                if (lo == 0 && hi < 0.5) next = hi / 16;
            }
            if (Math.Abs(next - x) <= 1e-15 * Math.Abs(x) || hi - lo <= 1e-16 * hi) return next;
            if (next == lo || next == hi) return next;
            x = next;
        }
        return x;
    }
}
