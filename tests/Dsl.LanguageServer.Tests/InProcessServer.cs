using System.Collections.Concurrent;
using Scheme.LanguageServer.Protocol;
using Scheme.LanguageServer.Server;

namespace Scheme.LanguageServer.Tests;

/// <summary>The server's handlers called in process, with the notifications it sends collected.</summary>
internal sealed class InProcessServer
{
    public InProcessServer() =>
        Server = new SchemeLanguageServer((method, parameters) =>
        {
            if (parameters is PublishDiagnosticsParams published)
            {
                Published.Enqueue(published);
            }
            return Task.CompletedTask;
        });

    public SchemeLanguageServer Server { get; }

    public ConcurrentQueue<PublishDiagnosticsParams> Published { get; } = new();

    public static string Uri(string path) => new Uri(path).AbsoluteUri;

    public void Open(string path, string text, int version = 1) =>
        Server.DidOpen(new DidOpenTextDocumentParams(new TextDocumentItem(Uri(path), "scheme", version, text)));

    public void Replace(string path, string text, int version) =>
        Server.DidChange(new DidChangeTextDocumentParams(new VersionedTextDocumentIdentifier(Uri(path), version), [new TextDocumentContentChangeEvent(null, text)]));

    public static TextDocumentPositionParams At(string path, string text, int offset)
    {
        var line = text[..offset].Count(c => c == '\n');
        var character = offset - (text.LastIndexOf('\n', Math.Max(0, offset - 1)) + 1);
        return new TextDocumentPositionParams(new TextDocumentIdentifier(Uri(path)), new Position(line, offset > 0 && text[offset - 1] == '\n' ? 0 : character));
    }

    /// <summary>A text with a cursor marked by '|': the text without it, and the cursor's offset.</summary>
    public static (string Text, int Offset) Cursor(string marked)
    {
        var offset = marked.IndexOf('|', StringComparison.Ordinal);
        Assert.True(offset >= 0, "no cursor '|' in the text");
        return (marked.Remove(offset, 1), offset);
    }
}
