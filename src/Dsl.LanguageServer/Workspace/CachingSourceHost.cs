using Scheme.Compiler;
using Scheme.Compiler.Diagnostics;
using Scheme.Compiler.Syntax;
using Scheme.Compiler.Text;

namespace Scheme.LanguageServer.Workspace;

/// <summary>
/// Reads open buffers before the disk, and reuses the parse of a file whose path and text are unchanged since the last
/// check (its syntax errors are replayed), so re-checking after a keystroke parses the edited file only. Used by one
/// check at a time.
/// </summary>
public sealed class CachingSourceHost(DocumentStore documents) : SourceHost
{
    private sealed record Entry(string Path, string Text, CompilationUnitSyntax Unit, IReadOnlyList<Diagnostic> Diagnostics);

    private readonly Dictionary<string, Entry> _parses = new(StringComparer.Ordinal);

    /// <summary>Files parsed (not reused) since the counter was last read: what an edit cost, for tests and the benchmark.</summary>
    public int ParsedCount { get; private set; }

    public int TakeParsedCount()
    {
        var count = ParsedCount;
        ParsedCount = 0;
        return count;
    }

    public override bool TryRead(string fullPath, out string text, out string reason)
    {
        if (documents.Get(fullPath) is { } open)
        {
            text = FileReader.NormalizeLineBreaks(open.Text);
            reason = "";
            return true;
        }
        return base.TryRead(fullPath, out text, out reason);
    }

    public override CompilationUnitSyntax Parse(SourceFile file, DiagnosticBag diagnostics)
    {
        if (_parses.TryGetValue(file.FullPath, out var entry) && entry.Path == file.Path && string.Equals(entry.Text, file.Text, StringComparison.Ordinal))
        {
            foreach (var diagnostic in entry.Diagnostics)
            {
                diagnostics.Add(diagnostic);
            }
            return entry.Unit;
        }
        ParsedCount++;
        var own = new DiagnosticBag();
        var unit = base.Parse(file, own);
        var reported = own.ToSortedList();
        foreach (var diagnostic in reported)
        {
            diagnostics.Add(diagnostic);
        }
        _parses[file.FullPath] = new Entry(file.Path, file.Text, unit, reported);
        return unit;
    }

    /// <summary>Forgets files no longer part of any check, so a long session does not keep every file it ever saw.</summary>
    public void Retain(IEnumerable<string> fullPaths)
    {
        var keep = fullPaths.ToHashSet(StringComparer.Ordinal);
        foreach (var path in _parses.Keys.Where(p => !keep.Contains(p)).ToList())
        {
            _parses.Remove(path);
        }
    }
}
