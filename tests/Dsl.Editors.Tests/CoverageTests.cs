using System.Text.RegularExpressions;
using Scheme.Compiler.Semantics.Expressions;
using Scheme.Contracts;

namespace Scheme.Editors.Tests;

/// <summary>
/// The grammar covers the language's closed sets, read from their one definition: every literal token of
/// grammar/SchemeLexer.g4 (keywords, operators, punctuation), the function library and the built-in tools.
/// A keyword added to the lexer without a scope fails here.
/// </summary>
[Collection("extension")]
public sealed partial class CoverageTests(ExtensionFixture extension)
{
    [GeneratedRegex(@"^([A-Z_]+)\s*:\s*'([^']+)'\s*;", RegexOptions.Multiline)]
    private static partial Regex LiteralRule();

    private static List<string> LexerLiterals() =>
        LiteralRule().Matches(File.ReadAllText(Path.Combine(Repository.Root, "grammar", "SchemeLexer.g4")))
            .Select(m => m.Groups[2].Value).ToList();

    [Fact]
    public void Every_keyword_of_the_lexer_has_a_keyword_scope()
    {
        var keywords = LexerLiterals().Where(l => char.IsLetter(l[0])).ToList();
        Assert.Contains("hypothesis", keywords);
        Assert.Contains("cites", keywords);
        Assert.True(keywords.Count >= 30, $"read only {keywords.Count} keywords from SchemeLexer.g4");

        var tokens = Tokenizer.Snippets(extension, [.. keywords]);
        var wrong = keywords.Zip(tokens)
            .Where(k => !(k.Second is [var only] && only.Text == k.First && only.Scopes is [var scope]
                && (scope.StartsWith("keyword.", StringComparison.Ordinal) || scope.StartsWith("storage.type.", StringComparison.Ordinal)
                    || scope.StartsWith("constant.language.", StringComparison.Ordinal))))
            .Select(k => $"{k.First}: {string.Join(" | ", k.Second.Select(t => t.ToString()))}")
            .ToList();
        Assert.True(wrong.Count == 0, "keywords without a keyword scope:\n" + string.Join("\n", wrong));
    }

    [Fact]
    public void Every_operator_and_punctuation_of_the_lexer_has_its_scope()
    {
        var symbols = LexerLiterals().Where(l => !char.IsLetter(l[0])).ToList();
        Assert.Contains("->", symbols);
        Assert.Contains("!=", symbols);
        // Between two names, as they stand in a suite.
        var tokens = Tokenizer.Snippets(extension, [.. symbols.Select(s => $"a {s} b")]);
        var wrong = symbols.Zip(tokens)
            .Where(s => !s.Second.Any(t => t.Text == s.First && t.Scopes is [var scope]
                && (scope.StartsWith("keyword.operator.", StringComparison.Ordinal) || scope.StartsWith("punctuation.", StringComparison.Ordinal))))
            .Select(s => $"{s.First}: {string.Join(" | ", s.Second.Select(t => t.ToString()))}")
            .ToList();
        Assert.True(wrong.Count == 0, "symbols without an operator or punctuation scope:\n" + string.Join("\n", wrong));
    }

    [Fact]
    public void Every_builtin_function_and_tool_has_its_scope()
    {
        var functions = FunctionLibrary.All.Keys.Order(StringComparer.Ordinal).ToList();
        var tools = BuiltinToolCatalog.All.Select(t => t.Name).ToList();
        var tokens = Tokenizer.Snippets(extension,
            [.. functions.Select(f => $"covert_action: {f}(x)"), .. tools.Select(t => $"tools: [{t}]")]);

        var wrong = functions.Select(f => (Name: f, Scope: "support.function.builtin.scheme-dsl"))
            .Concat(tools.Select(t => (Name: t, Scope: "support.function.tool.scheme-dsl")))
            .Zip(tokens)
            .Where(x => !x.Second.Any(t => t.Text == x.First.Name && t.Scopes.SequenceEqual([x.First.Scope])))
            .Select(x => $"{x.First.Name} (wants {x.First.Scope}): {string.Join(" | ", x.Second.Select(t => t.ToString()))}")
            .ToList();
        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
    }
}
