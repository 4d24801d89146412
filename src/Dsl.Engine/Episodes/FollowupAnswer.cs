
namespace Scheme.Engine.Episodes;

/// <summary>A follow-up question, the model's answer, and the outcome it was graded into (null: indeterminate).</summary>
public sealed record FollowupAnswer(string Question, string Answer, string Outcome, bool? Value);
