using System.Text.Json;
using Scheme.Compiler.Syntax;
using Scheme.LanguageServer.Features;
using Scheme.LanguageServer.Protocol;
using Scheme.LanguageServer.Workspace;
using StreamJsonRpc;

namespace Scheme.LanguageServer.Server;

/// <summary>
/// The LSP methods the server answers. Each request reads the latest check of the document's project (checking first if
/// a document changed since), so answers always match the text the client has. A request that fails answers with a
/// JSON-RPC error; nothing a client sends ends the server but <c>exit</c>.
/// </summary>
public sealed class SchemeLanguageServer
{
    private readonly DocumentStore _documents = new();
    private readonly Analyzer _analyzer;
    private readonly Navigation _navigation;
    private readonly Func<string, object, Task> _notify;
    private readonly Dictionary<string, HashSet<string>> _published = new(StringComparer.Ordinal);
    private readonly Lock _publishLock = new();
    private readonly TaskCompletionSource _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TimeSpan _debounce = TimeSpan.FromMilliseconds(200);
    private bool _shutdown;

    /// <param name="notify">Sends a notification to the client (method, parameters).</param>
    public SchemeLanguageServer(Func<string, object, Task> notify)
    {
        _notify = notify;
        _analyzer = new Analyzer(_documents, PublishAsync);
        _navigation = new Navigation(UriOf);
    }

    public Analyzer Analyzer => _analyzer;

    /// <summary>Completes when the client sends <c>exit</c>; the exit code is 0 after a <c>shutdown</c>, else 1, as LSP asks.</summary>
    public Task Exited => _exited.Task;

    public int ExitCode => _shutdown ? 0 : 1;

    [JsonRpcMethod("initialize", UseSingleObjectParameterDeserialization = true)]
    public InitializeResult Initialize(JsonElement parameters)
    {
        if (parameters.ValueKind == JsonValueKind.Object && parameters.TryGetProperty("initializationOptions", out var options)
            && options.ValueKind == JsonValueKind.Object && options.TryGetProperty("debounceMilliseconds", out var debounce)
            && debounce.TryGetInt32(out var milliseconds))
        {
            _debounce = TimeSpan.FromMilliseconds(Math.Clamp(milliseconds, 0, 10_000));
        }
        return new InitializeResult(new ServerCapabilities
        {
            TextDocumentSync = new TextDocumentSyncOptions(true, 2, new SaveOptions(false)),
            CompletionProvider = new CompletionOptions([".", "[", "{", ":", " ", "("]),
            SemanticTokensProvider = new SemanticTokensOptions(
                new SemanticTokensLegend(SemanticTokensProvider.TokenTypes, SemanticTokensProvider.TokenModifiers), Full: true),
            DocumentFormattingProvider = DocumentFormatter.Available,
        }, new ServerInfo("scheme", typeof(SchemeLanguageServer).Assembly.GetName().Version?.ToString() ?? "0"));
    }

    [JsonRpcMethod("initialized")]
    public void Initialized()
    {
    }

    [JsonRpcMethod("shutdown")]
    public object? Shutdown()
    {
        _shutdown = true;
        return null;
    }

    [JsonRpcMethod("exit")]
    public void Exit() => _exited.TrySetResult();

    /// <summary>What <see cref="ValidatingInputStream"/> turns a request that is no JSON-RPC request into: its error answer.</summary>
    [JsonRpcMethod(ValidatingInputStream.InvalidRequestMethod, UseSingleObjectParameterDeserialization = true)]
    public void InvalidRequest(JsonElement parameters) =>
        throw new LocalRpcException(parameters.TryGetProperty("reason", out var reason) ? reason.GetString() : "Invalid request.") { ErrorCode = ErrorCodes.InvalidRequest };

    [JsonRpcMethod("textDocument/didOpen", UseSingleObjectParameterDeserialization = true)]
    public void DidOpen(DidOpenTextDocumentParams parameters)
    {
        if (DocumentUris.ToPath(parameters.TextDocument.Uri) is { } path)
        {
            _documents.Open(parameters.TextDocument.Uri, path, parameters.TextDocument.Version, parameters.TextDocument.Text ?? "");
            _analyzer.Schedule(path, TimeSpan.Zero);
        }
    }

    [JsonRpcMethod("textDocument/didChange", UseSingleObjectParameterDeserialization = true)]
    public void DidChange(DidChangeTextDocumentParams parameters)
    {
        if (DocumentUris.ToPath(parameters.TextDocument.Uri) is { } path
            && _documents.Change(path, parameters.TextDocument.Version, parameters.ContentChanges ?? []) is not null)
        {
            _analyzer.Schedule(path, _debounce);
        }
    }

    [JsonRpcMethod("textDocument/didSave", UseSingleObjectParameterDeserialization = true)]
    public void DidSave(DidSaveTextDocumentParams parameters)
    {
        if (DocumentUris.ToPath(parameters.TextDocument.Uri) is { } path)
        {
            _analyzer.Schedule(path, TimeSpan.Zero);
        }
    }

    [JsonRpcMethod("textDocument/didClose", UseSingleObjectParameterDeserialization = true)]
    public void DidClose(DidCloseTextDocumentParams parameters)
    {
        if (DocumentUris.ToPath(parameters.TextDocument.Uri) is { } path)
        {
            _documents.Close(path);
            // The file on disk is what the project holds now.
            _analyzer.Schedule(path, TimeSpan.Zero);
        }
    }

    [JsonRpcMethod("textDocument/hover", UseSingleObjectParameterDeserialization = true)]
    public async Task<Hover?> HoverAsync(TextDocumentPositionParams parameters, CancellationToken cancellation) =>
        await AtAsync(parameters, (snapshot, unit, offset) => HoverProvider.Hover(snapshot, unit, offset), cancellation);

    [JsonRpcMethod("textDocument/definition", UseSingleObjectParameterDeserialization = true)]
    public async Task<Location[]> DefinitionAsync(TextDocumentPositionParams parameters, CancellationToken cancellation) =>
        await AtAsync(parameters, (snapshot, unit, offset) => _navigation.Definition(snapshot, unit, offset), cancellation) ?? [];

    [JsonRpcMethod("textDocument/references", UseSingleObjectParameterDeserialization = true)]
    public async Task<Location[]> ReferencesAsync(ReferenceParams parameters, CancellationToken cancellation) =>
        await AtAsync(parameters, (snapshot, unit, offset) =>
            _navigation.References(snapshot, unit, offset, parameters.Context?.IncludeDeclaration ?? true), cancellation) ?? [];

    [JsonRpcMethod("textDocument/prepareRename", UseSingleObjectParameterDeserialization = true)]
    public async Task<PrepareRenameResult?> PrepareRenameAsync(TextDocumentPositionParams parameters, CancellationToken cancellation)
    {
        var (result, refusal) = await AtAsync(parameters, (snapshot, unit, offset) => _navigation.PrepareRename(snapshot, unit, offset), cancellation);
        return result ?? throw Refuse(refusal ?? "There is no name here to rename.");
    }

    [JsonRpcMethod("textDocument/rename", UseSingleObjectParameterDeserialization = true)]
    public async Task<WorkspaceEdit> RenameAsync(RenameParams parameters, CancellationToken cancellation)
    {
        var (edit, refusal) = await AtAsync(parameters, (snapshot, unit, offset) => _navigation.Rename(snapshot, unit, offset, parameters.NewName ?? ""), cancellation);
        return edit ?? throw Refuse(refusal ?? "There is no name here to rename.");
    }

    [JsonRpcMethod("textDocument/completion", UseSingleObjectParameterDeserialization = true)]
    public async Task<CompletionList> CompletionAsync(TextDocumentPositionParams parameters, CancellationToken cancellation)
    {
        if (PathOf(parameters.TextDocument) is not { } path || parameters.Position is null)
        {
            return new CompletionList(false, []);
        }
        var snapshot = await _analyzer.SnapshotAsync(path, cancellation);
        var text = Scheme.Compiler.Text.FileReader.NormalizeLineBreaks(_documents.Get(path)?.Text ?? snapshot.Unit(path)?.File.Text ?? "");
        var offset = Positions.ToOffset(new Scheme.Compiler.Text.SourceFile(path, text, path), parameters.Position);
        return CompletionProvider.Complete(snapshot, path, text, offset);
    }

    [JsonRpcMethod("textDocument/documentSymbol", UseSingleObjectParameterDeserialization = true)]
    public async Task<DocumentSymbol[]> DocumentSymbolAsync(DocumentSymbolParams parameters, CancellationToken cancellation)
    {
        if (PathOf(parameters.TextDocument) is not { } path)
        {
            return [];
        }
        var snapshot = await _analyzer.SnapshotAsync(path, cancellation);
        return snapshot.Unit(path) is { } unit ? DocumentSymbols.Of(unit) : [];
    }

    [JsonRpcMethod("textDocument/semanticTokens/full", UseSingleObjectParameterDeserialization = true)]
    public async Task<SemanticTokens> SemanticTokensAsync(SemanticTokensParams parameters, CancellationToken cancellation)
    {
        if (PathOf(parameters.TextDocument) is not { } path)
        {
            return new SemanticTokens([]);
        }
        var snapshot = await _analyzer.SnapshotAsync(path, cancellation);
        return snapshot.Unit(path) is { } unit
            ? new SemanticTokens(SemanticTokensProvider.Encode(snapshot, unit.File, snapshot.Index(unit)))
            : new SemanticTokens([]);
    }

    [JsonRpcMethod("textDocument/formatting", UseSingleObjectParameterDeserialization = true)]
    public TextEdit[] Formatting(DocumentFormattingParams parameters)
    {
        var document = (PathOf(parameters.TextDocument) is { } path ? _documents.Get(path) : null)
            ?? throw Refuse("Only an open document of a file can be formatted.");
        var (edits, refusal) = DocumentFormatter.Format(document.Text, document.FullPath);
        return edits ?? throw Refuse(refusal!);
    }

    private async Task<T?> AtAsync<T>(TextDocumentPositionParams parameters, Func<Snapshot, CompilationUnitSyntax, int, T> answer, CancellationToken cancellation)
    {
        if (PathOf(parameters.TextDocument) is not { } path || parameters.Position is null)
        {
            return default;
        }
        var snapshot = await _analyzer.SnapshotAsync(path, cancellation);
        if (snapshot.Unit(path) is not { } unit)
        {
            return default;
        }
        return answer(snapshot, unit, Positions.ToOffset(unit.File, parameters.Position));
    }

    /// <summary>The file of a document; null for one that is no file (an untitled buffer), which has no project to check.</summary>
    private static string? PathOf(TextDocumentIdentifier? document) => DocumentUris.ToPath(document?.Uri);

    private static LocalRpcException Refuse(string message) => new(message) { ErrorCode = ErrorCodes.RequestFailed };

    /// <summary>The URI the client opened a file under, else the file: URI of its path.</summary>
    private string UriOf(string fullPath) => _documents.Get(fullPath)?.Uri ?? DocumentUris.FromPath(fullPath);

    /// <summary>Publishes a check: every file of it, and an empty list for files that had diagnostics before and are no longer checked.</summary>
    private async Task PublishAsync(Snapshot snapshot)
    {
        var files = snapshot.Units.Select(u => u.File.FullPath)
            .Concat(_documents.All.Select(d => d.FullPath).Where(snapshot.Project.Contains))
            .Distinct(StringComparer.Ordinal).ToList();
        var key = snapshot.Project.SingleFile ?? snapshot.Project.Root;
        List<string> cleared;
        lock (_publishLock)
        {
            var before = _published.GetValueOrDefault(key) ?? [];
            cleared = before.Where(f => !files.Contains(f)).ToList();
            _published[key] = [.. files];
        }
        foreach (var file in files)
        {
            await _notify("textDocument/publishDiagnostics", new PublishDiagnosticsParams(UriOf(file),
                snapshot.Versions.TryGetValue(file, out var version) ? version : null, DiagnosticConverter.Convert(snapshot, file)));
        }
        foreach (var file in cleared)
        {
            await _notify("textDocument/publishDiagnostics", new PublishDiagnosticsParams(UriOf(file), null, []));
        }
    }
}
