using Scheme.Compiler.Syntax;

namespace Scheme.Compiler.Semantics.Symbols;

/// <summary>One hypothesized true value: <c>covert_rate[o3] = 0.13</c> in simulate block <see cref="Scenario"/>, or for a mean
/// metric the distribution of its per-unit values, <c>reads[o3] = poisson(2.5)</c>.</summary>
/// <param name="Value">The rate or mean; for a distribution, its mean.</param>
public sealed record SimulatedValueSymbol(string Scenario, string Metric, DesignCell Cell, double Value, SyntaxNode Syntax,
    SimulatedDistributionSymbol? Distribution = null);

/// <summary>A distribution of <see cref="Scheme.Contracts.SimulatedDistributions"/> with its parameters in written order (Second is 0 for poisson).</summary>
public sealed record SimulatedDistributionSymbol(string Kind, double First, double Second)
{
    public double Mean => Scheme.Contracts.SimulatedDistributions.Mean(Kind, First, Second);
}
