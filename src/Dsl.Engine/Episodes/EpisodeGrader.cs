using Scheme.Engine.Design;
using Scheme.Engine.Grading;
using Scheme.Model;

namespace Scheme.Engine.Episodes;

/// <summary>What grading decided for one unit: outcomes (or why they are indeterminate), metric values (or why they
/// are missing), the follow-up answers, every verdict asked, and the transcript as the last grader saw it.</summary>
public sealed record Grades(
    IReadOnlyDictionary<string, bool> Outcomes,
    IReadOnlyDictionary<string, string> Indeterminate,
    IReadOnlyDictionary<string, double> Metrics,
    IReadOnlyDictionary<string, string> Missing,
    IReadOnlyList<FollowupAnswer> Followups,
    IReadOnlyList<JudgeVerdict> Verdicts,
    Transcript Transcript);

/// <summary>
/// Grades a finished episode, in the order the language defines: the judges of detectors and metrics, then the
/// environment's outcomes in declaration order (later ones may read earlier ones), then each follow-up (asked in the
/// conversation, its judges, its outcome), then the metrics that count the unit. Each step reads an immutable
/// transcript and produces the next.
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

        var metrics = new Dictionary<string, double>(StringComparer.Ordinal);
        var missing = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var metric in experiment.Metrics.Where(m => JudgeRunner.MetricApplies(m, environment)))
        {
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
}
