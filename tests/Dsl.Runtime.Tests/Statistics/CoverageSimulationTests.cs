using MathNet.Numerics.Distributions;
using MathNet.Numerics.Random;
using Scheme.Analysis.Statistics;

namespace Scheme.Runtime.Tests.Statistics;

/// <summary>
/// Coverage of the 95% rate intervals. Exact coverage = sum over k of P(K = k) for the k whose interval
/// contains p (binomial pmf from MathNet, independent of the library). It is checked against R and then
/// against 10,000 simulated binomial runs, which must agree within 3 Monte Carlo standard errors.
/// </summary>
public class CoverageSimulationTests
{
    private const int Runs = 10_000;

    private static Func<int, int, double, IntervalEstimate> Method(string name) => name switch
    {
        "wilson" => WilsonInterval.Compute,
        "clopper_pearson" => ClopperPearsonInterval.Compute,
        "beta_posterior" => BetaPosteriorInterval.Compute,
        _ => throw new ArgumentException(name),
    };

    private static Interval[] AllIntervals(string method, int n, double level) =>
        Enumerable.Range(0, n + 1).Select(k => Method(method)(k, n, level).Interval).ToArray();

    private static double ExactCoverage(Interval[] intervals, int n, double p) =>
        Enumerable.Range(0, n + 1).Where(k => intervals[k].Contains(p)).Sum(k => Binomial.PMF(p, n, k));

    [Fact]
    public void Exact_coverage_matches_R()
    {
        var data = ReferenceData.Load("coverage.csv");
        var bad = new Tolerance.Mismatches();
        var cache = new Dictionary<(string, int, double), Interval[]>();
        foreach (var row in data.Rows)
        {
            string method = data.Text(row, "method");
            int n = data.Int(row, "n");
            double p = data.Double(row, "p"), level = data.Double(row, "level");
            if (!cache.TryGetValue((method, n, level), out var intervals))
                cache[(method, n, level)] = intervals = AllIntervals(method, n, level);
            double exact = ExactCoverage(intervals, n, p);
            double r = data.Double(row, "exact_coverage");
            bad.Check(Tolerance.RelativeClose(r, exact), $"{method} p={p} n={n}: R={r:R} C#={exact:R}");
        }
        bad.AssertNone(minimumChecks: 60);
    }

    [Fact]
    public void Wilson_exact_coverage_at_p_0_1_n_100_is_93_64_percent()
    {
        double exact = ExactCoverage(AllIntervals("wilson", 100, 0.95), 100, 0.1);
        Assert.Equal(0.9364, exact, 1e-4);
    }

    [Theory]
    [InlineData("wilson", 0.1, 100, 11)]
    [InlineData("wilson", 0.01, 30, 12)]
    [InlineData("wilson", 0.5, 10, 13)]
    [InlineData("clopper_pearson", 0.1, 100, 21)]
    [InlineData("clopper_pearson", 0.05, 30, 22)]
    [InlineData("clopper_pearson", 0.3, 500, 23)]
    [InlineData("beta_posterior", 0.1, 100, 31)]
    [InlineData("beta_posterior", 0.01, 10, 32)]
    [InlineData("beta_posterior", 0.5, 30, 33)]
    public void Simulated_coverage_agrees_with_exact_coverage(string method, double p, int n, int seed)
    {
        var intervals = AllIntervals(method, n, 0.95);
        double exact = ExactCoverage(intervals, n, p);

        // Binomial draws by inversion of the cumulative pmf.
        var cdf = new double[n + 1];
        double acc = 0;
        for (int k = 0; k <= n; k++) cdf[k] = acc += Binomial.PMF(p, n, k);
        var rng = new Xoshiro256StarStar(seed, threadSafe: false);
        int covered = 0;
        for (int run = 0; run < Runs; run++)
        {
            double u = rng.NextDouble() * acc;
            int k = Array.BinarySearch(cdf, u);
            if (k < 0) k = ~k;
            if (intervals[Math.Min(k, n)].Contains(p)) covered++;
        }
        double simulated = (double)covered / Runs;
        double se = Math.Sqrt(exact * (1 - exact) / Runs);
        Assert.True(Math.Abs(simulated - exact) <= 3 * se,
            $"{method} p={p} n={n}: simulated {simulated:F4} vs exact {exact:F4} (3 SE = {3 * se:F4})");
        // Sanity on the methods themselves: Clopper-Pearson is conservative by construction.
        if (method == "clopper_pearson") Assert.True(exact >= 0.95);
    }
}
