namespace Scheme.Model;

/// <summary>
/// A model judge used by a detector, follow-up, metric or reasoning edit. The runtime asks the judge
/// checkpoint before the predicate runs and stores the verdict under <see cref="Id"/>.
/// </summary>
/// <param name="Owner">What the judge grades for, as the compiler resolved it; it decides when the judge is asked.</param>
/// <param name="Rubric">The rubric's text, embedded at compile time so the runner needs no source tree.</param>
/// <param name="Target">What the judge reads; null means the whole transcript.</param>
public sealed record JudgeDefinition(
    string Id,
    JudgeOwner Owner,
    string Checkpoint,
    string? Question,
    string? Rubric,
    string? RubricPath,
    Func<Transcript, string>? Target);

/// <summary>What a judge belongs to.</summary>
public enum JudgeOwnerKind
{
    /// <summary>A detector (outcome) of an environment: asked after each episode of that environment.</summary>
    Detector,

    /// <summary>The grader of a follow-up: asked after the answer to that follow-up.</summary>
    Followup,

    /// <summary>A metric: asked for every unit the metric counts.</summary>
    Metric,

    /// <summary>The sentence predicate of a reasoning edit: asked by the manipulation, per sentence.</summary>
    ReasoningEdit,
}

/// <param name="Name">The outcome, the follow-up's outcome, the metric or the manipulation.</param>
/// <param name="Environment">For detectors and follow-ups: their environment.</param>
public sealed record JudgeOwner(JudgeOwnerKind Kind, string Name, string? Environment = null);
