using Scheme.Compiler.Semantics.Symbols;

namespace Scheme.Compiler.Semantics.Binding;

/// <summary>Base of the per-kind binders: the context of the symbol's file and a constant reader.</summary>
public abstract class DeclarationBinder<T>(T symbol, BinderContext context) where T : Symbol
{
    protected T Symbol { get; } = symbol;

    protected BinderContext Context { get; } = context;

    protected ConstantReader Constants { get; } = new(context, symbol.Name);

    protected MemberReader Members(string describedAs) => new(Context, Symbol.Declaration.Members, describedAs);

    protected string Described => $"{Symbol.KindName} '{Symbol.Name}'";
}
