namespace Scheme.Model;

/// <summary>
/// A cell of the design; a factor left null is pooled over all its levels, and <see cref="Params"/> selects variants of
/// the environment by param values (<c>covert_rate[o3, nudge: false]</c>: every variant whose nudge is false).
/// </summary>
public sealed record Cell(string? Checkpoint = null, string? Environment = null, string? Condition = null, IReadOnlyList<CellParam>? Params = null)
{
    /// <summary>The param values the cell fixes, by name; empty when it fixes none.</summary>
    public IReadOnlyList<CellParam> Params { get; init; } = Params ?? [];

    /// <summary>Whether a unit with these coordinates and param values lies in the cell.</summary>
    public bool Contains(string checkpoint, string environment, string condition, IReadOnlyDictionary<string, object>? parameters = null) =>
        (Checkpoint is null || Checkpoint == checkpoint)
        && (Environment is null || Environment == environment)
        && (Condition is null || Condition == condition)
        && Params.All(p => parameters is not null && parameters.TryGetValue(p.Name, out var value) && Equals(value, p.Value));

    /// <summary>How many factors the cell fixes, params included: the more, the more specific a simulated value is.</summary>
    public int Specificity => (Checkpoint is null ? 0 : 1) + (Environment is null ? 0 : 1) + (Condition is null ? 0 : 1) + Params.Count;

    public bool Equals(Cell? other) =>
        other is not null && Checkpoint == other.Checkpoint && Environment == other.Environment && Condition == other.Condition
        && Params.SequenceEqual(other.Params);

    public override int GetHashCode() =>
        Params.Aggregate(HashCode.Combine(Checkpoint, Environment, Condition), (hash, p) => HashCode.Combine(hash, p));
}

/// <summary>A param value a cell fixes, e.g. nudge: false.</summary>
public sealed record CellParam(string Name, object Value);

/// <summary>A hypothesized true value of a metric in a cell, from a simulate block.</summary>
/// <param name="Value">The cell's true rate, or true mean (for a distribution, its mean).</param>
/// <param name="Distribution">For a mean metric, the distribution of its per-unit values (<c>normal(1.5, 0.5)</c>); null: every
/// unit has <paramref name="Value"/> exactly.</param>
public sealed record SimulatedValue(string Scenario, string Metric, Cell Cell, double Value, SimulatedDistribution? Distribution = null)
{
    /// <summary>
    /// The value that holds for a unit (or pair) with these coordinates: the most specific of those whose cell holds it
    /// (params count as factors), the first declared among equals; null when none does.
    /// </summary>
    /// <param name="scenario">Only values of this simulate scenario; null: any.</param>
    public static SimulatedValue? Best(IEnumerable<SimulatedValue> simulation, string metric, string checkpoint, string environment, string condition,
        IReadOnlyDictionary<string, object> parameters, string? scenario = null) =>
        simulation
            .Where(v => (scenario is null || v.Scenario == scenario) && v.Metric == metric && v.Cell.Contains(checkpoint, environment, condition, parameters))
            .OrderByDescending(v => v.Cell.Specificity) // stable: the first declared wins a tie
            .FirstOrDefault();
}
