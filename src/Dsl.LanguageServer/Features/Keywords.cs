using System.Text.RegularExpressions;
using Scheme.Compiler.Syntax.Generated;

namespace Scheme.LanguageServer.Features;

/// <summary>The language's words, read from the generated lexer so they cannot drift from grammar/SchemeLexer.g4.</summary>
public static partial class Keywords
{
    /// <summary>Every reserved word: <c>import</c>, <c>metric</c>, <c>and</c>, ...</summary>
    public static IReadOnlySet<string> All { get; } = Enumerable.Range(1, SchemeLexer.ERROR_CHAR)
        .Select(t => SchemeLexer.DefaultVocabulary.GetLiteralName(t))
        .OfType<string>()
        .Select(l => l.Trim('\''))
        .Where(w => w.Length > 0 && char.IsLetter(w[0]))
        .ToHashSet(StringComparer.Ordinal);

    /// <summary>The words that start a top-level declaration, in the order the language tour introduces them.</summary>
    public static IReadOnlyList<string> Declarations { get; } =
        ["import", "experiment", "spec", "checkpoint", "environment", "manipulation", "metric", "run", "simulate", "hypothesis"];

    public static bool IsKeywordToken(int type) =>
        SchemeLexer.DefaultVocabulary.GetLiteralName(type) is { } literal && literal.Length > 2 && char.IsLetter(literal[1]);

    /// <summary>A name as the lexer reads one (ID), and no reserved word.</summary>
    public static bool IsValidName(string name) => Identifier().IsMatch(name) && !All.Contains(name);

    [GeneratedRegex("^[a-zA-Z_][a-zA-Z0-9_]*$")]
    private static partial Regex Identifier();
}
