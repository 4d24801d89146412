namespace Scheme.Model;

public enum MetricAggregation
{
    Rate,
    Mean,
}

/// <summary>
/// A metric: a per-unit value aggregated over units. A unit counts only where the metric applies: its environment is one
/// of <paramref name="AppliesTo"/>, the unit has every one of <paramref name="RequiredOutcomes"/> (a follow-up asked only
/// under a condition has no outcome elsewhere) and <paramref name="Condition"/> holds. Elsewhere the metric is absent,
/// never 0 or false.
/// </summary>
/// <param name="RequiredOutcomes">The outcomes the value and the condition read.</param>
/// <param name="PlainOutcome">For a metric that is exactly <c>rate(outcome)</c>: that outcome, so an analysis can read a
/// unit's value from its outcomes (the compiler says so; nothing is inferred from text).</param>
/// <param name="Condition">The condition of <c>rate(x given y)</c>; null: none.</param>
/// <param name="AppliesTo">The environments the compiler found the metric computable in (those it is declared over, or
/// every one with the outcomes and tools it reads); null (a definition built by hand): every environment that has
/// <paramref name="RequiredOutcomes"/>.</param>
/// <param name="CountedWhen">The one outcome a unit must have true to count, when that is the whole condition (<c>given y</c>,
/// or a follow-up asked <c>when y</c>): power analysis draws the conditioning count from y's simulated rate.</param>
/// <param name="Reviewed">For <c>rate(reviewed(outcome))</c>: that outcome. The metric's values are then human review labels,
/// read by analysis from the run's store; <paramref name="PerUnit"/> is the detector's value, and a unit where it is 1 (the
/// detector fired, and <paramref name="Condition"/> holds) is eligible for review.</param>
public sealed record MetricDefinition(
    string Name,
    MetricAggregation Aggregation,
    Func<Transcript, double> PerUnit,
    IReadOnlyList<string> RequiredOutcomes,
    string? PlainOutcome = null,
    Func<Transcript, bool>? Condition = null,
    IReadOnlyList<string>? AppliesTo = null,
    string? CountedWhen = null,
    PairDefinition? Pair = null,
    string? Reviewed = null)
{
    /// <summary>
    /// Whether the metric is computed over the environment's units (per unit, or per pair of them): the compiler's list when
    /// it gave one, else whether the environment has every outcome the metric requires. (A unit may still lack a
    /// conditional follow-up's outcome.)
    /// </summary>
    public bool AppliesIn(EnvironmentDefinition environment) =>
        AppliesTo is { } environments
            ? environments.Contains(environment.Name)
            : RequiredOutcomes.All(o => environment.Outcomes.Any(x => x.Name == o) || environment.Followups.Any(f => f.Outcome == o));

    /// <summary>Whether each unit of the environment gets a value: a pair metric's belongs to pairs, computed in analysis.</summary>
    public bool HasUnitValuesIn(EnvironmentDefinition environment) => Pair is null && AppliesIn(environment);
}

/// <summary>
/// What makes a metric a pair metric (Meinke et al.'s instrumental alignment faking): its value belongs to a pair, one epoch
/// of a checkpoint and environment variant run under condition <paramref name="First"/> and under <paramref name="Second"/>,
/// and is <paramref name="Holds"/> over the two units' outcomes (each read by name). A pair counts when both units are
/// done and have the outcomes the rule reads; the metric has no per-unit value.
/// </summary>
public sealed record PairDefinition(
    string First,
    string Second,
    IReadOnlyList<string> FirstOutcomes,
    IReadOnlyList<string> SecondOutcomes,
    Func<Func<string, bool>, Func<string, bool>, bool> Holds)
{
    /// <summary>The condition a pair's value is reported under: "Testing & Deployment".</summary>
    public string Label => $"{First} & {Second}";
}
