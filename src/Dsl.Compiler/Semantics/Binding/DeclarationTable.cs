using Scheme.Compiler.Diagnostics;
using Scheme.Compiler.Semantics.Symbols;

namespace Scheme.Compiler.Semantics.Binding;

/// <summary>
/// The single namespace of a compilation: every declaration of every file (imports included), by name.
/// One namespace for all kinds, so a name always means one thing wherever it is read.
/// </summary>
/// <param name="fileClasses">The class generated for each file, by path: names no declaration may take.</param>
public sealed class DeclarationTable(IReadOnlyDictionary<string, string> fileClasses)
{
    private readonly Dictionary<string, Symbol> _symbols = new(StringComparer.Ordinal);
    private readonly HashSet<Symbol> _used = new(ReferenceEqualityComparer.Instance);

    public IEnumerable<Symbol> All => _symbols.Values;

    public IEnumerable<T> OfType<T>() where T : Symbol => _symbols.Values.OfType<T>();

    /// <summary>
    /// What the generated code uses this name for, e.g. "the name of the class generated for suite.scheme", so that no
    /// declaration or csharp() method may take it; null when it is free.
    /// </summary>
    public string? ReservedBy(string name)
    {
        if (GeneratedNames.Reserved.Contains(name))
        {
            return "the name of a type or member the generated code uses";
        }
        var file = fileClasses.FirstOrDefault(c => c.Value == name).Key;
        return file is null ? null : $"the name of the class generated for {Path.GetFileName(file)}";
    }

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

    /// <summary>
    /// Looks a name up as a given kind, marking it used; otherwise reports <paramref name="unknown"/>, given the name
    /// and a suggestion (" Did you mean 'x'?", what the name is instead, or "").
    /// </summary>
    public T? Resolve<T>(Scheme.Compiler.Syntax.IdentifierSyntax name, Func<string, string, DiagnosticMessage> unknown, BinderContext context)
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
        context.Report(name.Span, unknown(name.Text, suggestion));
        return null;
    }

    public void MarkUsed(Symbol symbol) => _used.Add(symbol);

    private readonly Dictionary<string, (SchemeType Type, Scheme.Compiler.Text.SourceFile File, Scheme.Compiler.Text.TextSpan Span)> _csharpMethods =
        new(StringComparer.Ordinal);

    /// <summary>
    /// A csharp("M") method becomes one partial method in the generated class: it must have one return type,
    /// and must not share its name with a declaration (a field of that class).
    /// </summary>
    public bool RegisterCSharpMethod(string name, SchemeType type, Scheme.Compiler.Syntax.SyntaxNode at, BinderContext context)
    {
        if ((name == GeneratedNames.LambdaParameter ? "the parameter of the lambda that calls it" : ReservedBy(name)) is { } reason)
        {
            context.Report(at.Span, Diagnose.ReservedName(name, reason));
            return false;
        }
        if (name.Length > GeneratedNames.MaxIdentifierLength)
        {
            context.Report(at.Span, Diagnose.NameTooLong($"The C# method name {name[..20]}...", name.Length, GeneratedNames.MaxIdentifierLength));
            return false;
        }
        if (Find(name) is { } declared)
        {
            context.Report(at.Span, Diagnose.DeclarationNamedLikeMethod(name,
                $"the {declared.KindName} declared at {context.Describe(declared.File, declared.Declaration.Name.Span)}"));
            return false;
        }
        if (_csharpMethods.TryGetValue(name, out var first) && first.Type != type)
        {
            context.Report(at.Span, Diagnose.CSharpMethodConflict(name, type.Describe(), context.Describe(first.File, first.Span), first.Type.Describe()));
            return false;
        }
        _csharpMethods.TryAdd(name, (type, context.File, at.Span));
        return true;
    }

    public bool IsUsed(Symbol symbol) => _used.Contains(symbol);

    private static string Article(string word) => "aeiou".Contains(word[0]) ? "an" : "a";
}
