namespace Scheme.Model;

public enum Direction
{
    TwoSided,
    Less,
    Greater,
}

/// <summary>A preregistered comparison of a metric between two cells, or between a cell and a constant.</summary>
/// <param name="DependsOn">The preregistration parts the result depends on, resolved by the compiler (its own, its metric
/// and simulated values, the runs, checkpoints with their lineage, environments, manipulations, specs and judge checkpoints
/// that feed its cells). Null for a definition built without the compiler: then nothing can be shown unchanged.</param>
/// <param name="Paired">The cells hold the same units under two conditions of one run (McNemar, paired resampling).</param>
/// <param name="Estimand">What the hypothesis estimates (<c>Scheme.Contracts.Estimands</c>): the difference by default, a
/// risk or odds ratio, or the difference of the rates averaged over environments.</param>
public sealed record HypothesisDefinition(
    string Name,
    string? Title,
    string Metric,
    Cell Left,
    Direction Direction,
    Cell? Right,
    double? Constant,
    string Test,
    double Alpha,
    string Family,
    string Correction,
    bool Paired = false,
    IReadOnlyList<string>? DependsOn = null,
    string Estimand = Scheme.Contracts.Estimands.Difference);
