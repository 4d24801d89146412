using Antlr4.Runtime;
using Scheme.Compiler.Semantics.Symbols;
using Scheme.Compiler.Syntax.Generated;
using Scheme.Compiler.Text;
using Scheme.LanguageServer.Workspace;

namespace Scheme.LanguageServer.Features;

/// <summary>
/// Semantic tokens (full): keywords, strings, numbers, comments and operators from the language's own lexer; each name
/// by what it names (a checkpoint, an environment, a function of the library, a property, a param, an outcome). Tokens
/// never span lines, as clients without multiline token support require.
/// </summary>
public static class SemanticTokensProvider
{
    public static readonly string[] TokenTypes =
        ["keyword", "string", "number", "comment", "operator", "namespace", "class", "enum", "function", "property", "parameter", "variable", "event", "type", "enumMember"];

    public static readonly string[] TokenModifiers = ["declaration", "defaultLibrary"];

    private const int Declaration = 1, DefaultLibrary = 2;

    public static int[] Encode(Snapshot snapshot, SourceFile file, SyntaxIndex? index)
    {
        var names = index?.Names.ToDictionary(n => n.Name.Span.Start) ?? [];
        var lexer = new SchemeLexer(new AntlrInputStream(file.Text));
        lexer.RemoveErrorListeners();
        var data = new List<int>();
        var (lastLine, lastChar) = (0, 0);
        foreach (var token in lexer.GetAllTokens())
        {
            var classified = Classify(snapshot, token, names);
            if (classified is not var (type, modifiers))
            {
                continue;
            }
            foreach (var (start, length) in Lines(file.Text, token.StartIndex, token.StopIndex + 1))
            {
                var position = Positions.ToPosition(file, start);
                data.Add(position.Line - lastLine);
                data.Add(position.Line == lastLine ? position.Character - lastChar : position.Character);
                data.Add(length);
                data.Add(type);
                data.Add(modifiers);
                (lastLine, lastChar) = (position.Line, position.Character);
            }
        }
        return [.. data];
    }

    private static (int Type, int Modifiers)? Classify(Snapshot snapshot, IToken token, Dictionary<int, NameOccurrence> names)
    {
        if (names.TryGetValue(token.StartIndex, out var name))
        {
            return Name(snapshot, name);
        }
        return token.Type switch
        {
            SchemeLexer.STRING or SchemeLexer.TRIPLE_STRING or SchemeLexer.UNTERMINATED_STRING or SchemeLexer.UNTERMINATED_TRIPLE_STRING => (Type("string"), 0),
            SchemeLexer.NUMBER => (Type("number"), 0),
            SchemeLexer.LINE_COMMENT or SchemeLexer.BLOCK_COMMENT => (Type("comment"), 0),
            SchemeLexer.ARROW or SchemeLexer.EQ or SchemeLexer.NEQ or SchemeLexer.LE or SchemeLexer.GE or SchemeLexer.LT or SchemeLexer.GT
                or SchemeLexer.ASSIGN or SchemeLexer.PLUS or SchemeLexer.MINUS or SchemeLexer.STAR or SchemeLexer.SLASH => (Type("operator"), 0),
            _ when Keywords.IsKeywordToken(token.Type) => (Type("keyword"), 0),
            _ => null,
        };
    }

    private static (int, int) Name(Snapshot snapshot, NameOccurrence name)
    {
        var modifiers = name.Role is NameRole.Declaration or NameRole.Param or NameRole.Outcome ? Declaration : 0;
        return name.Role switch
        {
            NameRole.Property or NameRole.Member or NameRole.ArgumentName => (Type("property"), 0),
            NameRole.Param => (Type("parameter"), modifiers),
            NameRole.Outcome => (Type("variable"), modifiers),
            NameRole.Function => (Type("function"), DefaultLibrary),
            _ => Resolver.Resolve(snapshot, name) switch
            {
                DeclarationTarget d => (Type(d.Symbol switch
                {
                    ExperimentSymbol or SpecSymbol => "namespace",
                    CheckpointSymbol => "enum",
                    EnvironmentSymbol => "class",
                    ManipulationSymbol => "function",
                    RunSymbol => "event",
                    HypothesisSymbol => "type",
                    _ => "variable",
                }), modifiers),
                _ => (Type("variable"), modifiers),
            },
        };
    }

    private static int Type(string name) => Array.IndexOf(TokenTypes, name);

    /// <summary>A token's pieces, one per line it covers.</summary>
    private static IEnumerable<(int Start, int Length)> Lines(string text, int start, int end)
    {
        end = Math.Min(end, text.Length);
        var lineStart = start;
        for (var i = start; i < end; i++)
        {
            if (text[i] == '\n')
            {
                if (i > lineStart)
                {
                    yield return (lineStart, i - lineStart);
                }
                lineStart = i + 1;
            }
        }
        if (end > lineStart)
        {
            yield return (lineStart, end - lineStart);
        }
    }
}
