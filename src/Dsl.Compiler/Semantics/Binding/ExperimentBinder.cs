using Scheme.Compiler.Semantics.Symbols;

namespace Scheme.Compiler.Semantics.Binding;

public sealed class ExperimentBinder(ExperimentSymbol symbol, BinderContext context) : DeclarationBinder<ExperimentSymbol>(symbol, context)
{
    /// <summary>Binds each declaration on its own.</summary>
    public static void BindAll(IReadOnlyList<ExperimentSymbol> symbols, BindingScope scope)
    {
        foreach (var symbol in symbols)
        {
            new ExperimentBinder(symbol, scope.ContextOf(symbol)).Bind();
        }
    }

    public void Bind() =>
        Members(Described)
            .Property("title", p => Symbol.Title = Constants.String(p))
            .Property("description", p => Symbol.Description = Constants.String(p))
            .Property("version", p => Symbol.Version = Constants.String(p))
            .Property("seed", p => Symbol.Seed = Constants.Integer(p) ?? 0)
            .Read();
}
