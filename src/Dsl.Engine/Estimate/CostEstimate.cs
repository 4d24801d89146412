namespace Scheme.Engine.Estimate;

/// <summary>Where a cell's figures come from.</summary>
public enum EstimateBasis
{
    /// <summary>From what the experiment declares, as an upper bound (prompt lengths, max_turns, max_tokens, judges).</summary>
    Declared,

    /// <summary>Measured in a pilot run: its per-unit means, scaled to the planned units.</summary>
    Pilot,

    /// <summary>A pilot was given but holds no done unit of this cell: the declared upper bound, marked.</summary>
    DeclaredNotInPilot,

    /// <summary>A simulated checkpoint: nothing is sent, nothing is paid.</summary>
    Simulated,
}

/// <summary>
/// The expected bill of one (checkpoint, environment) cell of the plan: totals over its planned units. Cost is null
/// when a model it asks has no list price (<see cref="UnpricedModels"/>): unknown, never $0.
/// </summary>
/// <param name="CostLowUsd">With a pilot of at least two units: the 95% interval of the cell's expected cost from the
/// pilot's spread (Student t on the per-unit mean, times the units); otherwise the same as the cost.</param>
/// <param name="PerUnit">Requests per unit: agent turns, follow-ups, judge requests.</param>
/// <param name="PilotUnits">How many done pilot units the figures come from (0 unless <see cref="EstimateBasis.Pilot"/>).</param>
public sealed record CellEstimate(
    string Checkpoint,
    string Environment,
    long Units,
    EstimateBasis Basis,
    int PilotUnits,
    RequestMix PerUnit,
    double Requests,
    double InputTokens,
    double OutputTokens,
    double? CostUsd,
    double? CostLowUsd,
    double? CostHighUsd,
    IReadOnlyList<string> UnpricedModels);

/// <summary>A whole plan's estimate: its cells, their totals, and what it assumed.</summary>
/// <param name="CostLowUsd">95% interval of the total (the cells' variances added); null when any cell's cost is unknown.</param>
/// <param name="KnownCostUsd">The cost of the cells whose models all have prices.</param>
public sealed record CostEstimate(
    IReadOnlyList<CellEstimate> Cells,
    long Units,
    double Requests,
    double InputTokens,
    double OutputTokens,
    double? CostUsd,
    double? CostLowUsd,
    double? CostHighUsd,
    double KnownCostUsd,
    IReadOnlyList<string> UnpricedModels,
    IReadOnlyList<string> Assumptions,
    IReadOnlyList<string> Warnings);

/// <summary>What one unit asks of one model: requests and tokens (per unit, so fractional as means).</summary>
public sealed record ModelUse(string Model, RequestKind Kind, double Requests, double Input, double Output);

/// <summary>What a request is for.</summary>
public enum RequestKind
{
    Turn,
    Followup,
    Judge,
}

/// <summary>Requests of one unit by what they are for (means, so fractional with a pilot).</summary>
public sealed record RequestMix(double Turns, double Followups, double Judges)
{
    public double Total => Turns + Followups + Judges;
}
