using Scheme.Compiler.Semantics.Expressions;
using Scheme.Compiler.Semantics.Symbols;

namespace Scheme.Compiler.Semantics.Binding;

/// <summary><c>metric name = rate(bool)</c> or <c>mean(number)</c>, over the outcomes of every environment.</summary>
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
        var scope = new ExpressionContext(ExpressionContextKind.Metric, Symbol.Name, $"metric '{Symbol.Name}'", Environments: environments,
            JudgeOwner: new(JudgeOwnerKind.Metric, Symbol.Name));
        var bound = new ExpressionBinder(Context, scope).Bind(value, SchemeType.Metric);
        if (bound is BoundCall { Function.IsAggregation: true } call)
        {
            Symbol.Aggregation = call.Function == FunctionLibrary.Rate ? MetricAggregation.Rate : MetricAggregation.Mean;
            Symbol.PerUnit = call.Arguments[0];
        }
    }
}
