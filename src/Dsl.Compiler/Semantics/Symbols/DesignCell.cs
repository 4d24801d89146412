using System.Collections.Immutable;
using System.Globalization;

namespace Scheme.Compiler.Semantics.Symbols;

/// <summary>
/// A cell of the design that a metric value refers to: <c>covert_rate[o3, SandbaggingQA, nudge: false]</c>. A factor
/// left out means "pooled over all its levels"; <see cref="Params"/> select the environment's variants by param value
/// (in name order, so two spellings of one cell are equal).
/// </summary>
public sealed record DesignCell(string? Checkpoint, string? Environment, string? Condition)
{
    public ImmutableArray<CellParamValue> Params { get; init; } = [];

    public DesignCell(string? checkpoint, string? environment, string? condition, IEnumerable<CellParamValue> parameters)
        : this(checkpoint, environment, condition) =>
        Params = [.. parameters.OrderBy(p => p.Name, StringComparer.Ordinal)];

    public bool Equals(DesignCell? other) =>
        other is not null && Checkpoint == other.Checkpoint && Environment == other.Environment && Condition == other.Condition
        && Params.SequenceEqual(other.Params);

    public override int GetHashCode() =>
        Params.Aggregate(HashCode.Combine(Checkpoint, Environment, Condition), (hash, p) => HashCode.Combine(hash, p));

    public override string ToString()
    {
        var parts = new[] { Checkpoint, Environment, Condition }.Where(p => p is not null)
            .Concat(Params.Select(p => p.ToString()));
        return "[" + string.Join(", ", parts) + "]";
    }
}

/// <summary>A param value a cell selects, typed as the environment declares it (a bool, a double or a string).</summary>
public sealed record CellParamValue(string Name, object Value)
{
    public override string ToString() => $"{Name}: {Text(Value)}";

    /// <summary>A param value as the language writes it: true, 2.5, "en".</summary>
    public static string Text(object value) => value switch
    {
        bool b => b ? "true" : "false",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        string s => $"\"{s}\"",
        _ => value.ToString() ?? "",
    };
}
