using Scheme.Contracts;
using Scheme.Engine.Design;
using Scheme.Engine.Grading;
using Scheme.Engine.Providers;
using Scheme.Model;

namespace Scheme.Engine.Episodes;

/// <summary>
/// How a checkpoint's chat template marks reasoning inside an assistant message, for prefill: the prefix is sent
/// as <see cref="Opener"/> + edited reasoning, and a continuation that comes back as plain content (a server
/// without a reasoning parser) is split at <see cref="Closer"/>. The default suits DeepSeek-R1 style templates
/// (R1 distills, QwQ, most open reasoning models served by vLLM).
/// </summary>
public sealed record ReasoningPrefillFormat(string Opener = "<think>\n", string Closer = "</think>")
{
    public static ReasoningPrefillFormat Default { get; } = new();
}

/// <summary>
/// Applies one reasoning manipulation to one episode: judges the sentences of a turn's reasoning, plans the
/// edit (<see cref="ReasoningEdits"/>), and builds and reads the continuation request.
/// </summary>
public sealed class ReasoningManipulator
{
    /// <summary>The capability a checkpoint declares when its endpoint continues a final assistant message.</summary>
    public const string Capability = Capabilities.ReasoningPrefill;

    private readonly ManipulationDefinition _manipulation;
    private readonly ReasoningEdit _edit;
    private readonly IReadOnlyList<JudgeDefinition> _judges;
    private readonly JudgeRunner _judgeRunner;
    private readonly ReasoningPrefillFormat _format;
    private readonly ReasoningFormat _reasoningFormat;

    /// <param name="reasoningFormat">The checkpoint's format: think prefills <paramref name="format"/>'s opener and the
    /// prefix as the final message's content; harmony prefills the prefix as its reasoning, which the Harmony prompt
    /// renders as an open analysis message.</param>
    public ReasoningManipulator(ManipulationDefinition manipulation, ExperimentDefinition experiment, JudgeRunner judges, ReasoningPrefillFormat? format = null,
        ReasoningFormat? reasoningFormat = null)
    {
        _reasoningFormat = reasoningFormat ?? ReasoningFormats.Default;
        _manipulation = manipulation;
        _edit = manipulation.Reasoning ?? throw new ArgumentException($"Manipulation '{manipulation.Name}' has no reasoning edit.", nameof(manipulation));
        Then = manipulation.Then ?? ReasoningEdits.Resample;
        if (Then is not (ReasoningEdits.Resample or ReasoningEdits.Continue))
        {
            throw new NotSupportedException($"Manipulation '{manipulation.Name}': unknown 'then: {Then}' (resample or continue).");
        }
        if (_edit.RemoveWhere is null == _edit.Inject is null)
        {
            throw new NotSupportedException($"Manipulation '{manipulation.Name}' must either remove sentences or inject text.");
        }
        _judges = experiment.Judges.Where(j => j.Owner is { Kind: JudgeOwnerKind.ReasoningEdit } owner && owner.Name == manipulation.Name).ToList();
        _judgeRunner = judges;
        _format = format ?? ReasoningPrefillFormat.Default;
    }

    public string Then { get; }

    /// <summary>
    /// The seed of the continuation request: derived from the turn's seed, not equal to it. With the baseline's
    /// seed and a cut at the very start, the request would be the baseline's again and bring back the removed
    /// sentence word for word.
    /// </summary>
    public static long? ContinuationSeed(long? seed) =>
        seed is { } s ? (long)((ulong)(s ^ 0x5EED_C0DE_2025L) * 0x9E3779B97F4A7C15UL >> 1) : null;

    /// <summary>
    /// Plans the edit of one turn's reasoning, or returns null when this turn leaves nothing to edit (no sentence
    /// removed). Removal asks the manipulation's judges about each sentence in order, then evaluates the
    /// predicate on it; under resample it stops at the first removed sentence, which fixes the cut.
    /// </summary>
    /// <param name="context">The episode so far, which a predicate may read besides the sentence.</param>
    /// <param name="verdictLog">Receives every verdict asked, for token accounting and the transcript.</param>
    public async Task<ReasoningEditPlan?> PlanAsync(string reasoning, Transcript context, WorkUnit unit, List<JudgeVerdict> verdictLog,
        CancellationToken cancellationToken)
    {
        var sentences = SentenceSplitter.Split(reasoning);
        if (_edit.Inject is { } text)
        {
            return ReasoningEdits.Inject(reasoning, sentences, text, Then);
        }
        var removed = new bool?[sentences.Count];
        var asked = new Dictionary<string, bool>?[sentences.Count];
        foreach (var sentence in sentences)
        {
            // Each sentence is judged on its own: the predicate sees this sentence's verdicts and no other's.
            var target = context.WithSentence(sentence.Text).WithVerdicts(new Dictionary<string, bool>());
            var verdicts = new Dictionary<string, bool>(StringComparer.Ordinal);
            foreach (var judge in _judges)
            {
                var verdict = await _judgeRunner.JudgeAsync(judge, target, unit, cancellationToken).ConfigureAwait(false);
                verdicts[judge.Id] = verdict.Verdict;
                verdictLog.Add(verdict);
                target = target.WithVerdict(judge.Id, verdict.Verdict);
            }
            asked[sentence.Index] = verdicts;
            try
            {
                removed[sentence.Index] = _edit.RemoveWhere!(target);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                throw new InvalidOperationException(
                    $"The sentence predicate of manipulation '{_manipulation.Name}' could not be evaluated: {ex.Message}", ex);
            }
            if (removed[sentence.Index] == true && Then == ReasoningEdits.Resample)
            {
                break;
            }
        }
        var plan = ReasoningEdits.Remove(reasoning, sentences, removed, Then);
        return plan is null ? null : plan with
        {
            Sentences = plan.Sentences.Select(s => s with { Verdicts = asked[s.Index] }).ToList(),
        };
    }

    /// <summary>
    /// The turn's request again, ending with an assistant message that holds the edited prefix, marked for the
    /// server to continue that message (vLLM: <c>continue_final_message</c>, no generation prompt), with the
    /// continuation seed.
    /// </summary>
    public ChatRequest ContinuationRequest(ChatRequest turn, ReasoningEditPlan plan) =>
        turn with
        {
            Messages = [.. turn.Messages, _reasoningFormat == ReasoningFormats.Harmony
                ? ChatMessage.Assistant("", null, plan.Prefix)
                : ChatMessage.Assistant(_format.Opener + plan.Prefix)],
            Parameters = turn.Parameters with { Seed = ContinuationSeed(turn.Parameters.Seed) },
            ContinueFinalMessage = true,
        };

    /// <summary>
    /// The continuation's reasoning and content. A server with a reasoning parser returns the rest of the reasoning
    /// separately; otherwise the content holds it up to the closer, and the answer after it. Content without a
    /// closer is taken as the answer.
    /// </summary>
    public (string Reasoning, string Content) ReadContinuation(ChatResponse response)
    {
        if (response.Reasoning is not null)
        {
            return (response.Reasoning, response.Content);
        }
        var close = response.Content.IndexOf(_format.Closer, StringComparison.Ordinal);
        return close < 0
            ? ("", response.Content)
            : (response.Content[..close], response.Content[(close + _format.Closer.Length)..].TrimStart());
    }
}
