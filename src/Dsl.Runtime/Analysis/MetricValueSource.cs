using System.Text.RegularExpressions;
using Scheme.Runtime.Grading;
using Scheme.Runtime.Model;

namespace Scheme.Runtime.Analysis;

/// <summary>
/// Where a unit's value of a metric comes from. First the unit's <c>metrics</c> map (what the engine computed
/// from the transcript when it graded the unit). When a unit has no entry for the metric, a metric that is just
/// <c>rate(outcome)</c> is read from that outcome; any other metric (a judge over reasoning, a combination)
/// cannot be recomputed without the transcript, so such units do not count for it.
/// </summary>
public sealed partial class MetricValueSource
{
    private MetricValueSource(MetricDefinition metric, string? outcome)
    {
        Metric = metric;
        Outcome = outcome;
    }

    public MetricDefinition Metric { get; }

    /// <summary>The outcome a plain <c>rate(outcome)</c> metric reads when the unit has no metric value.</summary>
    public string? Outcome { get; }

    public string Describe() => Outcome is null ? "metrics field only" : $"metrics field, else outcome '{Outcome}'";

    public static MetricValueSource For(MetricDefinition metric, PreregistrationDigest? digest)
    {
        var canonical = digest?.Parts.FirstOrDefault(p => p.Name == $"metric {metric.Name}")?.Canonical;
        string? outcome = null;
        if (metric.Aggregation == MetricAggregation.Rate && metric.RequiredOutcomes.Count == 1)
        {
            var candidate = metric.RequiredOutcomes[0];
            var plain = canonical is null || PlainRate().Match(canonical) is { Success: true } m && m.Groups[1].Value == candidate;
            if (plain && Probe(metric, candidate, true) == 1.0 && Probe(metric, candidate, false) == 0.0)
            {
                outcome = candidate;
            }
        }
        return new MetricValueSource(metric, outcome);
    }

    /// <summary>The unit's value, or null when the metric does not apply or cannot be known for it.</summary>
    public double? ValueOf(UnitResult unit)
    {
        if (unit.Metrics.TryGetValue(Metric.Name, out var value))
        {
            return value is { } v && double.IsFinite(v) ? v : null;
        }
        if (Outcome is not null && unit.Outcomes.TryGetValue(Outcome, out var flag))
        {
            return flag ? 1.0 : 0.0;
        }
        return null;
    }

    private static double? Probe(MetricDefinition metric, string outcome, bool value)
    {
        try
        {
            return metric.PerUnit(new Transcript(outcomes: new Dictionary<string, bool> { [outcome] = value }));
        }
        catch (Exception e) when (e is InvalidOperationException or KeyNotFoundException or ArgumentException or NullReferenceException)
        {
            return null;
        }
    }

    [GeneratedRegex(@"=\s*rate\(\s*([A-Za-z_][A-Za-z0-9_]*)\s*\)\s*$")]
    private static partial Regex PlainRate();
}
