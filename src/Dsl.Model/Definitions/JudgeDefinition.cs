namespace Scheme.Model;

/// <summary>
/// A model judge used by a detector, follow-up, metric or reasoning edit. The runtime asks the judge
/// checkpoint before the predicate runs and stores the verdict under <see cref="Id"/>.
/// </summary>
/// <param name="Rubric">The rubric's text, embedded at compile time so the runner needs no source tree.</param>
/// <param name="Target">What the judge reads; null means the whole transcript.</param>
public sealed record JudgeDefinition(
    string Id,
    string Checkpoint,
    string? Question,
    string? Rubric,
    string? RubricPath,
    Func<Transcript, string>? Target);
