
namespace Scheme.Compiler.Text;

/// <summary>
/// The text of one .scheme file and its line table, so spans (character offsets) can be turned into the
/// 1-based line and column that MSBuild, editors and CI expect.
/// </summary>
public sealed class SourceFile
{
    private readonly int[] _lineStarts;

    /// <param name="fullPath">Where the file is on disk, to resolve imports and load() against; defaults to <paramref name="path"/> made absolute.</param>
    public SourceFile(string path, string text, string? fullPath = null)
    {
        Path = path;
        Text = text;
        FullPath = fullPath ?? System.IO.Path.GetFullPath(path);
        _lineStarts = ComputeLineStarts(text);
    }

    /// <summary>The path as given to the compiler; diagnostics and #line directives print it unchanged.</summary>
    public string Path { get; }

    public string FullPath { get; }

    public string Text { get; }

    public int LineCount => _lineStarts.Length;

    /// <summary>1-based line and column of a character offset; offsets past the end map to the end.</summary>
    public (int Line, int Column) GetLineColumn(int offset)
    {
        offset = Math.Clamp(offset, 0, Text.Length);
        var index = Array.BinarySearch(_lineStarts, offset);
        var line = index >= 0 ? index : ~index - 1;
        return (line + 1, offset - _lineStarts[line] + 1);
    }

    /// <summary>Character offset of a 1-based line and 0-based column as ANTLR reports them.</summary>
    public int GetOffset(int line, int column)
    {
        var lineIndex = Math.Clamp(line - 1, 0, _lineStarts.Length - 1);
        return Math.Min(_lineStarts[lineIndex] + Math.Max(0, column), Text.Length);
    }

    private static int[] ComputeLineStarts(string text)
    {
        var starts = new List<int> { 0 };
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
            {
                i++;
                starts.Add(i + 1);
            }
            else if (c is '\n' or '\r')
            {
                starts.Add(i + 1);
            }
        }
        return starts.ToArray();
    }
}
