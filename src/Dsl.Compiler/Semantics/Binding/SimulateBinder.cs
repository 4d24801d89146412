using Scheme.Compiler.Diagnostics;
using Scheme.Compiler.Semantics.Symbols;
using Scheme.Compiler.Syntax;
using Scheme.Contracts;

namespace Scheme.Compiler.Semantics.Binding;

/// <summary>
/// A simulate block states the hypothesized truth, <c>covert_rate[o3] = 0.13</c>, which offline runs draw
/// from and power analysis assumes; a mean metric may take a distribution of its per-unit values instead of a
/// number, <c>reads[o3] = poisson(2.5)</c>, so its power means something.
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
        if (metric is { Reviewed: { } reviewed } && cell is not null)
        {
            // Human labels cannot be drawn: a reviewed metric has no simulated value (its detector's metric has).
            context.Report(assignment.Target.Span, Diagnose.ReviewedSimulated(cell.ToString() == "[]" ? metric.Name : $"{metric.Name}{cell}", reviewed));
            return null;
        }
        if (assignment.Value is CallExpressionSyntax call)
        {
            // Read even when the metric or cell is wrong, so every mistake of the line is reported at once.
            var distribution = Distribution(call, metric is null || cell is null ? null : cell.ToString() == "[]" ? metric.Name : $"{metric.Name}{cell}");
            if (metric is null || cell is null || distribution is null)
            {
                return null;
            }
            if (metric.Aggregation == MetricAggregation.Rate)
            {
                context.Report(call.Function.Span, Diagnose.DistributionForRate(metric.Name, call.Function.Text));
                return null;
            }
            return new SimulatedValueSymbol(scenario, metric.Name, cell, distribution.Mean, assignment, distribution);
        }
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

    /// <summary>
    /// <c>normal(1.5, 0.5)</c>, <c>beta(a: 2, b: 5)</c>, <c>poisson(2.5)</c>: a distribution of
    /// <see cref="SimulatedDistributions"/>, its parameters numbers in written order (a name, when given, must be the
    /// parameter's at that place), and valid for it.
    /// </summary>
    /// <param name="cell">"reads[o3]" for the message; null when the target is already wrong (then only the call's own mistakes are reported).</param>
    private SimulatedDistributionSymbol? Distribution(CallExpressionSyntax call, string? cell)
    {
        var name = call.Function.Text;
        if (SimulatedDistributions.Find(name) is not { } kind)
        {
            var names = SimulatedDistributions.All.Select(d => d.Name).ToList();
            context.Report(call.Function.Span, Diagnose.UnknownDistribution(name, NameSuggester.Suggest(name, names),
                SimulatedDistributions.All.Select(d => d.Signature)));
            return null;
        }
        if (call.Arguments.Length != kind.Parameters.Count)
        {
            context.Report(call.Span, Diagnose.DistributionArguments(kind.Signature,
                $"{Count(kind.Parameters.Count)} needed, {call.Arguments.Length} given"));
            return null;
        }
        var values = new double[kind.Parameters.Count];
        var ok = true;
        for (var i = 0; i < values.Length; i++)
        {
            var argument = call.Arguments[i];
            if (argument.Name is { } named && named.Text != kind.Parameters[i])
            {
                context.Report(named.Span, Diagnose.DistributionArguments(kind.Signature,
                    $"parameter {i + 1} is '{kind.Parameters[i]}', not '{named.Text}'"));
                ok = false;
                continue;
            }
            var number = ConstantReader.NumberLiteral(argument.Value, context);
            if (!number.IsNumber && argument.Value is not MissingExpressionSyntax)
            {
                Report(argument.Value);
            }
            if (number.Value is { } v)
            {
                values[i] = v;
            }
            else
            {
                ok = false;
            }
        }
        if (!ok)
        {
            return null;
        }
        if (SimulatedDistributions.Invalid(name, values) is { } why)
        {
            context.Report(call.Span, Diagnose.DistributionParameterInvalid(cell ?? kind.Signature, why));
            return null;
        }
        return new SimulatedDistributionSymbol(name, values[0], values.Length > 1 ? values[1] : 0);
    }

    private static string Count(int n) => n == 1 ? "1 number is" : $"{n} numbers are";

    private double? Report(ExpressionSyntax value)
    {
        context.Report(value.Span, Diagnose.ConstantExpected("A simulated value"));
        return null;
    }
}
