namespace Scheme.Model;

/// <param name="Then">After a reasoning edit: resample the continuation, or continue from the edit.</param>
/// <param name="Requires">Checkpoint capabilities this manipulation needs (reasoning_prefill).</param>
/// <param name="Workspace">Files added to, replaced in or removed from the workspace a unit starts with, in order.</param>
public sealed record ManipulationDefinition(
    string Name,
    IReadOnlyList<PromptEdit> System,
    IReadOnlyList<PromptEdit> User,
    ReasoningEdit? Reasoning,
    string? Then,
    IReadOnlyList<string> Requires,
    IReadOnlyList<FileEdit>? Workspace = null);

public enum FileEditKind
{
    /// <summary>A new file; the path must not be in the workspace already.</summary>
    Add,
    /// <summary>New content for a file the workspace has.</summary>
    Replace,
    /// <summary>Takes a file out of the workspace.</summary>
    Remove,
}

/// <summary>
/// An edit of the workspace a unit starts with: <c>add_file</c>, <c>replace_file</c>, <c>remove_file</c>. The path and
/// the content are plain text (not templates), like the text of a prompt edit.
/// </summary>
public sealed record FileEdit(FileEditKind Kind, string Path, string? Content = null)
{
    public static FileEdit Add(string path, string content) => new(FileEditKind.Add, path, content);
    public static FileEdit Replace(string path, string content) => new(FileEditKind.Replace, path, content);
    public static FileEdit Remove(string path) => new(FileEditKind.Remove, path);
}

public enum PromptEditKind
{
    Prepend,
    Append,
    Replace,
    Remove,
}

/// <summary>An edit to a prompt: text, or a spec by name, put before or after it, replaced, or removed.</summary>
public sealed record PromptEdit(PromptEditKind Kind, string? Text, string? Spec = null, string? Replacement = null)
{
    public static PromptEdit Prepend(string text) => new(PromptEditKind.Prepend, text);
    public static PromptEdit PrependSpec(string spec) => new(PromptEditKind.Prepend, null, spec);
    public static PromptEdit Append(string text) => new(PromptEditKind.Append, text);
    public static PromptEdit AppendSpec(string spec) => new(PromptEditKind.Append, null, spec);
    public static PromptEdit Replace(string text, string replacement) => new(PromptEditKind.Replace, text, null, replacement);
    public static PromptEdit Remove(string text) => new(PromptEditKind.Remove, text);
    public static PromptEdit RemoveSpec(string spec) => new(PromptEditKind.Remove, null, spec);
}

/// <summary>An edit of the model's own reasoning: remove the sentences a predicate selects, or inject text.</summary>
public sealed record ReasoningEdit(Func<Transcript, bool>? RemoveWhere, string? Inject)
{
    public static ReasoningEdit RemoveSentences(Func<Transcript, bool> predicate) => new(predicate, null);
    public static ReasoningEdit InjectText(string text) => new(null, text);
}
