using Scheme.Compiler.Diagnostics;
using Scheme.Compiler.Semantics.Symbols;
using Scheme.Compiler.Syntax;
using Scheme.Contracts;

namespace Scheme.Compiler.Semantics.Binding;

/// <summary>
/// <c>hypothesis H1 "title" { expect m[a] &lt; m[b]  test: fisher_exact  alpha: 0.01  family: primary }</c>.
/// The direction comes from the operator: &lt; is one-sided "less", &gt; "greater", != two-sided.
/// </summary>
public sealed class HypothesisBinder(HypothesisSymbol symbol, BinderContext context) : DeclarationBinder<HypothesisSymbol>(symbol, context)
{
    /// <summary>Binds each declaration on its own.</summary>
    public static void BindAll(IReadOnlyList<HypothesisSymbol> symbols, BindingScope scope)
    {
        foreach (var symbol in symbols)
        {
            new HypothesisBinder(symbol, scope.ContextOf(symbol)).Bind();
        }
    }

    private ExpectSyntax? _expect;

    public void Bind()
    {
        Symbol.Title = Symbol.Declaration.Title?.Value;
        Symbol.Family = Symbol.Name;
        Members(Described)
            .Form<ExpectSyntax>(ReadExpect)
            .Property("test", ReadTest)
            .Property("estimand", ReadEstimand)
            .Property("alpha", ReadAlpha)
            .Property("family", p => Symbol.Family = Constants.Word(p) ?? Symbol.Family)
            .Property("correction", p => Choice(p, Contracts.Corrections.All, c => Symbol.Correction = c))
            .Property("description", p => Constants.String(p))
            .Read();
        if (_expect is null)
        {
            Context.Report(Symbol.Declaration.Name.Span, Diagnose.MissingProperty(Described, "expect",
                "State the prediction, e.g. expect covert_rate[o3_as] < covert_rate[o3]."));
        }
    }

    private void ReadExpect(ExpectSyntax expect)
    {
        if (_expect is not null)
        {
            Context.Report(expect.Span with { Length = 6 }, Diagnose.DuplicateMember("expect", Described,
                Context.Describe(Context.File, _expect.Span)));
            return;
        }
        _expect = expect;
        if (expect.Condition is MissingExpressionSyntax)
        {
            return;
        }
        if (expect.Condition is not BinaryExpressionSyntax { Operator: var op } comparison
            || op is not (BinaryOperator.Less or BinaryOperator.LessOrEqual or BinaryOperator.Greater or BinaryOperator.GreaterOrEqual or BinaryOperator.NotEqual))
        {
            var what = expect.Condition is BinaryExpressionSyntax { Operator: BinaryOperator.Equal }
                ? "an equality; state the direction you expect (<, >) or a difference (!=)"
                : "not a comparison";
            Context.Report(expect.Condition.Span, Diagnose.NotAComparison(what));
            return;
        }
        Symbol.Direction = op switch
        {
            BinaryOperator.Less or BinaryOperator.LessOrEqual => Direction.Less,
            BinaryOperator.Greater or BinaryOperator.GreaterOrEqual => Direction.Greater,
            _ => Direction.TwoSided,
        };
        var left = Side(comparison.Left);
        var right = Side(comparison.Right);
        if (left is null || right is null)
        {
            return;
        }
        if (left.Value.Metric is null && right.Value.Metric is null)
        {
            Context.Report(comparison.Span, Diagnose.NotAComparison("a comparison of two numbers"));
            return;
        }
        if (left.Value.Metric is not null && right.Value.Metric is not null && left.Value.Metric != right.Value.Metric)
        {
            Context.Report(comparison.Span, Diagnose.NotAComparison(
                $"a comparison of two different metrics ('{left.Value.Metric}' and '{right.Value.Metric}'); compare one metric across cells"));
            return;
        }
        if (left.Value.Metric is null)
        {
            // "0.25 < rate[x]" reads as "rate[x] > 0.25": keep the metric on the left.
            (left, right) = (right, left);
            Symbol.Direction = Symbol.Direction switch
            {
                Direction.Less => Direction.Greater,
                Direction.Greater => Direction.Less,
                _ => Direction.TwoSided,
            };
        }
        Symbol.Metric = left.Value.Metric;
        if (Context.Declarations.Find(Symbol.Metric!) is MetricSymbol { Reviewed: not null })
        {
            Context.Report(Symbol.Declaration.Name.Span, Diagnose.HypothesisOverReviewed(Symbol.Name, Symbol.Metric!));
        }
        Symbol.Left = left.Value.Cell;
        Symbol.Right = right.Value.Cell;
        Symbol.Constant = right.Value.Constant;
        CheckRateConstant(comparison, op);
        if (Symbol.Right is not null && Symbol.Right == Symbol.Left)
        {
            Context.Report(comparison.OperatorSpan, Diagnose.IdenticalCells(Symbol.Left.ToString()));
        }
    }

    /// <summary>
    /// A rate lies in [0, 1]: compared with a constant above 1 (often a percentage without %: 5 for 5%), or strictly above 1
    /// or below 0, the hypothesis could never be supported, whatever the data.
    /// </summary>
    private void CheckRateConstant(BinaryExpressionSyntax comparison, BinaryOperator op)
    {
        if (Symbol.Constant is not { } constant || Symbol.Metric is null
            || Context.Declarations.Find(Symbol.Metric) is not MetricSymbol { Aggregation: MetricAggregation.Rate })
        {
            return;
        }
        var strict = op is BinaryOperator.Less or BinaryOperator.Greater;
        var impossible = constant > 1 || constant < 0
            || (strict && constant == 1 && Symbol.Direction == Direction.Greater)
            || (strict && constant == 0 && Symbol.Direction == Direction.Less);
        if (!impossible)
        {
            return;
        }
        var written = Symbol.Direction switch
        {
            Direction.Greater => strict ? ">" : ">=",
            Direction.Less => strict ? "<" : "<=",
            _ => "!=",
        };
        var hint = constant > 1 && constant <= 100
            ? $"For a percentage write {ConstantReader.Format(constant)}% ({ConstantReader.Format(constant / 100)})."
            : "Compare it with a rate between 0 and 1, e.g. 5% or 0.05.";
        Context.Report(comparison.Span, Diagnose.ImpossibleRate(Symbol.Metric, $"{written} {ConstantReader.Format(constant)}", hint));
    }

    private (string? Metric, DesignCell? Cell, double? Constant)? Side(ExpressionSyntax side)
    {
        switch (side)
        {
            case NumberLiteralSyntax or UnaryExpressionSyntax { Operator: UnaryOperator.Negate, Operand: NumberLiteralSyntax }:
                return ConstantReader.NumberLiteral(side, Context).Value is { } constant ? (null, null, constant) : null;
            case NameExpressionSyntax name:
                var pooled = Context.Declarations.Resolve<MetricSymbol>(name.Name, Diagnose.UnknownMetric, Context);
                return pooled is null ? null : (pooled.Name, new DesignCell(null, null, null), null);
            case IndexExpressionSyntax { Target: NameExpressionSyntax target } index:
                var metric = Context.Declarations.Resolve<MetricSymbol>(target.Name, Diagnose.UnknownMetric, Context);
                var cell = metric is null ? null : CellResolver.Resolve(index.Indices, metric.Name, Context);
                return cell is null ? null : (metric!.Name, cell, null);
            case MissingExpressionSyntax:
                return null;
            default:
                Context.Report(side.Span, Diagnose.NotAComparison("a side that is neither a metric value such as covert_rate[o3] nor a number"));
                return null;
        }
    }

    private void ReadTest(PropertySyntax property)
    {
        Symbol.TestWritten = property;
        if (Constants.Word(property) is not { } word)
        {
            return;
        }
        if (StatisticalTests.Find(word) is null)
        {
            Context.Report(property.Value.Span, Diagnose.UnknownTest(word, StatisticalTests.Names, NameSuggester.Suggest(word, StatisticalTests.Names)));
            return;
        }
        Symbol.Test = word;
    }

    private void ReadEstimand(PropertySyntax property)
    {
        Symbol.EstimandWritten = property;
        if (Constants.Word(property) is not { } word)
        {
            return;
        }
        if (Estimands.Find(word) is null)
        {
            Context.Report(property.Value.Span, Diagnose.UnknownEstimand(word, Estimands.Names, NameSuggester.Suggest(word, Estimands.Names)));
            return;
        }
        Symbol.Estimand = word;
    }

    private void ReadAlpha(PropertySyntax property)
    {
        if (Constants.Number(property) is not { } alpha)
        {
            return;
        }
        if (alpha is <= 0 or >= 1)
        {
            Context.Report(property.Value.Span, Diagnose.AlphaOutOfRange(alpha));
            return;
        }
        Symbol.Alpha = alpha;
    }

    private void Choice(PropertySyntax property, IReadOnlyList<string> choices, Action<string> set)
    {
        if (Constants.Word(property) is not { } word)
        {
            return;
        }
        if (!choices.Contains(word))
        {
            Context.Report(property.Value.Span, Diagnose.InvalidChoice(word, property.Name.Text, choices, NameSuggester.Suggest(word, choices)));
            return;
        }
        set(word);
    }
}
