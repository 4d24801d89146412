using Scheme.Compiler.Formatting;
using Scheme.Compiler.Text;
using Scheme.LanguageServer.Protocol;

namespace Scheme.LanguageServer.Features;

/// <summary>
/// textDocument/formatting through `scheme fmt`'s formatter: one edit replacing the whole text when the layout changes.
/// A buffer that does not parse is left as it is (its syntax errors are already shown as diagnostics), as fmt leaves it.
/// </summary>
public static class DocumentFormatter
{
    public const bool Available = true;

    /// <returns>The edits, or null with the formatter's reason when it refused its own output (a formatter bug).</returns>
    public static (TextEdit[]? Edits, string? Refusal) Format(string text, string path)
    {
        var result = SchemeFormatter.Format(text, path);
        if (result.InternalError is { } error)
        {
            return (null, $"The formatter refused its own output and left the file as it is: {error}");
        }
        if (result.Formatted is not { } formatted || !result.Changed)
        {
            return ([], null);
        }
        var whole = new SourceFile(path, text, path);
        var end = whole.GetLineColumn(text.Length);
        return ([new TextEdit(new Protocol.Range(new Position(0, 0), new Position(end.Line - 1, end.Column - 1)), formatted)], null);
    }
}
