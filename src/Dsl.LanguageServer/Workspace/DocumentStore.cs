using Scheme.Compiler.Text;
using Scheme.LanguageServer.Protocol;

namespace Scheme.LanguageServer.Workspace;

/// <summary>An editor buffer: its text as the client has it, unsaved edits included, and the client's version.</summary>
public sealed record OpenDocument(string Uri, string FullPath, int Version, string Text);

/// <summary>
/// The documents the client has open. Their text wins over the file on disk for every check, including when another
/// file imports them. Thread-safe: notifications arrive on the JSON-RPC thread while checks read on their own.
/// </summary>
public sealed class DocumentStore
{
    private readonly Dictionary<string, OpenDocument> _documents = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    public OpenDocument? Get(string fullPath)
    {
        lock (_lock)
        {
            return _documents.GetValueOrDefault(fullPath);
        }
    }

    public IReadOnlyList<OpenDocument> All
    {
        get
        {
            lock (_lock)
            {
                return [.. _documents.Values];
            }
        }
    }

    public void Open(string uri, string fullPath, int version, string text)
    {
        lock (_lock)
        {
            _documents[fullPath] = new OpenDocument(uri, fullPath, version, text);
        }
    }

    public void Close(string fullPath)
    {
        lock (_lock)
        {
            _documents.Remove(fullPath);
        }
    }

    /// <summary>Applies the client's changes in order; a change without a range replaces the whole text.</summary>
    public OpenDocument? Change(string fullPath, int version, IEnumerable<TextDocumentContentChangeEvent> changes)
    {
        lock (_lock)
        {
            if (!_documents.TryGetValue(fullPath, out var document))
            {
                return null;
            }
            var text = document.Text;
            foreach (var change in changes)
            {
                text = change.Range is null ? change.Text : Apply(text, change.Range, change.Text);
            }
            return _documents[fullPath] = document with { Version = version, Text = text };
        }
    }

    private static string Apply(string text, Protocol.Range range, string newText)
    {
        var lines = new SourceFile("", text, "/");
        var start = Offset(lines, range.Start);
        var end = Math.Max(start, Offset(lines, range.End));
        return string.Concat(text.AsSpan(0, start), newText, text.AsSpan(end));
    }

    /// <summary>A position past the end of its line or of the text is clamped, as the specification asks.</summary>
    private static int Offset(SourceFile lines, Position position)
    {
        var line = Math.Clamp(position.Line, 0, lines.LineCount - 1);
        var start = lines.GetOffset(line + 1, 0);
        var next = line + 1 < lines.LineCount ? lines.GetOffset(line + 2, 0) : lines.Text.Length;
        var lineEnd = next;
        while (lineEnd > start && lines.Text[lineEnd - 1] is '\n' or '\r')
        {
            lineEnd--;
        }
        // In long arithmetic: clients send int.MaxValue for "end of line", which would overflow an int sum.
        return (int)Math.Min((long)start + Math.Max(0, position.Character), lineEnd);
    }
}
