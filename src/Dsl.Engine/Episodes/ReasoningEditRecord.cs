using Scheme.Model;

namespace Scheme.Engine.Episodes;

/// <summary>
/// What a reasoning manipulation did to one episode, stored with its transcript: the turn it edited, the
/// model's original reasoning and answer there, the edit, and what the model produced from the edited prefix.
/// </summary>
/// <param name="Applied">False when the episode had reasoning but no sentence was removed: the unit then ran
/// exactly as its baseline would, which the analysis can see here.</param>
/// <param name="Turn">The 1-based agent turn whose reasoning was edited; for an unapplied removal, the number of
/// turns whose reasoning was judged.</param>
/// <param name="ContinuationSeed">The seed of the continuation request (derived from the unit's seed).</param>
/// <param name="ContinuationReasoning">The reasoning the model wrote after the prefix; the turn's recorded
/// reasoning is <c>Edit.Prefix</c> followed by it.</param>
public sealed record ReasoningEditRecord(
    string Manipulation,
    bool Applied,
    int Turn,
    string? OriginalReasoning = null,
    string? OriginalContent = null,
    IReadOnlyList<ToolCallRequest>? OriginalToolCalls = null,
    ReasoningEditPlan? Edit = null,
    long? ContinuationSeed = null,
    string? ContinuationReasoning = null,
    string? ContinuationContent = null);

/// <summary>The endpoint refused to continue an edited reasoning: the unit fails rather than run as its baseline.</summary>
public sealed class ReasoningPrefillException(string message, Exception? inner = null) : Exception(message, inner);
