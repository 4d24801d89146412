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
        var expected = recognizer is Parser parser ? DescribeExpected(parser, e) : null;
        var message = expected is null ? $"Unexpected {found}." : $"Unexpected {found}. Expected {expected}.";
        diagnostics.Report(DiagnosticCatalog.SyntaxError, file, new TextSpan(start, length), message);
    }

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
        var names = expected.ToArray()
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
