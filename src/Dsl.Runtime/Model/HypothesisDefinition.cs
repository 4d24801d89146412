namespace Scheme.Runtime.Model;

public enum Direction
{
    TwoSided,
    Less,
    Greater,
}

/// <summary>A preregistered comparison of a metric between two cells, or between a cell and a constant.</summary>
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
    string Correction);
