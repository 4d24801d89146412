using Scheme.Compiler.Diagnostics;
using Scheme.Compiler.Semantics.Expressions;
using Scheme.Compiler.Semantics.Symbols;
using Scheme.Compiler.Syntax;

namespace Scheme.Compiler.Semantics.Binding;

/// <summary>
/// <c>metric name = rate(bool)</c> or <c>mean(number)</c>, optionally conditioned (<c>rate(x given y)</c>) and declared over
/// some environments (<c>metric name in [A, B] = ...</c>). A metric is computed in the environments that have every
/// outcome and tool it reads (of those it names, which must all have them); elsewhere it is absent, never 0.
/// </summary>
public sealed class MetricBinder(MetricSymbol symbol, BinderContext context, IReadOnlyList<EnvironmentSymbol> environments)
    : DeclarationBinder<MetricSymbol>(symbol, context)
{
    /// <summary>Binds each metric against the environments, whose outcomes it reads.</summary>
    public static void BindAll(IReadOnlyList<MetricSymbol> symbols, BindingScope scope)
    {
        var environments = scope.Declared<EnvironmentSymbol>();
        foreach (var symbol in symbols)
        {
            new MetricBinder(symbol, scope.ContextOf(symbol), environments).Bind();
        }
    }

    public void Bind()
    {
        if (Symbol.Declaration.Value is not { } value)
        {
            return;
        }
        var declared = DeclaredEnvironments();
        var scope = new ExpressionContext(ExpressionContextKind.Metric, Symbol.Name, $"metric '{Symbol.Name}'", Environments: declared ?? environments,
            JudgeOwner: new(JudgeOwnerKind.Metric, Symbol.Name));
        var binder = new ExpressionBinder(Context, scope);
        var (aggregate, condition) = SplitGiven(value);
        var reviewed = SplitReviewed(ref aggregate);
        if (reviewed is { Arguments.Length: not 1 } || reviewed?.Arguments[0].Name is not null)
        {
            Context.Report(reviewed!.Span, Diagnose.ReviewedNotAnOutcome(Symbol.Name, $"{reviewed.Arguments.Length} argument(s){(reviewed.Arguments is [{ Name: { } n }] ? $" ({n.Text}: ...)" : "")}"));
            return;
        }
        var bound = binder.Bind(aggregate, SchemeType.Metric);
        if (bound is BoundCall { Function.IsAggregation: true } call)
        {
            Symbol.Aggregation = call.Function == FunctionLibrary.Rate ? MetricAggregation.Rate : MetricAggregation.Mean;
            Symbol.PerUnit = call.Arguments[0];
        }
        if (condition is not null)
        {
            Symbol.Condition = binder.Bind(condition, SchemeType.Bool);
        }
        if (reviewed is not null && !CheckReviewed(reviewed))
        {
            return;
        }
        if (binder.PairConditions.Count > 0 && !CheckPair(binder.PairConditions, condition))
        {
            return;
        }
        if (Symbol.PerUnit is not null && !Symbol.PerUnit.Type.IsError && Symbol.Condition?.Type.IsError != true)
        {
            ResolveApplicability(declared);
            Symbol.CountedWhen = CountedWhen();
        }
    }

    /// <summary>
    /// A pair metric is a rate over the outcomes of two conditions and nothing else: its value is computed in analysis from
    /// the two units' stored outcomes, where no transcript, tool call or judge is at hand.
    /// </summary>
    private bool CheckPair(IReadOnlyList<string> conditions, ExpressionSyntax? given)
    {
        string? why = null;
        if (given is not null)
        {
            why = "'given' conditions units, and a pair metric counts pairs";
        }
        // A part already reported (a misspelt condition) says enough: no second error about the same pair.
        else if (Symbol.PerUnit is null || Symbol.PerUnit.Type.IsError || BoundTreeWalker.Descendants(Symbol.PerUnit).Any(e => e is BoundError))
        {
            return false;
        }
        else if (Symbol.Aggregation != MetricAggregation.Rate)
        {
            why = "it is a mean, and a pair holds or does not";
        }
        else if (conditions.Count < 2)
        {
            why = $"it reads only condition '{conditions[0]}'; a pair is two conditions";
        }
        else if (BoundTreeWalker.Descendants(Symbol.PerUnit).FirstOrDefault(e => e is not (BoundOutcome { Condition: not null } or BoundUnary or BoundBinary or BoundLiteral)) is { } other)
        {
            why = other is BoundOutcome o ? $"it reads '{o.Name}' without a condition; write {o.Name}[{conditions[0]}] or {o.Name}[{conditions[1]}]" : "it reads more than outcomes";
        }
        if (why is not null)
        {
            Context.Report(Symbol.Declaration.Value!.Span, Diagnose.PairMetricReads(Symbol.Name, why));
            Symbol.PerUnit = null;
            return false;
        }
        Symbol.PairConditions = conditions;
        return true;
    }

    private string? CountedWhen()
    {
        if (Symbol.PairConditions is not null)
        {
            return null;
        }
        if (Symbol.Condition is not null)
        {
            return Symbol.Condition is BoundOutcome outcome ? outcome.Name : null;
        }
        if (Symbol.PerUnit is not BoundOutcome read || Symbol.AppliesTo.Count == 0)
        {
            return null;
        }
        var conditions = Symbol.AppliesTo
            .Select(e => e.Followups.FirstOrDefault(f => f.Outcome == read.Name)?.When is BoundOutcome when ? when.Name : null)
            .Distinct().ToList();
        return conditions is [{ } single] ? single : null;
    }

    /// <summary>
    /// <c>rate(reviewed(x))</c>: takes reviewed() off, so the rate binds over x (the detector, which marks the units
    /// eligible for review) and returns the reviewed() call; null when the metric is not of that form (a reviewed()
    /// anywhere else is the expression binder's SCH0471).
    /// </summary>
    private static CallExpressionSyntax? SplitReviewed(ref ExpressionSyntax aggregate)
    {
        if (aggregate is CallExpressionSyntax { Function.Text: "rate", Arguments: [{ Name: null, Value: CallExpressionSyntax { Function.Text: ReviewedFunction } reviewed } argument] } rate)
        {
            if (reviewed.Arguments is [{ Name: null } inner])
            {
                aggregate = rate with { Arguments = [argument with { Value = inner.Value }] };
            }
            return reviewed;
        }
        return null;
    }

    /// <summary>The name of the function that reads human review labels; it is not in the function library, as it is no
    /// expression: it is read only as the whole of a metric's rate.</summary>
    public const string ReviewedFunction = "reviewed";

    /// <summary>reviewed() takes one outcome, as a name: the detector whose flags reviewers confirm or reject.</summary>
    private bool CheckReviewed(CallExpressionSyntax reviewed)
    {
        if (Symbol.PerUnit is { Type.IsError: true } || (Symbol.PerUnit is { } p && BoundTreeWalker.Descendants(p).Any(e => e is BoundError)))
        {
            // Already reported (an unknown name): one error is enough.
            Symbol.PerUnit = null;
            return false;
        }
        if (Symbol.PerUnit is not BoundOutcome { Condition: null } outcome)
        {
            Context.Report(reviewed.Span, Diagnose.ReviewedNotAnOutcome(Symbol.Name, $"'{Describe(reviewed.Arguments[0].Value)}'"));
            Symbol.PerUnit = null;
            return false;
        }
        Symbol.Reviewed = outcome.Name;
        return true;
    }

    private string Describe(ExpressionSyntax expression) =>
        expression.Span.End <= Symbol.File.Text.Length && expression.Span.Length is > 0 and <= 60
            ? Symbol.File.Text.Substring(expression.Span.Start, expression.Span.Length)
            : "an expression";

    /// <summary><c>rate(x given y)</c> is the aggregation of x with the condition y; any other <c>given</c> is the binder's error.</summary>
    private static (ExpressionSyntax Aggregate, ExpressionSyntax? Condition) SplitGiven(ExpressionSyntax value) =>
        value is CallExpressionSyntax { Arguments: [{ Name: null, Value: GivenExpressionSyntax given } argument] } call
            && FunctionLibrary.All.TryGetValue(call.Function.Text, out var function) && function.IsAggregation
            ? (call with { Arguments = [argument with { Value = given.Value }] }, given.Condition)
            : (value, null);

    /// <summary>The environments of <c>in [...]</c>, each once; null when the metric names none.</summary>
    private List<EnvironmentSymbol>? DeclaredEnvironments()
    {
        if (Symbol.Declaration.Environments.Length == 0)
        {
            return null;
        }
        var declared = new List<EnvironmentSymbol>();
        foreach (var name in Symbol.Declaration.Environments)
        {
            if (Context.Declarations.Resolve<EnvironmentSymbol>(name, Diagnose.UnknownEnvironment, Context) is not { } environment)
            {
                continue;
            }
            if (declared.Contains(environment))
            {
                Context.Report(name.Span, Diagnose.DuplicateListEntry(name.Text, $"the environments of metric '{Symbol.Name}'"));
                continue;
            }
            declared.Add(environment);
        }
        return declared;
    }

    private void ResolveApplicability(List<EnvironmentSymbol>? declared)
    {
        var expressions = new[] { Symbol.PerUnit, Symbol.Condition }.OfType<BoundExpression>().SelectMany(BoundTreeWalker.Descendants).ToList();
        var outcomes = expressions.OfType<BoundOutcome>().Select(o => o.Name).Distinct().Order(StringComparer.Ordinal).ToList();
        var tools = expressions.Select(e => e switch { BoundTool t => t.Name, BoundToolArgument a => a.Tool, _ => null })
            .OfType<string>().Distinct().Order(StringComparer.Ordinal).ToList();
        foreach (var environment in declared ?? environments)
        {
            var lacks = outcomes.Where(o => !environment.HasOutcome(o)).Select(o => $"outcome '{o}'")
                .Concat(tools.Where(t => environment.Tools.All(x => x.Name != t)).Select(t => $"tool '{t}'"))
                .ToList();
            if (lacks.Count == 0)
            {
                Symbol.AppliesTo.Add(environment);
            }
            else if (declared is not null)
            {
                var at = Symbol.Declaration.Environments.First(n => n.Text == environment.Name);
                Context.Report(at.Span, Diagnose.MetricReadsMissing(Symbol.Name, environment.Name, string.Join(" or ", lacks)));
            }
        }
        if (declared is null && Symbol.AppliesTo.Count == 0 && environments.Count > 0)
        {
            var reads = outcomes.Select(o => $"outcome '{o}'").Concat(tools.Select(t => $"tool '{t}'"));
            Context.Report(Symbol.Declaration.Name.Span, Diagnose.MetricAppliesNowhere(Symbol.Name, string.Join(", ", reads)));
        }
    }
}
