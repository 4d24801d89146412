using Scheme.Engine.Providers;

namespace Scheme.Engine.Grading;

/// <summary>
/// One recorded judgement: which judge, on which checkpoint and model, with which seed, what it answered and
/// what that was read as. Stored with the transcript so that a verdict can be audited and re-graded.
/// </summary>
/// <param name="Model">The judge checkpoint's model, which the verdict is priced by.</param>
/// <param name="AnsweredBy">The model as the endpoint reported it (a dated snapshot), when it did.</param>
/// <param name="Attempts">How many answers were needed to get a parsable one (1 when the first was).</param>
public sealed record JudgeVerdict(string Id, string Checkpoint, string Model, string? AnsweredBy, long? Seed, bool Verdict, string Answer, int Attempts, TokenUsage Usage);

/// <summary>A judge that gave no parsable verdict in all its attempts: the unit is recorded as failed with this error.</summary>
public sealed class JudgeVerdictException(string message) : Exception(message);
