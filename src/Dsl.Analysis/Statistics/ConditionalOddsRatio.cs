using Scheme.Analysis.Statistics.Internal;
using Scheme.Model;

namespace Scheme.Analysis.Statistics;

/// <summary>One 2x2 table [[a, b], [c, d]]: rows are the two groups (left, right), columns yes and no.</summary>
public readonly record struct Table2x2(int A, int B, int C, int D)
{
    public long Total => (long)A + B + C + D;

    /// <summary>k1 of n1 against k2 of n2.</summary>
    public static Table2x2 Of(RateCount left, RateCount right)
    {
        left.Validate(nameof(left));
        right.Validate(nameof(right));
        return new(left.Successes, left.Trials - left.Successes, right.Successes, right.Trials - right.Successes);
    }

    internal void Validate(string name)
    {
        if (A < 0 || B < 0 || C < 0 || D < 0) throw new ArgumentOutOfRangeException(name, this, "counts must be >= 0");
        if (Total > int.MaxValue) throw new ArgumentOutOfRangeException(name, this, "table total too large");
    }
}

/// <summary>An odds ratio with its interval and, where a test was run, its p-value.</summary>
/// <param name="Estimate">The conditional maximum-likelihood estimate (0 or +Inf at the edge of the support).</param>
public sealed record OddsRatioResult(double Estimate, Interval Interval, double Level, Alternative Alternative, double PValue);

/// <summary>
/// The exact conditional inference on a (common) odds ratio: given every table's margins, the sum S of the a cells
/// has density proportional to f0(s) psi^s, with f0 the convolution of the tables' hypergeometric densities. One
/// table is R's <c>fisher.test</c> (estimate, <c>conf.int</c>); several (strata, e.g. environments) are R's
/// <c>mantelhaen.test(exact = TRUE)</c>, the exact Cochran-Mantel-Haenszel test (p-value, estimate, <c>conf.int</c>).
/// The p-value is R's: one-sided tails of S at psi = 1, two-sided the sum of the densities no larger than the
/// observed one (relative slack 1e-7). The interval inverts the one-sided tails (at (1 - level) / 2 each for a
/// two-sided interval, at 1 - level for a one-sided bound, the other end 0 or +Inf), as R does; roots are solved in
/// log psi to 1e-15 relative, where R's uniroot stops at about 1e-4 (the reference solves R's equations tightly).
/// Strata with fewer than 2 units carry no information (R refuses them) and are left out. When the observed sum is so
/// far in a tail that f0 underflows there (p far below 1e-300), the p-value is 0 as R's, and the estimate and interval
/// are NaN (R's uniroot stops with an error).
/// </summary>
public static class ConditionalOddsRatio
{
    private const double RelErr = 1 + 1e-7;

    /// <summary>fisher.test on one table: conditional MLE, interval and p-value.</summary>
    public static OddsRatioResult Fisher(Table2x2 table, double level = 0.95, Alternative alternative = Alternative.TwoSided)
    {
        table.Validate(nameof(table));
        Guard.Level(level);
        var sum = NoncentralSum.FromLogDensities(table);
        var p = FisherExactTest.Test(table.A, table.B, table.C, table.D, alternative).PValue;
        return sum.Summarize(table.A, level, alternative, p);
    }

    /// <summary>mantelhaen.test(exact = TRUE) over the strata with at least 2 units.</summary>
    /// <exception cref="ArgumentException">No stratum has 2 units or more.</exception>
    public static OddsRatioResult MantelHaenszelExact(IReadOnlyList<Table2x2> strata, double level = 0.95, Alternative alternative = Alternative.TwoSided)
    {
        ArgumentNullException.ThrowIfNull(strata);
        foreach (var s in strata) s.Validate(nameof(strata));
        Guard.Level(level);
        var informative = strata.Where(s => s.Total >= 2).ToList();
        if (informative.Count == 0) throw new ArgumentException("no stratum has 2 or more units", nameof(strata));
        var sum = NoncentralSum.Convolved(informative);
        var observed = informative.Sum(s => s.A);
        return sum.Summarize(observed, level, alternative, sum.PValue(observed, alternative));
    }

    /// <summary>The conditional distribution of S: log f0 on [Lo, Hi] (-Inf where R's own f0 underflows to 0).</summary>
    private sealed class NoncentralSum(int lo, double[] logF0)
    {
        private int Hi => lo + logF0.Length - 1;

        /// <summary>fisher.test: log dhyper over the support, so nothing underflows.</summary>
        public static NoncentralSum FromLogDensities(Table2x2 t)
        {
            var h = new Hypergeometric(White: t.A + t.C, Black: t.B + t.D, Drawn: t.A + t.B);
            var log = new double[h.Hi - h.Lo + 1];
            for (var x = h.Lo; x <= h.Hi; x++) log[x - h.Lo] = h.LogPmf(x);
            return new NoncentralSum(h.Lo, log);
        }

        /// <summary>
        /// mantelhaen.test's f0 (R's C d2x2xk): the convolution of the strata's dhyper on the probability scale,
        /// normalized. Terms that underflow to 0 are skipped, which changes nothing and keeps n = 1e5 per stratum fast.
        /// </summary>
        public static NoncentralSum Convolved(IReadOnlyList<Table2x2> strata)
        {
            var hs = strata.Select(t => new Hypergeometric(White: t.A + t.C, Black: t.B + t.D, Drawn: t.A + t.B)).ToList();
            var lo = hs.Sum(h => h.Lo);
            var width = hs.Sum(h => h.Hi - h.Lo) + 1;
            var c = new double[width];
            c[0] = 1;
            int first = 0, last = 0, span = 0; // nonzero entries of c lie in [first, last]; c covers [0, span]
            foreach (var h in hs)
            {
                var u = new double[h.Hi - h.Lo + 1];
                int uFirst = -1, uLast = -1;
                for (var j = 0; j < u.Length; j++)
                {
                    u[j] = Math.Exp(h.LogPmf(j + h.Lo));
                    if (u[j] > 0) { if (uFirst < 0) uFirst = j; uLast = j; }
                }
                var next = new double[width];
                if (uFirst >= 0)
                {
                    for (var j = uFirst; j <= uLast; j++)
                    {
                        if (u[j] == 0) continue;
                        for (var w = first; w <= last; w++) next[w + j] += c[w] * u[j];
                    }
                }
                span += u.Length - 1;
                c = next;
                (first, last) = uFirst < 0 ? (0, -1) : (first + uFirst, last + uLast);
            }
            double total = 0;
            for (var j = 0; j <= span; j++) total += c[j];
            var log = new double[span + 1];
            for (var j = 0; j <= span; j++) log[j] = Math.Log(c[j] / total);
            return new NoncentralSum(lo, log);
        }

        /// <summary>mantelhaen.test's p-value at psi = 1 from the normalized f0.</summary>
        public double PValue(int observed, Alternative alternative)
        {
            var d = logF0.Select(Math.Exp).ToArray();
            double p = 0;
            switch (alternative)
            {
                case Alternative.Less:
                    for (var s = lo; s <= observed; s++) p += d[s - lo];
                    break;
                case Alternative.Greater:
                    for (var s = observed; s <= Hi; s++) p += d[s - lo];
                    break;
                default:
                    var threshold = d[observed - lo] * RelErr;
                    foreach (var v in d) if (v <= threshold) p += v;
                    break;
            }
            return Math.Min(1, p);
        }

        public OddsRatioResult Summarize(int observed, double level, Alternative alternative, double p)
        {
            if (double.IsNegativeInfinity(logF0[observed - lo]))
            {
                // Several strata only: the observed sum lies where R's f0 underflows to 0 (a p-value far below 1e-300),
                // and no psi of that f0 has its mean or tails there. R's uniroot fails on such data; here they are NaN.
                return new OddsRatioResult(double.NaN, new Interval(double.NaN, double.NaN), level, alternative, p);
            }
            var estimate = Mle(observed);
            var interval = alternative switch
            {
                Alternative.Less => new Interval(0, Upper(observed, 1 - level)),
                Alternative.Greater => new Interval(Lower(observed, 1 - level), double.PositiveInfinity),
                _ => new Interval(Lower(observed, (1 - level) / 2), Upper(observed, (1 - level) / 2)),
            };
            return new OddsRatioResult(estimate, interval, level, alternative, p);
        }

        /// <summary>Density of S at log psi = theta, normalized (R's dnhyper / dn2x2xk).</summary>
        private double[] Density(double theta)
        {
            var d = new double[logF0.Length];
            var max = double.NegativeInfinity;
            for (var j = 0; j < d.Length; j++)
            {
                d[j] = logF0[j] + theta * (lo + j);
                if (d[j] > max) max = d[j];
            }
            double total = 0;
            for (var j = 0; j < d.Length; j++) total += d[j] = Math.Exp(d[j] - max);
            for (var j = 0; j < d.Length; j++) d[j] /= total;
            return d;
        }

        private double Mean(double theta)
        {
            var d = Density(theta);
            double m = 0;
            for (var j = 0; j < d.Length; j++) m += (lo + j) * d[j];
            return m;
        }

        private double LowerTail(int x, double theta)
        {
            var d = Density(theta);
            double p = 0;
            for (var s = lo; s <= x; s++) p += d[s - lo];
            return p;
        }

        private double UpperTail(int x, double theta)
        {
            var d = Density(theta);
            double p = 0;
            for (var s = x; s <= Hi; s++) p += d[s - lo];
            return p;
        }

        private double Mle(int x) => x <= lo ? 0 : x >= Hi ? double.PositiveInfinity : Math.Exp(Root(t => Mean(t) - x));

        /// <summary>R's ncp.U: the psi whose lower tail at x is alpha (+Inf at the top of the support).</summary>
        private double Upper(int x, double alpha) => x >= Hi ? double.PositiveInfinity : Math.Exp(Root(t => alpha - LowerTail(x, t)));

        /// <summary>R's ncp.L: the psi whose upper tail at x is alpha (0 at the bottom of the support).</summary>
        private double Lower(int x, double alpha) => x <= lo ? 0 : Math.Exp(Root(t => UpperTail(x, t) - alpha));

        /// <summary>The root in theta of an increasing function: a bracket by doubling, then bisection to the last bits.</summary>
        private static double Root(Func<double, double> f)
        {
            double a = -1, b = 1;
            while (f(a) > 0 && a > -1e4) a *= 2;
            while (f(b) < 0 && b < 1e4) b *= 2;
            for (var i = 0; i < 200; i++)
            {
                var mid = 0.5 * (a + b);
                if (mid <= a || mid >= b) break;
                if (f(mid) < 0) a = mid; else b = mid;
                if (b - a <= 1e-15 * Math.Max(1, Math.Abs(mid))) break;
            }
            return 0.5 * (a + b);
        }
    }
}
