using Scheme.Compiler.Diagnostics;
using Scheme.Compiler.Semantics.Symbols;

namespace Scheme.Compiler.Semantics.Binding;

/// <summary>
/// The single namespace of a compilation: every declaration of every file (imports included), by name.
/// One namespace for all kinds, so a name always means one thing wherever it is read.
/// </summary>
public sealed class DeclarationTable
{
    private readonly Dictionary<string, Symbol> _symbols = new(StringComparer.Ordinal);
    private readonly HashSet<Symbol> _used = new(ReferenceEqualityComparer.Instance);

    public IEnumerable<Symbol> All => _symbols.Values;

    public IEnumerable<T> OfType<T>() where T : Symbol => _symbols.Values.OfType<T>();

    public bool TryDeclare(Symbol symbol, out Symbol? existing)
    {
        if (_symbols.TryGetValue(symbol.Name, out existing))
        {
            return false;
        }
        _symbols[symbol.Name] = symbol;
        return true;
    }

    public Symbol? Find(string name) => _symbols.GetValueOrDefault(name);

    /// <summary>Looks a name up as a given kind, marking it used; reports an unknown-name error otherwise.</summary>
    public T? Resolve<T>(Scheme.Compiler.Syntax.IdentifierSyntax name, DiagnosticDescriptor unknown, BinderContext context)
        where T : Symbol
    {
        if (name.IsMissing)
        {
            return null;
        }
        if (_symbols.GetValueOrDefault(name.Text) is T found)
        {
            MarkUsed(found);
            return found;
        }
        var closest = NameSuggester.Closest(name.Text, OfType<T>().Select(s => s.Name));
        if (closest is not null)
        {
            // The misspelt reference was meant for it: do not also call it unused.
            MarkUsed(_symbols[closest]);
        }
        var suggestion = closest is null ? "" : $" Did you mean '{closest}'?";
        if (suggestion.Length == 0 && _symbols.GetValueOrDefault(name.Text) is { } other)
        {
            suggestion = $" '{name.Text}' is {Article(other.KindName)} {other.KindName}.";
        }
        context.Report(unknown, name.Span, name.Text, suggestion);
        return null;
    }

    public void MarkUsed(Symbol symbol) => _used.Add(symbol);

    public bool IsUsed(Symbol symbol) => _used.Contains(symbol);

    private static string Article(string word) => "aeiou".Contains(word[0]) ? "an" : "a";
}
