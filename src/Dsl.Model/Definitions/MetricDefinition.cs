namespace Scheme.Model;

public enum MetricAggregation
{
    Rate,
    Mean,
}

/// <summary>
/// A metric: a per-unit value aggregated over units. Units whose environment lacks one of
/// <paramref name="RequiredOutcomes"/> are not counted, rather than counted as false.
/// </summary>
public sealed record MetricDefinition(
    string Name,
    MetricAggregation Aggregation,
    Func<Transcript, double> PerUnit,
    IReadOnlyList<string> RequiredOutcomes);
