namespace Scheme.Contracts;

/// <summary>
/// How a checkpoint's model writes its reasoning in its own chat format (<c>reasoning_format:</c>), defined once: the
/// compiler checks the property and its capability rules against this, the engine picks the request path from it.
/// </summary>
/// <param name="Name">The word a checkpoint writes.</param>
/// <param name="PrefillCapability">The capability that lets a reasoning edit continue the model's edited reasoning on
/// such a checkpoint: what a manipulation's <c>requires: reasoning_prefill</c> asks of it.</param>
/// <param name="Requires">Capabilities every request of such a checkpoint needs, reasoning edit or not.</param>
/// <param name="ReasoningEfforts">The reasoning efforts the format can express; null: whatever the endpoint accepts.</param>
/// <param name="ExposesReasoning">Whether the runtime reads the reasoning out of the model's output itself, so the
/// checkpoint has it whether or not it declares capability reasoning.</param>
public sealed record ReasoningFormat(
    string Name,
    string PrefillCapability,
    IReadOnlyList<string> Requires,
    IReadOnlyList<string>? ReasoningEfforts,
    bool ExposesReasoning,
    string Description);

public static class ReasoningFormats
{
    /// <summary>
    /// Reasoning between &lt;think&gt; and &lt;/think&gt; at the start of the assistant message (DeepSeek-R1, Qwen3, QwQ).
    /// Requests go through chat completions; the server returns the reasoning beside the content, and a reasoning edit
    /// is continued with vLLM's continue_final_message. The default.
    /// </summary>
    public static ReasoningFormat Think { get; } = new("think", Capabilities.ReasoningPrefill, [], null, false,
        "<think> tags through chat completions (DeepSeek-R1, Qwen3)");

    /// <summary>
    /// OpenAI's Harmony format (gpt-oss): reasoning in the analysis channel. Every request is rendered to a Harmony prompt
    /// and sent to the raw completions endpoint; a reasoning edit ends that prompt inside the analysis message.
    /// </summary>
    public static ReasoningFormat Harmony { get; } = new("harmony", Capabilities.RawCompletions, [Capabilities.RawCompletions],
        ["low", "medium", "high"], true, "Harmony through /v1/completions (gpt-oss)");

    public static ReasoningFormat Default => Think;

    public static IReadOnlyList<ReasoningFormat> All { get; } = [Think, Harmony];

    public static IReadOnlyList<string> Names { get; } = [.. All.Select(f => f.Name)];

    /// <summary>The format of that name; null (not declared) is the default, an unknown name is null.</summary>
    public static ReasoningFormat? Find(string? name) => name is null ? Default : All.FirstOrDefault(f => f.Name == name);

    /// <summary>
    /// The capability a checkpoint of this format must declare to meet a requirement: reasoning_prefill means whatever
    /// continues the model's reasoning in its format (raw_completions for harmony), every other capability itself.
    /// </summary>
    public static string Meeting(this ReasoningFormat format, string required) =>
        required == Capabilities.ReasoningPrefill ? format.PrefillCapability : required;
}
