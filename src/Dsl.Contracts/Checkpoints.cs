namespace Scheme.Contracts;

/// <summary>The providers a checkpoint may run with, defined once.</summary>
public static class ProviderKinds
{
    public const string OpenAi = "openai";
    public const string Simulated = "simulated";
    public const string Replay = "replay";

    /// <summary>What a checkpoint may declare (replay is chosen at run time with --replay DIR).</summary>
    public static IReadOnlyList<string> Declarable { get; } = [OpenAi, Simulated];
}

/// <summary>What a checkpoint's endpoint can do, as checkpoints declare it in <c>capabilities: [...]</c>.</summary>
public static class Capabilities
{
    public const string Tools = "tools";
    public const string Reasoning = "reasoning";

    /// <summary>The endpoint continues a final assistant message (vLLM's continue_final_message): reasoning edits need it.</summary>
    public const string ReasoningPrefill = "reasoning_prefill";

    public const string Logprobs = "logprobs";

    /// <summary>
    /// The endpoint serves the raw completions API (<c>/v1/completions</c>) with a prompt the client renders itself, special
    /// tokens included (vLLM). A checkpoint of <c>reasoning_format: harmony</c> sends every request there.
    /// </summary>
    public const string RawCompletions = "raw_completions";

    public static IReadOnlyList<string> All { get; } = [ReasoningPrefill, Tools, Reasoning, Logprobs, RawCompletions];
}

/// <summary>The conditions every run has besides its manipulations.</summary>
public static class Conditions
{
    /// <summary>No manipulation; a run lists it like any condition, and no manipulation may take the name.</summary>
    public const string Baseline = "baseline";
}

/// <summary>What follows a reasoning edit (<c>then:</c>).</summary>
public static class ReasoningEditThen
{
    /// <summary>The model writes the rest of its reasoning again from the edit on.</summary>
    public const string Resample = "resample";

    /// <summary>The edited reasoning is kept whole; the model only continues after it.</summary>
    public const string Continue = "continue";

    public const string Default = Resample;

    public static IReadOnlyList<string> All { get; } = [Resample, Continue];
}
