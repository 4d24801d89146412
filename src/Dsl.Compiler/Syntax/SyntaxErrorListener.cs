using Antlr4.Runtime;
using Antlr4.Runtime.Misc;
using Scheme.Compiler.Diagnostics;
using Scheme.Compiler.Syntax.Generated;
using Scheme.Compiler.Text;

namespace Scheme.Compiler.Syntax;

/// <summary>
/// Turns ANTLR's syntax errors into SCH0001 diagnostics with a span and a readable message
/// ("Unexpected '}'. Expected a name or a string.") instead of ANTLR's token-set dump.
/// </summary>
internal sealed class SyntaxErrorListener(SourceFile file, DiagnosticBag diagnostics) : BaseErrorListener
{
    private const int MaxExpectedShown = 6;
    private int _lastErrorOffset = -1;

    public override void SyntaxError(TextWriter output, IRecognizer recognizer, IToken offendingSymbol, int line,
        int charPositionInLine, string msg, RecognitionException e)
    {
        var start = offendingSymbol.Type == TokenConstants.EOF ? file.Text.Length : offendingSymbol.StartIndex;
        // ANTLR can report several errors at one token while it recovers; the first says it all.
        if (start == _lastErrorOffset)
        {
            return;
        }
        _lastErrorOffset = start;
        var length = offendingSymbol.Type == TokenConstants.EOF ? 0 : Math.Max(1, offendingSymbol.StopIndex - offendingSymbol.StartIndex + 1);
        var found = offendingSymbol.Type == TokenConstants.EOF ? "end of file" : $"'{Shorten(offendingSymbol.Text)}'";
        var parser = recognizer as Parser;
        if (offendingSymbol.Type == TokenConstants.EOF && parser is not null
            && PreviousDefaultToken(parser.TokenStream, offendingSymbol.TokenIndex)?.Type == SchemeLexer.UNTERMINATED_TRIPLE_STRING)
        {
            // The open string swallowed the rest of the file; SCH0002 at its quotes already says so.
            return;
        }
        var message = (parser is null ? null : ExplainCommonMistake(parser, offendingSymbol, found))
            ?? (parser is not null && DescribeExpected(parser, e) is { } expected
                ? $"Unexpected {found}. Expected {expected}."
                : $"Unexpected {found}.");
        diagnostics.Report(file, new TextSpan(start, length), Diagnose.SyntaxError(message));
    }

    /// <summary>
    /// The two mistakes researchers make most: a property without its colon (<c>model "o3"</c>) and a block
    /// left open at the end of the file. ANTLR's expected-token set says neither plainly.
    /// </summary>
    private string? ExplainCommonMistake(Parser parser, IToken offending, string found)
    {
        var tokens = parser.TokenStream;
        if (offending.Type == TokenConstants.EOF)
        {
            var open = new Stack<IToken>();
            for (var i = 0; i < tokens.Size; i++)
            {
                var token = tokens.Get(i);
                if (token.Type == SchemeLexer.LBRACE)
                {
                    open.Push(token);
                }
                else if (token.Type == SchemeLexer.RBRACE && open.Count > 0)
                {
                    open.Pop();
                }
            }
            if (open.Count > 0)
            {
                var (line, _) = file.GetLineColumn(open.Peek().StartIndex);
                return $"Unexpected end of file: the '{{' on line {line} is never closed. Expected '}}'.";
            }
            return null;
        }
        var previous = PreviousDefaultToken(tokens, offending.TokenIndex);
        var startsValue = offending.Type is SchemeLexer.STRING or SchemeLexer.TRIPLE_STRING or SchemeLexer.NUMBER
            or SchemeLexer.LBRACK or SchemeLexer.TRUE or SchemeLexer.FALSE or SchemeLexer.ID;
        if (previous is not null && startsValue && IsNameToken(previous.Type) && InsideBlock(tokens, offending.TokenIndex))
        {
            return $"Unexpected {found}. Expected ':' after '{Shorten(previous.Text)}': a property is written {previous.Text}: value.";
        }
        return null;
    }

    private static IToken? PreviousDefaultToken(ITokenStream tokens, int index)
    {
        for (var i = index - 1; i >= 0; i--)
        {
            var token = tokens.Get(i);
            if (token.Channel == TokenConstants.DefaultChannel)
            {
                return token;
            }
        }
        return null;
    }

    /// <summary>Whether the innermost open bracket before the token is a block's '{' (not a list or a call).</summary>
    private static bool InsideBlock(ITokenStream tokens, int index)
    {
        var open = new Stack<int>();
        for (var i = 0; i < index; i++)
        {
            var type = tokens.Get(i).Type;
            if (type is SchemeLexer.LBRACE or SchemeLexer.LBRACK or SchemeLexer.LPAREN)
            {
                open.Push(type);
            }
            else if (type is SchemeLexer.RBRACE or SchemeLexer.RBRACK or SchemeLexer.RPAREN && open.Count > 0)
            {
                open.Pop();
            }
        }
        return open.Count > 0 && open.Peek() == SchemeLexer.LBRACE;
    }

    /// <summary>Tokens the grammar's <c>name</c> rule accepts: identifiers and the soft keywords.</summary>
    private static bool IsNameToken(int type) => type is SchemeLexer.ID or SchemeLexer.FILE or SchemeLexer.PARAM
        or SchemeLexer.WORKSPACE or SchemeLexer.GRADER_FILES or SchemeLexer.LIMITS or SchemeLexer.SENTENCES or SchemeLexer.WHERE or SchemeLexer.REMOVE or SchemeLexer.INJECT
        or SchemeLexer.EXPECT or SchemeLexer.RUN or SchemeLexer.METRIC or SchemeLexer.SPEC or SchemeLexer.CHECKPOINT
        or SchemeLexer.ENVIRONMENT or SchemeLexer.EXPERIMENT or SchemeLexer.MANIPULATION or SchemeLexer.SIMULATE
        or SchemeLexer.HYPOTHESIS or SchemeLexer.FOLLOWUP or SchemeLexer.IMPORT or SchemeLexer.EXTENDS;

    private static string? DescribeExpected(Parser parser, RecognitionException? e)
    {
        IntervalSet expected;
        try
        {
            expected = e?.GetExpectedTokens() ?? parser.GetExpectedTokens();
        }
        catch (ArgumentException)
        {
            // ANTLR cannot always compute the set after recovery; the message still has the position.
            return null;
        }
        var types = expected.ToArray();
        // Where any name fits, list "a name" once rather than every soft keyword a name may also be.
        if (types.Contains(SchemeLexer.ID))
        {
            types = types.Where(t => t == SchemeLexer.ID || !IsNameToken(t)).ToArray();
        }
        var names = types
            .Select(t => DisplayName(parser.Vocabulary, t))
            .Where(n => n is not null)
            .Distinct()
            .ToList();
        if (names.Count == 0)
        {
            return null;
        }
        if (names.Count > MaxExpectedShown)
        {
            return string.Join(", ", names.Take(MaxExpectedShown)) + " or another token";
        }
        return names.Count == 1 ? names[0] : string.Join(", ", names.Take(names.Count - 1)) + " or " + names[^1];
    }

    private static string? DisplayName(IVocabulary vocabulary, int tokenType) => tokenType switch
    {
        TokenConstants.EOF => "end of file",
        SchemeLexer.ID => "a name",
        SchemeLexer.NUMBER => "a number",
        SchemeLexer.STRING or SchemeLexer.TRIPLE_STRING => "a string",
        SchemeLexer.UNTERMINATED_STRING or SchemeLexer.ERROR_CHAR => null,
        _ => vocabulary.GetLiteralName(tokenType) ?? vocabulary.GetDisplayName(tokenType),
    };

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..37] + "...";
}
