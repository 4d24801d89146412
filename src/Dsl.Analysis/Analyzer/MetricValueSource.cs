using Scheme.Analysis.Review;
using Scheme.Engine.Grading;
using Scheme.Engine.Store;
using Scheme.Model;

namespace Scheme.Analysis;

/// <summary>
/// Where a unit's value of a metric comes from. First the unit's <c>metrics</c> map (what the engine computed
/// from the transcript when it graded the unit). A metric the unit lists as <c>missing</c>, or that requires an
/// <c>indeterminate</c> outcome, is missing (see <see cref="Read"/>). Otherwise a metric that is just
/// <c>rate(outcome)</c> is read from that outcome; any other metric (a judge over reasoning, a combination)
/// cannot be recomputed without the transcript, so such units do not count for it.
/// </summary>
public sealed class MetricValueSource
{
    private readonly ReviewDecisions _reviews;

    private MetricValueSource(MetricDefinition metric, string? outcome, ReviewDecisions? reviews = null)
    {
        Metric = metric;
        Outcome = outcome;
        _reviews = reviews ?? ReviewDecisions.None;
    }

    public MetricDefinition Metric { get; }

    /// <summary>The outcome a plain <c>rate(outcome)</c> metric reads when the unit has no metric value.</summary>
    public string? Outcome { get; }

    public string Describe() => Metric.Reviewed is { } reviewed
        ? $"review labels of '{reviewed}' on the units where it fired (metrics field, else outcome '{reviewed}')"
        : Outcome is null ? "metrics field only" : $"metrics field, else outcome '{Outcome}'";

    /// <summary>The source of a metric's values: its stored values, else the outcome the compiler named for a plain rate;
    /// for a reviewed metric, the reviewers' decisions on the units where its detector fired.</summary>
    public static MetricValueSource For(MetricDefinition metric, ReviewDecisions? reviews = null) =>
        metric.Reviewed is { } reviewed
            // Without `given`, eligibility can be read from the outcome itself where the unit stored no metric value.
            ? new(metric, metric.Condition is null ? reviewed : null, reviews)
            : new(metric, metric.Aggregation == MetricAggregation.Rate ? metric.PlainOutcome : null);

    /// <summary>
    /// The unit's value of the metric, in this order: a finite value in <c>metrics</c> counts (null there: the metric
    /// does not apply; a value that is not finite is missing); a metric named in <c>missing</c>, or one that requires
    /// an outcome named in <c>indeterminate</c>, is missing (indeterminate when a required outcome is), never 0 and
    /// never read from its outcome; otherwise a plain <c>rate(outcome)</c> reads the outcome; otherwise the value is
    /// unknown and the unit does not count.
    /// </summary>
    public MetricValue Read(UnitRecord unit)
    {
        if (Metric.Pair is not null)
        {
            // A pair metric's value belongs to a pair of units (ResultAccumulator pairs them), never to one.
            return MetricValue.NotApplicable;
        }
        if (Metric.Reviewed is { } reviewed)
        {
            return Reviewed(unit, reviewed);
        }
        return Automated(unit);
    }

    /// <summary>
    /// A reviewed metric: the automated value says whether the unit is eligible (the detector fired where the metric
    /// applies and its condition holds); an eligible unit counts with its reviewers' decision (confirmed 1, rejected 0),
    /// and is unreviewed without one (no label, only unclear labels, or a tie). Units where the detector did not fire do
    /// not apply: reviews confirm or reject flags.
    /// </summary>
    private MetricValue Reviewed(UnitRecord unit, string outcome)
    {
        var eligible = Automated(unit);
        if (eligible.State != MetricState.Counted)
        {
            return eligible;
        }
        if (eligible.Value != 1)
        {
            return MetricValue.NotApplicable;
        }
        return _reviews.Decide(unit.UnitId, outcome) switch
        {
            ReviewDecision.Confirmed => MetricValue.Of(1),
            ReviewDecision.Rejected => MetricValue.Of(0),
            _ => MetricValue.Unreviewed,
        };
    }

    private MetricValue Automated(UnitRecord unit)
    {
        if (unit.Metrics.TryGetValue(Metric.Name, out var value))
        {
            return value switch
            {
                null => MetricValue.NotApplicable,
                { } v when double.IsFinite(v) => MetricValue.Of(v),
                _ => Missing(unit),
            };
        }
        if (unit.Missing.ContainsKey(Metric.Name) || RequiresIndeterminate(unit))
        {
            return Missing(unit);
        }
        if (Outcome is not null && unit.Outcomes.TryGetValue(Outcome, out var flag))
        {
            return MetricValue.Of(flag ? 1.0 : 0.0);
        }
        return MetricValue.NotApplicable;
    }

    private MetricValue Missing(UnitRecord unit) => RequiresIndeterminate(unit) ? MetricValue.Indeterminate : MetricValue.Missing;

    private bool RequiresIndeterminate(UnitRecord unit)
    {
        if (unit.Indeterminate.Count == 0) return false;
        foreach (var outcome in Metric.RequiredOutcomes)
        {
            if (unit.Indeterminate.ContainsKey(outcome)) return true;
        }
        return false;
    }
}

/// <summary>What a unit contributes to a metric: a value that counts, nothing (the metric does not apply, or its value
/// cannot be known from the data), or a missing value (of which some because a required outcome is indeterminate).</summary>
public enum MetricState
{
    Counted,
    NotApplicable,
    Missing,
    /// <summary>Missing, and an outcome the metric requires is indeterminate.</summary>
    Indeterminate,
    /// <summary>A reviewed metric's eligible unit without a reviewers' decision: not counted, and said (coverage).</summary>
    Unreviewed,
}

public readonly record struct MetricValue(MetricState State, double Value)
{
    public static MetricValue NotApplicable => new(MetricState.NotApplicable, 0);
    public static MetricValue Missing => new(MetricState.Missing, 0);
    public static MetricValue Indeterminate => new(MetricState.Indeterminate, 0);
    public static MetricValue Unreviewed => new(MetricState.Unreviewed, 0);
    public static MetricValue Of(double value) => new(MetricState.Counted, value);
    public bool IsMissing => State is MetricState.Missing or MetricState.Indeterminate;
}
