using System.Collections.Immutable;
using System.Text;
using Scheme.Compiler.Diagnostics;
using Scheme.Compiler.Text;

namespace Scheme.Compiler.Syntax;

/// <summary>
/// Unescapes a string token and remembers where each resulting character came from, so template errors
/// inside a prompt can point at their exact line and column.
/// </summary>
internal static class StringLiteralDecoder
{
    public static StringLiteralSyntax Decode(string tokenText, int tokenStart, bool terminated, SourceFile file, DiagnosticBag diagnostics)
    {
        var span = new TextSpan(tokenStart, tokenText.Length);
        if (tokenText.StartsWith("\"\"\"", StringComparison.Ordinal) && (tokenText.Length >= 6 || !terminated))
        {
            if (!terminated)
            {
                diagnostics.Report(file, new TextSpan(tokenStart, 3), Diagnose.UnterminatedString());
                return DecodeTriple(tokenText + "\"\"\"", tokenStart, span);
            }
            return DecodeTriple(tokenText, tokenStart, span);
        }
        if (!terminated)
        {
            diagnostics.Report(file, new TextSpan(tokenStart, 1), Diagnose.UnterminatedString());
        }
        var end = terminated ? tokenText.Length - 1 : tokenText.Length;
        if (tokenText.IndexOf('\\', 1) < 0)
        {
            // No escapes, the common case: the value is the text between the quotes, character for character.
            return new StringLiteralSyntax(tokenText[1..Math.Max(1, end)], tokenStart + 1, default, span);
        }
        var builder = new StringBuilder(end);
        var offsets = ImmutableArray.CreateBuilder<int>(end);
        for (var i = 1; i < end; i++)
        {
            var c = tokenText[i];
            if (c == '\\' && i + 1 < end)
            {
                var escaped = tokenText[i + 1];
                char? value = escaped switch
                {
                    'n' => '\n',
                    't' => '\t',
                    'r' => '\r',
                    '"' => '"',
                    '\\' => '\\',
                    _ => null,
                };
                if (value is null)
                {
                    diagnostics.Report(file, new TextSpan(tokenStart + i, 2), Diagnose.InvalidEscape(escaped));
                    value = escaped;
                }
                builder.Append(value.Value);
                offsets.Add(tokenStart + i);
                i++;
                continue;
            }
            builder.Append(c);
            offsets.Add(tokenStart + i);
        }
        return new StringLiteralSyntax(builder.ToString(), tokenStart + 1, offsets.ToImmutable(), span);
    }

    /// <summary>Triple-quoted text is raw; one line break right after the opening quotes is dropped.</summary>
    private static StringLiteralSyntax DecodeTriple(string tokenText, int tokenStart, TextSpan span)
    {
        var start = 3;
        if (tokenText.AsSpan(start).StartsWith("\r\n"))
        {
            start += 2;
        }
        else if (tokenText.Length > start && tokenText[start] == '\n')
        {
            start += 1;
        }
        var end = Math.Max(start, tokenText.Length - 3);
        var raw = tokenText[start..end];
        // Line breaks inside long text are \n whatever the checkout's line endings, so prompts and their
        // preregistration fingerprints do not depend on the operating system.
        return raw.Contains('\r')
            ? new StringLiteralSyntax(Text.FileReader.NormalizeLineBreaks(raw), tokenStart + start, OffsetsAfterNormalizing(raw, tokenStart + start), span)
            : new StringLiteralSyntax(raw, tokenStart + start, default, span);
    }

    /// <summary>Where each character of the normalized text came from: a \r\n pair becomes one \n at the \r.</summary>
    private static ImmutableArray<int> OffsetsAfterNormalizing(string raw, int start)
    {
        var offsets = ImmutableArray.CreateBuilder<int>(raw.Length);
        for (var i = 0; i < raw.Length; i++)
        {
            offsets.Add(start + i);
            if (raw[i] == '\r' && i + 1 < raw.Length && raw[i + 1] == '\n')
            {
                i++;
            }
        }
        return offsets.ToImmutable();
    }
}
