using Scheme.Compiler.Semantics.Expressions;
using Scheme.Compiler.Syntax;
using Scheme.Compiler.Text;

namespace Scheme.Compiler.Semantics.Symbols;

public enum MetricAggregation
{
    Rate,
    Mean,
}

/// <summary>A metric: a per-unit value (a bool for rates, a number for means) aggregated over units.</summary>
public sealed record MetricSymbol(string Name, DeclarationSyntax Declaration, SourceFile File) : Symbol(Name, Declaration, File)
{
    public override string KindName => "metric";

    public MetricAggregation Aggregation { get; set; }

    public BoundExpression? PerUnit { get; set; }

    /// <summary>The condition of <c>rate(x given y)</c>: units where it is false do not count; null: every unit counts.</summary>
    public BoundExpression? Condition { get; set; }

    /// <summary>
    /// The environments whose units the metric is computed in: those it is declared over (<c>in [...]</c>), else every
    /// environment with each outcome and tool it reads. Elsewhere it is absent, never 0.
    /// </summary>
    public List<EnvironmentSymbol> AppliesTo { get; } = [];

    /// <summary>
    /// The one outcome a unit must have true to count, when that is all the condition is: <c>rate(x given y)</c> with y an
    /// outcome, or <c>rate(x)</c> of a follow-up asked <c>when y</c> in every environment. Power analysis draws the
    /// conditioning count from y's simulated rate. Null: no condition, or one that is not a single outcome.
    /// </summary>
    public string? CountedWhen { get; set; }

    /// <summary>
    /// For a pair metric (<c>rate(aligned[Testing] and own_goal[Deployment])</c>): its two conditions, first then second.
    /// Its value belongs to a pair of units, one epoch of a checkpoint and environment variant under both, not to a unit.
    /// </summary>
    public IReadOnlyList<string>? PairConditions { get; set; }

    /// <summary>
    /// For <c>rate(reviewed(outcome))</c>: the outcome whose human review labels give the metric's values. Its per-unit value
    /// is then the detector's (whether the outcome fired), which marks the units eligible for review; analysis replaces it
    /// with the reviewers' decision.
    /// </summary>
    public string? Reviewed { get; set; }
}
