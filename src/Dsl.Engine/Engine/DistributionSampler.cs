using MathNet.Numerics.Distributions;
using Scheme.Contracts;
using Scheme.Model;

namespace Scheme.Engine;

/// <summary>
/// Draws a mean metric's per-unit value from its simulated distribution: by quantile from one uniform (offline runs,
/// where a unit's draw must be a function of its id), or from a generator (power analysis, where only speed matters).
/// </summary>
public static class DistributionSampler
{
    /// <summary>The value at probability <paramref name="u"/>, strictly between 0 and 1.</summary>
    public static double Quantile(SimulatedDistribution distribution, double u) => distribution.Kind switch
    {
        SimulatedDistributions.Normal => Normal.InvCDF(distribution.First, distribution.Second, u),
        SimulatedDistributions.Beta => Beta.InvCDF(distribution.First, distribution.Second, u),
        SimulatedDistributions.Poisson => PoissonQuantile(distribution.First, u),
        _ => throw new InvalidOperationException($"Unknown simulated distribution '{distribution.Kind}'."),
    };

    public static double Sample(SimulatedDistribution distribution, System.Random random) => distribution.Kind switch
    {
        SimulatedDistributions.Normal => Normal.Sample(random, distribution.First, distribution.Second),
        SimulatedDistributions.Beta => Beta.Sample(random, distribution.First, distribution.Second),
        SimulatedDistributions.Poisson => Poisson.Sample(random, distribution.First),
        _ => throw new InvalidOperationException($"Unknown simulated distribution '{distribution.Kind}'."),
    };

    /// <summary>
    /// The smallest k with P(X &lt;= k) &gt;= u: from the Cornish-Fisher approximation, then a few steps on the exact CDF
    /// (a regularized incomplete gamma), so any lambda up to the language's limit costs a handful of evaluations.
    /// </summary>
    private static double PoissonQuantile(double lambda, double u)
    {
        // Cornish-Fisher: lambda + sqrt(lambda) z + (z^2 - 1) / 6 is within a step or two of the answer for large lambda.
        var z = Normal.InvCDF(0, 1, u);
        var k = Math.Max(0, Math.Floor(lambda + Math.Sqrt(lambda) * z + (z * z - 1) / 6 + 0.5));
        while (k > 0 && Poisson.CDF(lambda, k - 1) >= u)
        {
            k--;
        }
        while (Poisson.CDF(lambda, k) < u)
        {
            k++;
        }
        return k;
    }
}
