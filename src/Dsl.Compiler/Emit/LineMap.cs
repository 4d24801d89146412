using System.Globalization;
using Scheme.Compiler.Syntax;
using Scheme.Compiler.Text;

namespace Scheme.Compiler.Emit;

/// <summary>Writes <c>#line</c> directives so C# errors in generated code point back at the .scheme source.</summary>
public sealed class LineMap(SourceFile file, bool absolute = true)
{
    public string Directive(SyntaxNode node) => Directive(node.Span);

    public string Directive(TextSpan span) => $"#line {file.GetLineColumn(span.Start).Line} {QuotedPath}";

    public int Line(SyntaxNode node) => file.GetLineColumn(node.Span.Start).Line;

    /// <summary>
    /// The path between quotes, exactly as it is. C# reads a #line file name raw: no escape sequences (a
    /// backslash is a backslash, so Windows paths need nothing), ended by a quote or by any line break. A path
    /// holding one of those cannot be written at all; the binder refuses it (SCH0129) before anything is emitted.
    /// </summary>
    public string QuotedPath
    {
        get
        {
            var path = absolute ? file.FullPath : file.Path;
            return Unwritable(path) is { } reason
                ? throw new InvalidOperationException($"The path {path} contains {reason}; the binder should have refused it.")
                : "\"" + path + "\"";
        }
    }

    /// <summary>What in <paramref name="path"/> a #line directive cannot hold, or null when it can hold all of it.</summary>
    public static string? Unwritable(string path)
    {
        for (var i = 0; i < path.Length; i++)
        {
            var c = path[i];
            switch (c)
            {
                case '"':
                    return "a quote (\")";
                // Every character C# takes for the end of a line (its new-line characters), and NUL.
                case '\r' or '\n' or '\u0085' or '\u2028' or '\u2029':
                    return $"a line break ({Code(c)})";
                case '\0':
                    return "a NUL character (U+0000)";
            }
            // Half of a surrogate pair cannot be encoded in UTF-8: the path would silently become another.
            if (char.IsHighSurrogate(c) && i + 1 < path.Length && char.IsLowSurrogate(path[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(c))
            {
                return $"half of a surrogate pair ({Code(c)}), which UTF-8 cannot encode";
            }
        }
        return null;
    }

    private static string Code(char c) => "U+" + ((int)c).ToString("X4", CultureInfo.InvariantCulture);
}
