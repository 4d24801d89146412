namespace Scheme.Model;

/// <param name="Then">After a reasoning edit: resample the continuation, or continue from the edit.</param>
/// <param name="Requires">Checkpoint capabilities this manipulation needs (reasoning_prefill).</param>
public sealed record ManipulationDefinition(
    string Name,
    IReadOnlyList<PromptEdit> System,
    IReadOnlyList<PromptEdit> User,
    ReasoningEdit? Reasoning,
    string? Then,
    IReadOnlyList<string> Requires);

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
