using Scheme.Compiler.Text;
using Scheme.LanguageServer.Protocol;

namespace Scheme.LanguageServer.Workspace;

/// <summary>
/// Offsets of the compiler (characters, which are UTF-16 code units as in LSP) to LSP positions and back. The compiler's
/// text has its line breaks normalized to \n; lines and the characters within a line are the same either way.
/// </summary>
public static class Positions
{
    public static Position ToPosition(SourceFile file, int offset)
    {
        var (line, column) = file.GetLineColumn(offset);
        return new Position(line - 1, column - 1);
    }

    public static Protocol.Range ToRange(SourceFile file, TextSpan span) =>
        new(ToPosition(file, span.Start), ToPosition(file, span.End));

    public static int ToOffset(SourceFile file, Position position)
    {
        var line = Math.Clamp(position.Line, 0, file.LineCount - 1);
        var start = file.GetOffset(line + 1, 0);
        var end = line + 1 < file.LineCount ? file.GetOffset(line + 2, 0) - 1 : file.Text.Length;
        // In long arithmetic: clients send int.MaxValue for "end of line", which would overflow an int sum.
        return (int)Math.Clamp((long)start + Math.Max(0, position.Character), start, Math.Max(start, end));
    }
}
