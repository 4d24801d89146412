using Scheme.Compiler.Semantics.Symbols;
using Scheme.Compiler.Syntax;
using Scheme.Compiler.Text;

namespace Scheme.Compiler.Semantics.Binding;

/// <summary>
/// What the binder needs to know of one declaration kind: how to make its symbol and how to bind every declaration
/// of the kind. The table of kinds (Declarations/DeclarationKinds) supplies one per kind, in the order they bind, so a
/// kind may read the kinds before it (metrics read environments). The binder has no list of kinds of its own.
/// </summary>
public sealed class KindBinding
{
    private KindBinding(DeclarationKind kind, Func<DeclarationSyntax, SourceFile, Symbol> create,
        Action<IReadOnlyList<Symbol>, BindingScope> bind, bool warnsWhenUnused)
    {
        Kind = kind;
        Create = create;
        Bind = bind;
        WarnsWhenUnused = warnsWhenUnused;
    }

    public DeclarationKind Kind { get; }

    public Func<DeclarationSyntax, SourceFile, Symbol> Create { get; }

    /// <summary>Binds the given declarations of the kind: all of them in source order, or a refused one alone.</summary>
    public Action<IReadOnlyList<Symbol>, BindingScope> Bind { get; }

    /// <summary>Whether a declaration nothing references is worth a warning (a spec is; a hypothesis is used by being declared).</summary>
    public bool WarnsWhenUnused { get; }

    public static KindBinding Of<TSymbol>(DeclarationKind kind, Func<string, DeclarationSyntax, SourceFile, TSymbol> create,
        Action<IReadOnlyList<TSymbol>, BindingScope> bind, bool warnsWhenUnused = false) where TSymbol : Symbol =>
        new(kind, (declaration, file) => create(declaration.Name.Text, declaration, file),
            (symbols, scope) => bind(symbols.Cast<TSymbol>().ToList(), scope), warnsWhenUnused);
}

/// <summary>What a kind's binding may read: the context of each declaration's file, and the declarations bound so far.</summary>
public sealed class BindingScope(Func<Symbol, BinderContext> contextOf, Func<IEnumerable<Symbol>> accepted)
{
    public BinderContext ContextOf(Symbol symbol) => contextOf(symbol);

    /// <summary>The accepted declarations of a kind, by file path then position.</summary>
    public IReadOnlyList<TSymbol> Declared<TSymbol>() where TSymbol : Symbol => accepted().OfType<TSymbol>().ToList();
}
