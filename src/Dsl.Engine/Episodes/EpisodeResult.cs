using Scheme.Engine.Design;
using Scheme.Engine.Grading;
using Scheme.Engine.Providers;
using Scheme.Model;

namespace Scheme.Engine.Episodes;

/// <summary>Everything one work unit produced: the conversation, its effects, and the graded outcomes.</summary>
/// <param name="Messages">The whole conversation, follow-up questions and answers included.</param>
/// <param name="Files">The workspace's final state, path to content.</param>
/// <param name="Outcomes">Environment outcomes, then follow-up outcomes, by name.</param>
/// <param name="Transcript">What the detectors read; not serialized (the rest is).</param>
/// <param name="Metrics">Per-unit values of the metrics that count this unit (see MetricDefinition); null for a metric of
/// the unit's environment that does not apply to this unit (its condition is false, or it reads a follow-up not asked).</param>
/// <param name="Verdicts">Judge verdicts asked for this unit, in the order they were asked (those of a reasoning
/// edit's sentence judges included).</param>
/// <param name="ReasoningEdit">What a reasoning manipulation did, for units of such a condition.</param>
/// <param name="Indeterminate">Outcomes that could not be decided (absent from <paramref name="Outcomes"/>), with why.</param>
/// <param name="Missing">Metrics that count this unit but have no value (absent from <paramref name="Metrics"/>):
/// not a finite number, or read from an indeterminate outcome.</param>
/// <param name="Limits">What the environment's limits refused or cut, in order.</param>
/// <param name="Changes">The workspace's final state as a change of the declared one.</param>
/// <param name="Commands">Every command run in the episode's sandbox, in order; null without a sandbox.</param>
public sealed record EpisodeResult(
    WorkUnit Unit,
    string Model,
    EpisodeEnd End,
    int Turns,
    IReadOnlyList<ChatMessage> Messages,
    IReadOnlyList<ToolCall> Calls,
    IReadOnlyDictionary<string, string> Files,
    IReadOnlyList<Email> Emails,
    IReadOnlyDictionary<string, string>? Submission,
    IReadOnlyList<FollowupAnswer> Followups,
    IReadOnlyDictionary<string, bool> Outcomes,
    TokenUsage Usage,
    TimeSpan Latency,
    Transcript Transcript,
    IReadOnlyDictionary<string, double?>? Metrics = null,
    IReadOnlyList<JudgeVerdict>? Verdicts = null,
    ReasoningEditRecord? ReasoningEdit = null,
    IReadOnlyDictionary<string, string>? Indeterminate = null,
    IReadOnlyDictionary<string, string>? Missing = null,
    IReadOnlyList<LimitEvent>? Limits = null,
    WorkspaceChanges? Changes = null,
    IReadOnlyList<CommandRecord>? Commands = null)
{
    /// <summary>Tokens of the episode's checkpoint plus those of every judge.</summary>
    public TokenUsage TotalUsage => (Verdicts ?? []).Aggregate(Usage, (sum, v) => sum + v.Usage);
}
