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
}
