using System.Globalization;
using Scheme.Contracts;

namespace Scheme.Model;

/// <summary>
/// The distribution of a mean metric's per-unit values in one simulated cell: one of <see cref="SimulatedDistributions"/>,
/// with its parameters in the order they are written (<see cref="Second"/> is 0 for poisson). The engine draws from it.
/// </summary>
public sealed record SimulatedDistribution(string Kind, double First, double Second = 0)
{
    public static SimulatedDistribution Normal(double mean, double sd) => new(SimulatedDistributions.Normal, mean, sd);

    public static SimulatedDistribution Beta(double a, double b) => new(SimulatedDistributions.Beta, a, b);

    public static SimulatedDistribution Poisson(double lambda) => new(SimulatedDistributions.Poisson, lambda);

    public double Mean => SimulatedDistributions.Mean(Kind, First, Second);

    public double StandardDeviation => Kind switch
    {
        SimulatedDistributions.Normal => Second,
        SimulatedDistributions.Beta => Math.Sqrt(First * Second / ((First + Second) * (First + Second) * (First + Second + 1))),
        SimulatedDistributions.Poisson => Math.Sqrt(First),
        _ => throw Unknown(),
    };

    /// <summary>As a simulate block writes it, with round-trip numbers: <c>normal(1.5, 0.5)</c>.</summary>
    public override string ToString() => Kind == SimulatedDistributions.Poisson
        ? $"{Kind}({Show(First)})"
        : $"{Kind}({Show(First)}, {Show(Second)})";

    private static string Show(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private InvalidOperationException Unknown() => new($"Unknown simulated distribution '{Kind}'.");
}
