using System.Text.Json.Serialization;

namespace Scheme.LanguageServer.Protocol;

// The LSP 3.17 structures this server reads and writes, by hand and only as far as it uses them. Property names are
// the specification's (the serializer camel-cases them); absent optional fields are left out of what is written.

/// <summary>A zero-based line and a character offset in UTF-16 code units, the LSP default encoding.</summary>
public sealed record Position(int Line, int Character);

public sealed record Range(Position Start, Position End);

public sealed record Location(string Uri, Range Range);

public sealed record TextDocumentIdentifier(string Uri);

public sealed record VersionedTextDocumentIdentifier(string Uri, int Version);

public sealed record TextDocumentItem(string Uri, string LanguageId, int Version, string Text);

public record TextDocumentPositionParams(TextDocumentIdentifier TextDocument, Position Position);

public sealed record MarkupContent(string Kind, string Value)
{
    public static MarkupContent Markdown(string value) => new("markdown", value);
}

public sealed record TextEdit(Range Range, string NewText);

public sealed record WorkspaceEdit(Dictionary<string, TextEdit[]> Changes);

/// <summary>The body of a JSON-RPC error answer the client shows, e.g. a refused rename.</summary>
public static class ErrorCodes
{
    public const int InvalidRequest = -32600;
    public const int InvalidParams = -32602;
    public const int RequestFailed = -32803;
}

public sealed record ServerInfo(string Name, string Version);

public sealed record InitializeResult(ServerCapabilities Capabilities, ServerInfo ServerInfo);

public sealed record ServerCapabilities
{
    public required TextDocumentSyncOptions TextDocumentSync { get; init; }
    public bool HoverProvider { get; init; } = true;
    public bool DefinitionProvider { get; init; } = true;
    public bool ReferencesProvider { get; init; } = true;
    public bool DocumentSymbolProvider { get; init; } = true;
    public bool DocumentFormattingProvider { get; init; }
    public required CompletionOptions CompletionProvider { get; init; }
    public RenameOptions RenameProvider { get; init; } = new(true);
    public required SemanticTokensOptions SemanticTokensProvider { get; init; }
}

/// <param name="Change">2: incremental, the client sends only the changed ranges.</param>
public sealed record TextDocumentSyncOptions(bool OpenClose, int Change, SaveOptions Save);

public sealed record SaveOptions(bool IncludeText);

public sealed record CompletionOptions(string[] TriggerCharacters);

public sealed record RenameOptions(bool PrepareProvider);

public sealed record SemanticTokensOptions(SemanticTokensLegend Legend, bool Full, bool Range = false);

public sealed record SemanticTokensLegend(string[] TokenTypes, string[] TokenModifiers);

/// <summary>Where an open editor stands: the client's initialize options this server reads.</summary>
public sealed record InitializationOptions
{
    /// <summary>How long to wait after a keystroke before checking, so typing does not queue a check per character.</summary>
    [JsonPropertyName("debounceMilliseconds")]
    public int? DebounceMilliseconds { get; init; }
}
