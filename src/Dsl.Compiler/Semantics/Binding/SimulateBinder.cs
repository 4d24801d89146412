using Scheme.Compiler.Diagnostics;
using Scheme.Compiler.Semantics.Symbols;
using Scheme.Compiler.Syntax;

namespace Scheme.Compiler.Semantics.Binding;

/// <summary>
/// A simulate block states the hypothesized truth, <c>covert_rate[o3] = 0.13</c>, which offline runs draw
/// from and power analysis assumes.
/// </summary>
/// <param name="seen">Values of every simulate block so far: blocks with the same name form one scenario.</param>
public sealed class SimulateBinder(DeclarationSyntax declaration, BinderContext context,
    Dictionary<(string Scenario, string Metric, DesignCell Cell), (BinderContext Context, SyntaxNode Syntax)> seen)
{
    public bool HadErrors { get; private set; }

    public List<SimulatedValueSymbol> Bind()
    {
        var values = new List<SimulatedValueSymbol>();
        var scenario = declaration.Name.Text;
        new MemberReader(context, declaration.Members, $"simulate block '{scenario}'")
            .Form<AssignmentSyntax>(a =>
            {
                if (Assignment(a, scenario) is not { } value)
                {
                    HadErrors = true;
                    return;
                }
                if (seen.TryGetValue((scenario, value.Metric, value.Cell), out var existing))
                {
                    context.Report(a.Target.Span, Diagnose.DuplicateMember($"{value.Metric}{value.Cell}", $"simulate scenario '{scenario}'",
                        context.Describe(existing.Context.File, existing.Syntax.Span)));
                    HadErrors = true;
                    return;
                }
                seen[(scenario, value.Metric, value.Cell)] = (context, a);
                values.Add(value);
            })
            .Read();
        return values;
    }

    private SimulatedValueSymbol? Assignment(AssignmentSyntax assignment, string scenario)
    {
        var metric = context.Declarations.Resolve<MetricSymbol>(assignment.Target, Diagnose.UnknownMetric, context);
        var cell = metric is null ? null : CellResolver.Resolve(assignment.Indices, metric.Name, context);
        var number = ConstantReader.NumberLiteral(assignment.Value, context);
        var value = number.IsNumber ? number.Value : assignment.Value is MissingExpressionSyntax ? null : Report(assignment.Value);
        if (metric is null || cell is null || value is null)
        {
            return null;
        }
        if (metric.Aggregation == MetricAggregation.Rate && value is < 0 or > 1)
        {
            context.Report(assignment.Value.Span, Diagnose.ProbabilityOutOfRange($"{metric.Name}{cell}",
                assignment.Value switch
                {
                    NumberLiteralSyntax n => n.Text,
                    UnaryExpressionSyntax { Operand: NumberLiteralSyntax n } => "-" + n.Text,
                    _ => ConstantReader.Format(value.Value),
                }));
            return null;
        }
        return new SimulatedValueSymbol(scenario, metric.Name, cell, value.Value, assignment);
    }

    private double? Report(ExpressionSyntax value)
    {
        context.Report(value.Span, Diagnose.ConstantExpected("A simulated value"));
        return null;
    }
}
