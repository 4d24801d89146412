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
/// <param name="PlainOutcome">For a metric that is exactly <c>rate(outcome)</c>: that outcome, so an analysis can read a
/// unit's value from its outcomes (the compiler says so; nothing is inferred from text).</param>
public sealed record MetricDefinition(
    string Name,
    MetricAggregation Aggregation,
    Func<Transcript, double> PerUnit,
    IReadOnlyList<string> RequiredOutcomes,
    string? PlainOutcome = null);
