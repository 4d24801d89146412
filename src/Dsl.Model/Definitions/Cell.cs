namespace Scheme.Model;

/// <summary>A cell of the design; a null factor means pooled over all its levels.</summary>
public sealed record Cell(string? Checkpoint = null, string? Environment = null, string? Condition = null);

/// <summary>A hypothesized true value of a metric in a cell, from a simulate block.</summary>
public sealed record SimulatedValue(string Scenario, string Metric, Cell Cell, double Value);
