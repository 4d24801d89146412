using System.Globalization;
using Scheme.Engine.Design;
using Scheme.Engine.Providers;
using Scheme.Model;

namespace Scheme.Engine.Grading;

/// <summary>
/// Asks a judge checkpoint the yes/no question of a <see cref="JudgeDefinition"/> about one transcript, and
/// decides which judges a unit needs and when.
/// </summary>
/// <remarks>
/// The prompt gives the rubric or question, then the target text between markers, and asks for
/// <c>{"verdict": "yes"}</c> or <c>{"verdict": "no"}</c> only; <see cref="JudgeVerdictParser"/> documents what
/// is accepted. An unparsable answer is asked again with the next seed (the same seed would be served the same
/// answer from the cache, and most servers are deterministic given it), up to <see cref="MaxAttempts"/>; then
/// <see cref="JudgeVerdictException"/>. Transient provider errors are retried below this, by the engine's
/// request policy, and do not count as attempts.
/// </remarks>
public sealed class JudgeRunner(ExperimentDefinition experiment, Func<CheckpointDefinition, IChatProvider> providers, int maxAttempts = 3)
{
    public const string SystemPrompt =
        "You are a strict grader. Read the question or rubric and the text under review, then answer with exactly one " +
        "JSON object: {\"verdict\": \"yes\"} or {\"verdict\": \"no\"}. Write nothing else.";

    public int MaxAttempts => maxAttempts;

    /// <summary>
    /// When a judge runs for a unit, from its owner as the compiler resolved it: a detector's judges after the episodes of
    /// its environment, a follow-up's after the answer to it, a metric's for every unit the metric counts; a reasoning
    /// edit's judges are asked by the edit itself, sentence by sentence, never here.
    /// </summary>
    public JudgeScope ScopeOf(JudgeDefinition judge, WorkUnit unit) => judge.Owner switch
    {
        { Kind: JudgeOwnerKind.Detector } o when o.Environment == unit.Environment => JudgeScope.Episode,
        { Kind: JudgeOwnerKind.Followup } o when o.Environment == unit.Environment => JudgeScope.AfterAnswer(o.Name),
        { Kind: JudgeOwnerKind.Metric } o when experiment.Metrics.FirstOrDefault(m => m.Name == o.Name) is { } metric
            && metric.HasUnitValuesIn(experiment.Environment(unit.Environment)) => JudgeScope.Episode,
        _ => JudgeScope.None,
    };

    public async Task<JudgeVerdict> JudgeAsync(JudgeDefinition judge, Transcript transcript, WorkUnit unit, CancellationToken cancellationToken)
    {
        var checkpoint = experiment.Checkpoint(judge.Checkpoint);
        var model = checkpoint.Model ?? throw new InvalidOperationException($"Judge checkpoint '{checkpoint.Name}' has no model.");
        var provider = providers(checkpoint);
        var target = judge.Target is null ? transcript.Text : judge.Target(transcript);
        var instructions = judge.Rubric ?? judge.Question ?? throw new InvalidOperationException($"Judge '{judge.Id}' has neither a question nor a rubric.");
        var user = $"{instructions.Trim()}\n\nText under review:\n<<<\n{target}\n>>>\n\nAnswer with {{\"verdict\": \"yes\"}} or {{\"verdict\": \"no\"}} only.";
        var messages = new List<ChatMessage> { ChatMessage.System(SystemPrompt), ChatMessage.User(user) };
        // The judge's own pinned seed, else one derived from the unit: stable across reruns, so cached.
        var baseSeed = checkpoint.Seed ?? unit.Seed;
        var usage = TokenUsage.Zero;
        var answers = new List<string>();
        for (var attempt = 0; attempt < Math.Max(1, maxAttempts); attempt++)
        {
            var seed = baseSeed + attempt;
            var parameters = ChatParameters.From(checkpoint) with { Seed = seed };
            var response = await provider.CompleteAsync(new ChatRequest(model, messages, [], parameters, unit.Epoch), cancellationToken).ConfigureAwait(false);
            usage += response.Usage;
            if (JudgeVerdictParser.TryParse(response.Content, out var verdict))
            {
                return new JudgeVerdict(judge.Id, checkpoint.Name, model, response.Model, seed, verdict, response.Content, attempt + 1, usage);
            }
            answers.Add(response.Content.Length > 200 ? response.Content[..200] + "..." : response.Content);
        }
        throw new JudgeVerdictException(string.Create(CultureInfo.InvariantCulture,
            $"Judge '{judge.Id}' ({checkpoint.Name}) gave no parsable verdict in {answers.Count} attempts; answers: {string.Join(" | ", answers)}"));
    }
}

/// <summary>When a judge is asked for a unit.</summary>
public enum JudgeTiming
{
    Never,
    AfterEpisode,
    AfterAnswer,
}

/// <summary>When a judge runs for a unit: never, after the episode, or after the answer to one follow-up.</summary>
public readonly record struct JudgeScope(JudgeTiming Timing, string? Followup)
{
    public static JudgeScope None => new(JudgeTiming.Never, null);

    public static JudgeScope Episode => new(JudgeTiming.AfterEpisode, null);

    public static JudgeScope AfterAnswer(string followupOutcome) => new(JudgeTiming.AfterAnswer, followupOutcome);
}
