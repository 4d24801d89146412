using Scheme.Engine.Design;
using Scheme.Engine.Grading;
using Scheme.Model;

namespace Scheme.Engine.Episodes;

/// <summary>What grading decided for one unit: outcomes (or why they are indeterminate), metric values (null where the
/// metric does not apply to this unit: its condition is false, or a follow-up it reads was not asked; or, in
/// <paramref name="Missing"/>, why it has none), the follow-up answers, every verdict asked, and the transcript as the
/// last grader saw it.</summary>
public sealed record Grades(
    IReadOnlyDictionary<string, bool> Outcomes,
    IReadOnlyDictionary<string, string> Indeterminate,
    IReadOnlyDictionary<string, double?> Metrics,
    IReadOnlyDictionary<string, string> Missing,
    IReadOnlyList<FollowupAnswer> Followups,
    IReadOnlyList<JudgeVerdict> Verdicts,
    Transcript Transcript);

/// <summary>
/// Grades a finished episode, in the order the language defines: the judges of detectors and metrics, then the
/// environment's outcomes in declaration order (later ones may read earlier ones), then each follow-up whose condition
/// holds (asked in the conversation, its judges, its outcome; one not asked has no outcome), then the metrics that count
/// the unit. Each step reads an immutable transcript and produces the next.
/// </summary>
public sealed class EpisodeGrader(ExperimentDefinition experiment, JudgeRunner judges)
{
    public async Task<Grades> GradeAsync(Transcript transcript, EnvironmentDefinition environment, WorkUnit unit, Conversation conversation,
        int turns, CancellationToken cancellationToken)
    {
        var verdicts = new List<JudgeVerdict>();
        var scopes = experiment.Judges.Select(j => (Judge: j, Scope: judges.ScopeOf(j, unit))).ToList();
        foreach (var (judge, _) in scopes.Where(s => s.Scope == JudgeScope.Episode))
        {
            transcript = await Ask(judge, transcript).ConfigureAwait(false);
        }
        foreach (var outcome in environment.Outcomes)
        {
            transcript = transcript.WithOutcome(outcome.Name, OutcomeGrade.Of(outcome.Name, () => outcome.Evaluate(transcript)));
        }

        var followups = new List<FollowupAnswer>();
        foreach (var followup in environment.Followups)
        {
            if (followup.When is { } when)
            {
                var asked = OutcomeGrade.Of($"{followup.Outcome} (its condition)", () => when(transcript));
                if (asked.Indeterminate is { } reason)
                {
                    // Whether to ask could not be decided, so neither can the answer: the outcome is indeterminate, not absent.
                    transcript = transcript.WithOutcome(followup.Outcome, new OutcomeGrade(null, $"its condition could not be decided: {reason}"));
                    continue;
                }
                if (asked.Value != true)
                {
                    continue;
                }
            }
            var response = await conversation.AskAsync(followup.Question, turns, cancellationToken).ConfigureAwait(false);
            var answered = transcript.WithAnswer(response.Content);
            foreach (var (judge, _) in scopes.Where(s => s.Scope == JudgeScope.AfterAnswer(followup.Outcome)))
            {
                answered = await Ask(judge, answered).ConfigureAwait(false);
            }
            var grade = OutcomeGrade.Of(followup.Outcome, () => followup.Evaluate(answered));
            // Later graders see this follow-up's verdicts and outcome, not its answer (each follow-up has its own).
            transcript = answered.WithAnswer(transcript.Answer).WithOutcome(followup.Outcome, grade);
            followups.Add(new FollowupAnswer(followup.Question, response.Content, followup.Outcome, grade.Value));
        }

        var metrics = new Dictionary<string, double?>(StringComparer.Ordinal);
        var missing = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var metric in experiment.Metrics.Where(m => m.HasUnitValuesIn(environment)))
        {
            if (!Counts(metric, transcript, out var notCounted))
            {
                if (notCounted is null)
                {
                    metrics[metric.Name] = null;
                }
                else
                {
                    missing[metric.Name] = notCounted;
                }
                continue;
            }
            var value = MetricGrade.Of(metric.Name, () => metric.PerUnit(transcript));
            if (value.Value is { } v)
            {
                metrics[metric.Name] = v;
            }
            else
            {
                missing[metric.Name] = value.Missing!;
            }
        }
        return new Grades(transcript.Outcomes, transcript.IndeterminateOutcomes, metrics, missing, followups, verdicts, transcript);

        async Task<Transcript> Ask(JudgeDefinition judge, Transcript target)
        {
            var verdict = await judges.JudgeAsync(judge, target, unit, cancellationToken).ConfigureAwait(false);
            verdicts.Add(verdict);
            return target.WithVerdict(judge.Id, verdict.Verdict);
        }
    }

    /// <summary>
    /// Whether this unit counts for the metric: every outcome it reads was decided or is indeterminate (a follow-up
    /// not asked has no outcome, so the metric does not apply), and its condition holds. False with a null reason: the
    /// metric does not apply; with a reason: its value is missing because the condition could not be decided.
    /// </summary>
    private static bool Counts(MetricDefinition metric, Transcript transcript, out string? missing)
    {
        missing = null;
        if (metric.RequiredOutcomes.Any(o => !transcript.Outcomes.ContainsKey(o) && !transcript.IndeterminateOutcomes.ContainsKey(o)))
        {
            return false;
        }
        if (metric.Condition is not { } condition)
        {
            return true;
        }
        var holds = OutcomeGrade.Of($"the condition of {metric.Name}", () => condition(transcript));
        missing = holds.Indeterminate;
        return holds.Value == true;
    }
}
