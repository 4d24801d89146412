using MathNet.Numerics;
using MathNet.Numerics.Random;
using Scheme.Model;

namespace Scheme.Analysis.Power;

/// <summary>
/// Exact binomial draws by inversion. Why not MathNet's sampler: it sums n Bernoulli draws, and the power search
/// draws millions of cells of thousands of units. For small means the inversion walks up from 0; otherwise it
/// starts at the mode and walks outward alternately, so a draw costs O(sqrt(npq)) steps. Any fixed order of the
/// outcomes makes inversion exact, so the walk order does not bias the draws.
/// </summary>
internal static class BinomialSampler
{
    public static long Sample(Xoshiro256StarStar rng, long n, double p)
    {
        if (n <= 0 || p <= 0) return 0;
        if (p >= 1) return n;
        if (p > 0.5) return n - Sample(rng, n, 1 - p);
        var q = 1 - p;
        var ratio = p / q;
        var u = rng.NextDouble();
        if (n * p < 30)
        {
            var f = Math.Exp(n * LogOneMinus(p));
            long k = 0;
            while (u >= f)
            {
                u -= f;
                k++;
                if (k > n) return n;
                f *= ratio * (n - k + 1) / k;
            }
            return k;
        }
        var mode = (long)Math.Floor((n + 1) * p);
        var fm = Math.Exp(SpecialFunctions.BinomialLn((int)Math.Min(n, int.MaxValue), (int)mode) + mode * Math.Log(p) + (n - mode) * LogOneMinus(p));
        if (u < fm) return mode;
        u -= fm;
        long lo = mode, hi = mode;
        double flo = fm, fhi = fm;
        while (lo > 0 || hi < n)
        {
            if (hi < n)
            {
                fhi *= ratio * (n - hi) / (hi + 1);
                hi++;
                if (u < fhi) return hi;
                u -= fhi;
            }
            if (lo > 0)
            {
                flo *= lo / (ratio * (n - lo + 1));
                lo--;
                if (u < flo) return lo;
                u -= flo;
            }
        }
        return mode;
    }

    /// <summary>log(1 - p) without cancellation for tiny p.</summary>
    private static double LogOneMinus(double p) => p < 1e-4 ? -p - p * p / 2 - p * p * p / 3 : Math.Log(1 - p);
}
