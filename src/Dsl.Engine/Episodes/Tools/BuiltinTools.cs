using Scheme.Contracts;
using Scheme.Model;

namespace Scheme.Engine.Episodes;

/// <summary>
/// The implementations of the built-in tools (<see cref="BuiltinToolCatalog"/> defines their names, signatures and
/// descriptions, for the compiler and for this engine alike), acting on the unit's <see cref="Workspace"/>. Each
/// returns the text the model sees; mistakes (missing file, bad path, missing argument) come back as text too, as
/// they would from a real shell, so a model's error never aborts the episode.
/// </summary>
public static class BuiltinTools
{
    private const string ReadFile = BuiltinToolCatalog.ReadFile;
    private const string WriteFile = BuiltinToolCatalog.WriteFile;
    private const string ListFiles = BuiltinToolCatalog.ListFiles;
    private const string SearchFiles = BuiltinToolCatalog.SearchFiles;
    private const string DeleteFile = BuiltinToolCatalog.DeleteFile;
    private const string CopyFile = BuiltinToolCatalog.CopyFile;
    private const string MoveFile = BuiltinToolCatalog.MoveFile;
    private const string SendEmail = BuiltinToolCatalog.SendEmail;
    private const string Submit = BuiltinToolCatalog.Submit;

    /// <summary>
    /// The definition to offer the model for a declared built-in tool: the compiler emits it whole from the catalog;
    /// a definition built by hand (an engine test, a runner built another way) may leave the signature or description
    /// out, and those come from the same catalog. Nothing the declaration states is replaced.
    /// </summary>
    public static ToolDefinition Complete(ToolDefinition declared)
    {
        if (!declared.IsBuiltin || BuiltinToolCatalog.Find(declared.Name) is not { } catalog)
        {
            return declared;
        }
        return declared with
        {
            Parameters = declared.Parameters.Count > 0
                ? declared.Parameters.Select(p => p.Description is null && catalog.Arguments.FirstOrDefault(a => a.Name == p.Name)?.Description is { } d
                    ? p with { Description = d } : p).ToList()
                : catalog.Arguments.Select(a => new ToolParameter(a.Name, a.Type, a.Description)).ToList(),
            Description = declared.Description ?? catalog.Description,
        };
    }

    public static ToolResult Execute(IWorkspace workspace, ToolCall call) => call.Tool switch
    {
        ReadFile => WithPath(workspace, call, "path", path => workspace.Read(path) is { } content
            ? new ToolResult(content)
            : new ToolResult(workspace.DirectoryExists(path) ? $"Is a directory: {path}" : $"No such file: {path}")),
        WriteFile => WithPath(workspace, call, "path", path => Argument(call, "content", out var content, out var missing)
            ? Write(workspace, path, content)
            : missing),
        ListFiles => List(workspace, call),
        SearchFiles => Search(workspace, call),
        DeleteFile => WithPath(workspace, call, "path", path => workspace.Delete(path)
            ? new ToolResult($"Deleted {path}")
            : new ToolResult($"No such file: {path}")),
        CopyFile => Transfer(workspace, call, move: false),
        MoveFile => Transfer(workspace, call, move: true),
        SendEmail => SendMail(workspace, call),
        Submit => SubmitAnswer(workspace, call),
        _ => new ToolResult($"Unknown tool: {call.Tool}"),
    };

    private static ToolResult List(IWorkspace workspace, ToolCall call)
    {
        // The directory is optional: models often call list_files() to look around.
        var directory = call.Arguments.GetValueOrDefault("directory") ?? call.Arguments.GetValueOrDefault("path") ?? ".";
        if (!workspace.TryResolve(string.IsNullOrWhiteSpace(directory) ? "." : directory, out var path, out var error))
        {
            return new ToolResult(error);
        }
        if (workspace.FileExists(path))
        {
            return new ToolResult(path);
        }
        if (!workspace.DirectoryExists(path))
        {
            return new ToolResult($"No such directory: {directory}");
        }
        var files = workspace.List(path);
        return new ToolResult(files.Count == 0 ? "(no files)" : string.Join('\n', files));
    }

    /// <summary>
    /// Every line of every file that contains the text, found by ordinal (plain, case-sensitive) search: the model's
    /// text is never a pattern, so no argument can make the search backtrack, and it takes one pass over the workspace,
    /// whose size its limits bound. The answer is bounded apart from that: at most
    /// <see cref="BuiltinToolCatalog.SearchMaxMatches"/> lines, each cut around the match, then how many matched.
    /// </summary>
    private static ToolResult Search(IWorkspace workspace, ToolCall call)
    {
        if (!Argument(call, "text", out var text, out var missing))
        {
            return missing;
        }
        if (text.Length == 0)
        {
            return new ToolResult("The text to search for is empty.");
        }
        if (text.IndexOfAny(['\n', '\r']) >= 0)
        {
            return new ToolResult("The text to search for has a line break; search_files finds text within one line.");
        }
        var shown = new List<string>();
        var matches = 0;
        foreach (var path in workspace.List(""))
        {
            var content = workspace.Read(path)!;
            int line = 1, lineStart = 0;
            for (var at = content.IndexOf(text, StringComparison.Ordinal); at >= 0;)
            {
                for (var newline = content.IndexOf('\n', lineStart); newline >= 0 && newline < at; newline = content.IndexOf('\n', lineStart))
                {
                    line++;
                    lineStart = newline + 1;
                }
                var lineEnd = content.IndexOf('\n', at) is var end and >= 0 ? end : content.Length;
                matches++;
                if (shown.Count < BuiltinToolCatalog.SearchMaxMatches)
                {
                    shown.Add($"{path}:{line}: {Excerpt(content, lineStart, lineEnd, at)}");
                }
                // One answer per line: the search goes on after this line's end.
                at = lineEnd < content.Length ? content.IndexOf(text, lineEnd + 1, StringComparison.Ordinal) : -1;
            }
        }
        if (matches > shown.Count)
        {
            shown.Add($"[{matches} lines match; the first {shown.Count} are shown. Search for a longer text to narrow them down.]");
        }
        return new ToolResult(matches == 0 ? "No matches." : string.Join('\n', shown));
    }

    /// <summary>
    /// The line from <paramref name="start"/> to <paramref name="end"/> (without a closing \r), or, past
    /// <see cref="BuiltinToolCatalog.SearchMaxLineLength"/> characters, that many starting a little before the match,
    /// with "..." where it was cut (never inside a surrogate pair, which would not be text).
    /// </summary>
    private static string Excerpt(string content, int start, int end, int match)
    {
        if (end > start && content[end - 1] == '\r')
        {
            end--;
        }
        var max = BuiltinToolCatalog.SearchMaxLineLength;
        if (end - start <= max)
        {
            return content[start..end];
        }
        var from = Math.Clamp(match - max / 4, start, end - max);
        var to = from + max;
        if (char.IsLowSurrogate(content[from]))
        {
            from++;
        }
        if (char.IsHighSurrogate(content[to - 1]))
        {
            to--;
        }
        return (from > start ? "..." : "") + content[from..to] + (to < end ? "..." : "");
    }

    private static ToolResult Write(IWorkspace workspace, string path, string content)
    {
        if (Conflict(workspace, path) is { } conflict)
        {
            return conflict;
        }
        return workspace.TryWrite(path, content, out var refusal)
            ? new ToolResult($"Wrote {content.Length} characters to {path}")
            : ToolResult.From(refusal!);
    }

    private static ToolResult Transfer(IWorkspace workspace, ToolCall call, bool move) =>
        WithPath(workspace, call, "source", source => WithPath(workspace, call, "destination", destination =>
        {
            if (workspace.Read(source) is not { } content)
            {
                return new ToolResult($"No such file: {source}");
            }
            if (Conflict(workspace, destination) is { } conflict)
            {
                return conflict;
            }
            if (source != destination && !workspace.TryWrite(destination, content, out var refusal))
            {
                return ToolResult.From(refusal!);
            }
            if (move && source != destination)
            {
                workspace.Delete(source);
            }
            return new ToolResult($"{(move ? "Moved" : "Copied")} {source} to {destination}");
        }));

    /// <summary>A file cannot share its path with a directory, nor lie under a file, as on a real disk.</summary>
    private static ToolResult? Conflict(IWorkspace workspace, string path)
    {
        if (path.Length == 0 || workspace.DirectoryExists(path))
        {
            return new ToolResult($"Is a directory: {(path.Length == 0 ? "." : path)}");
        }
        var slash = path.LastIndexOf('/');
        while (slash > 0)
        {
            var parent = path[..slash];
            if (workspace.FileExists(parent))
            {
                return new ToolResult($"Not a directory: {parent}");
            }
            slash = parent.LastIndexOf('/');
        }
        return null;
    }

    private static ToolResult SendMail(IWorkspace workspace, ToolCall call)
    {
        if (!Argument(call, "to", out var to, out var missing))
        {
            return missing;
        }
        var subject = call.Arguments.GetValueOrDefault("subject") ?? "";
        var body = call.Arguments.GetValueOrDefault("body") ?? "";
        return workspace.TrySend(new Email(to, subject, body), out var refusal)
            ? new ToolResult($"Email sent to {to}")
            : ToolResult.From(refusal!);
    }

    /// <summary>Submit takes whatever arguments the environment declared; the episode ends with it (<see cref="IWorkspace.IsSubmitted"/>).</summary>
    private static ToolResult SubmitAnswer(IWorkspace workspace, ToolCall call)
    {
        workspace.Submit(call.Arguments);
        return new ToolResult("Submitted.");
    }

    private static ToolResult WithPath(IWorkspace workspace, ToolCall call, string argument, Func<string, ToolResult> action)
    {
        if (!Argument(call, argument, out var raw, out var missing))
        {
            return missing;
        }
        return workspace.TryResolve(raw, out var path, out var error) ? action(path) : new ToolResult(error);
    }

    private static bool Argument(ToolCall call, string name, out string value, out ToolResult missing)
    {
        if (call.Arguments.TryGetValue(name, out var found))
        {
            value = found;
            missing = null!;
            return true;
        }
        value = "";
        missing = new ToolResult($"Missing argument '{name}' for {call.Tool}.");
        return false;
    }
}
