using System.Text;
using Antlr4.Runtime;
using Scheme.Compiler.Syntax.Generated;

namespace Scheme.Compiler.Formatting;

/// <summary>How the next line break the layout asks for treats the blank lines the author wrote there.</summary>
internal enum BlankLines
{
    /// <summary>No blank line (after an opening brace, before a closing one).</summary>
    None,

    /// <summary>One blank line if the author wrote at least one (grouping inside a block), never more.</summary>
    Preserve,

    /// <summary>Always one blank line (between declarations).</summary>
    Force,
}

/// <summary>
/// Writes tokens in the layout <see cref="LayoutPrinter"/> asks for, and puts every comment of the hidden channel back
/// where the author put it relative to the tokens. The printer only says where spaces, line breaks and indentation go;
/// the writer owns the comments, so no layout rule can lose one:
/// <list type="bullet">
/// <item>a comment on the same line as the token before it stays on that line (a trailing comment);</item>
/// <item>a comment on a line of its own stays on a line of its own, indented like the code it precedes (a leading comment);</item>
/// <item>after a line comment a line break follows (the comment would swallow the rest of the line); after a block
/// comment one follows only if the author wrote one.</item>
/// </list>
/// A comment that forces a break inside a line continues the line one level deeper, and that layout is itself stable:
/// formatting the output again classifies every comment the same way, so the formatter is idempotent.
/// </summary>
internal sealed class TokenWriter(IList<IToken> tokens, int start = 0)
{
    private const int IndentWidth = 2;

    private readonly StringBuilder _out = new();

    // Where each trailing line comment's separating space is in the output, to align runs of them at the end.
    private readonly List<int> _trailing = [];
    private int _next = start;
    private int _indent;
    private int _column;

    // What the next token is preceded by: a layout line break (with its blank-line mode), a line break a comment forced
    // (a continuation), or a space. A layout break wins over the others.
    private bool _lineBreak;
    private BlankLines _blank;
    private bool _continuation;
    private bool _space;

    // Line breaks in the source since the last token or comment written: decides leading or trailing, and blank lines.
    private int _newlines;

    public int MaxWidth { get; init; } = 100;

    public void Indent() => _indent++;

    public void Dedent() => _indent--;

    public void Space() => _space = true;

    /// <summary>Continues the line on the next one, one level deeper (a break the author wrote before an operator).</summary>
    public void Continue() => _continuation = true;

    /// <summary>Asks for a line break before the next token; the newest request's blank-line mode wins.</summary>
    public void Line(BlankLines blank)
    {
        _lineBreak = true;
        _blank = blank;
    }

    /// <summary>The column the next token would start at, comments before it already written.</summary>
    public int NextColumn =>
        _lineBreak ? _indent * IndentWidth
        : _continuation ? (_indent + 1) * IndentWidth
        : _space && _column > 0 ? _column + 1
        : _column;

    public void Token(IToken token)
    {
        CommentsBefore(token);
        Write(token.Text);
        _next = token.TokenIndex + 1;
    }

    /// <summary>Text the source does not have at this place (the comma the layout adds after a list's last item).</summary>
    public void Synthetic(string text) => Write(text);

    /// <summary>Writes the comments between the last token written and <paramref name="token"/> (skipped tokens, such
    /// as a list's trailing comma dropped on one line, are passed over).</summary>
    public void CommentsBefore(IToken token)
    {
        var limit = token.Type == TokenConstants.EOF ? tokens.Count : token.TokenIndex;
        for (; _next < limit; _next++)
        {
            var hidden = tokens[_next];
            switch (hidden.Type)
            {
                case SchemeLexer.WS:
                    _newlines += hidden.Text.Count(c => c == '\n');
                    break;
                case SchemeLexer.LINE_COMMENT:
                    Comment(hidden.Text.TrimEnd(), isLine: true);
                    break;
                case SchemeLexer.BLOCK_COMMENT:
                    Comment(hidden.Text, isLine: false);
                    break;
            }
        }
    }

    private void Comment(string text, bool isLine)
    {
        var breakAfter = isLine || (_next + 1 < tokens.Count && tokens[_next + 1].Type == SchemeLexer.WS && tokens[_next + 1].Text.Contains('\n'));
        var leading = _newlines > 0 || _out.Length == 0;
        if (leading)
        {
            var layout = _lineBreak || _out.Length == 0;
            if (!layout)
            {
                _continuation = true;
            }
            // A blank line the author left before a comment inside an expression is kept, like one inside a block.
            Write(text, blankBefore: _newlines > 1);
            if (breakAfter)
            {
                if (layout)
                {
                    Line(BlankLines.Preserve);
                }
                else
                {
                    _continuation = true;
                }
            }
            else
            {
                _space = true;
            }
            return;
        }
        // Trailing: on the line of the token before it, whatever line break the layout has asked for comes after it.
        if (isLine)
        {
            _trailing.Add(_out.Length);
        }
        AppendRaw(" " + text);
        if (breakAfter && !_lineBreak)
        {
            _continuation = true;
        }
        else if (!breakAfter)
        {
            _space = true;
        }
    }

    private void Write(string text, bool blankBefore = false)
    {
        if (_lineBreak || _continuation)
        {
            if (_out.Length > 0)
            {
                var blank = _lineBreak
                    ? _blank == BlankLines.Force || (_blank == BlankLines.Preserve && _newlines > 1)
                    : blankBefore;
                _out.Append(blank ? "\n\n" : "\n");
                var indent = (_lineBreak ? _indent : _indent + 1) * IndentWidth;
                _out.Append(' ', indent);
                _column = indent;
            }
        }
        else if (_space && _column > 0)
        {
            AppendRaw(" ");
        }
        _lineBreak = _continuation = _space = false;
        AppendRaw(text);
        _newlines = 0;
    }

    private void AppendRaw(string text)
    {
        _out.Append(text);
        var lastBreak = text.LastIndexOf('\n');
        _column = lastBreak < 0 ? _column + text.Length : text.Length - lastBreak - 1;
        _newlines = 0;
    }

    /// <summary>The text written, ending in exactly one line break (none for a file with nothing in it).</summary>
    public string Finish()
    {
        var text = AlignTrailingComments(_out.ToString()).TrimEnd(' ', '\n');
        return text.Length == 0 ? "" : text + "\n";
    }

    /// <summary>
    /// Trailing line comments on consecutive lines of the same indentation start in one column, one space after the
    /// longest code among them (as gofmt does); a lone one is one space after its code. The columns depend only on the
    /// code, which the layout alone decides, so a second run aligns the same way.
    /// </summary>
    private string AlignTrailingComments(string text)
    {
        if (_trailing.Count < 2)
        {
            return text;
        }
        var lines = new List<(int Line, int Code, int Indent, int Offset)>();
        // Offsets ascend, so line numbers are counted in one pass over the text, not once per comment.
        var (line, counted) = (0, 0);
        foreach (var offset in _trailing)
        {
            var lineStart = text.LastIndexOf('\n', Math.Max(0, offset - 1)) + 1;
            if (lineStart > counted)
            {
                line += text.AsSpan(counted, lineStart - counted).Count('\n');
                counted = lineStart;
            }
            var indent = 0;
            while (lineStart + indent < offset && text[lineStart + indent] == ' ')
            {
                indent++;
            }
            lines.Add((line, offset - lineStart, indent, offset));
        }
        var padding = new Dictionary<int, int>();
        for (var i = 0; i < lines.Count;)
        {
            var j = i + 1;
            while (j < lines.Count && lines[j].Line == lines[j - 1].Line + 1 && lines[j].Indent == lines[i].Indent)
            {
                j++;
            }
            var column = lines.Skip(i).Take(j - i).Max(l => l.Code);
            foreach (var l in lines.Skip(i).Take(j - i))
            {
                padding[l.Offset] = column - l.Code;
            }
            i = j;
        }
        var aligned = new StringBuilder(text.Length + padding.Values.Sum());
        var previous = 0;
        foreach (var (offset, pad) in padding.OrderBy(p => p.Key))
        {
            aligned.Append(text, previous, offset - previous).Append(' ', pad);
            previous = offset;
        }
        return aligned.Append(text, previous, text.Length - previous).ToString();
    }

    /// <summary>The text written so far, as is (the flat rendering a list is measured by).</summary>
    public string Written => _out.ToString();
}
