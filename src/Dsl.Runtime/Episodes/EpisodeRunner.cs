using System.Diagnostics;
using System.Text;
using Scheme.Runtime.Design;
using Scheme.Runtime.Grading;
using Scheme.Runtime.Model;
using Scheme.Runtime.Providers;

namespace Scheme.Runtime.Episodes;

/// <summary>
/// The agent loop of one work unit: render the prompts for its variant and condition, let the model act on a
/// fresh workspace until it submits, answers, or runs out of turns, ask the follow-up questions, and grade.
/// </summary>
/// <remarks>
/// Provider errors propagate: whether to retry the request, the unit or nothing is the engine's decision.
/// A unit is all or nothing, so a half-finished episode is never graded.
/// </remarks>
public sealed class EpisodeRunner
{
    /// <summary>The condition name that means "no manipulation" unless a manipulation is so named.</summary>
    public const string Baseline = "baseline";

    private const string NotExecuted = "Not executed: the episode ended with submit.";

    private readonly ExperimentDefinition _experiment;
    private readonly Func<CheckpointDefinition, IChatProvider> _providers;
    private readonly IReadOnlyDictionary<string, SpecDefinition> _specs;
    private readonly JudgeRunner _judges;
    private readonly ReasoningPrefillFormat _prefill;

    /// <param name="providers">The provider of each checkpoint, the judges' included.</param>
    /// <param name="prefill">How reasoning is marked when it is prefilled for a reasoning manipulation.</param>
    public EpisodeRunner(ExperimentDefinition experiment, Func<CheckpointDefinition, IChatProvider> providers, int judgeAttempts = 3,
        ReasoningPrefillFormat? prefill = null)
    {
        _experiment = experiment;
        _providers = providers;
        _specs = experiment.Specs.ToDictionary(s => s.Name);
        _judges = new JudgeRunner(experiment, providers, judgeAttempts);
        _prefill = prefill ?? ReasoningPrefillFormat.Default;
    }

    public EpisodeRunner(ExperimentDefinition experiment, IChatProvider provider)
        : this(experiment, _ => provider)
    {
    }

    public async Task<EpisodeResult> RunAsync(WorkUnit unit, CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        var checkpoint = _experiment.Checkpoint(unit.Checkpoint);
        var environment = _experiment.Environment(unit.Environment);
        var limits = environment.EffectiveLimits;
        var manipulation = Manipulation(unit.Condition);
        var model = checkpoint.Model
            ?? throw new InvalidOperationException($"Checkpoint '{checkpoint.Name}' has no model to send requests to.");
        var provider = _providers(checkpoint);
        var parameters = ChatParameters.From(checkpoint, unit.Seed);
        var tools = environment.Tools.Select(BuiltinTools.Resolve).ToList();
        var workspace = new Workspace(environment.Files, limits);
        var limitLog = new List<LimitEvent>();

        var messages = new List<ChatMessage>();
        var system = PromptRenderer.ApplyEdits(
            environment.System is null ? null : PromptRenderer.Render(environment.System, unit.Params), manipulation?.System ?? [], _experiment);
        if (!string.IsNullOrEmpty(system))
        {
            messages.Add(ChatMessage.System(system));
        }
        var user = PromptRenderer.ApplyEdits(PromptRenderer.Render(environment.User, unit.Params), manipulation?.User ?? [], _experiment);
        messages.Add(ChatMessage.User(user ?? ""));
        var transcriptBytes = messages.Sum(ResponseLimit.Bytes);
        if (transcriptBytes > limits.MaxTranscriptBytes)
        {
            // The researcher's prompts, not the model: an error to fix in the suite, reported for every unit.
            throw new InvalidOperationException(
                $"The rendered prompts of environment '{environment.Name}' are {transcriptBytes} bytes, more than its max_transcript_bytes " +
                $"({limits.MaxTranscriptBytes}). Raise the limit in limits {{ max_transcript_bytes: ... }} or shorten the prompts.");
        }

        var calls = new List<ToolCall>();
        var usage = TokenUsage.Zero;
        var end = EpisodeEnd.MaxTurns;
        var turns = 0;
        var verdicts = new Dictionary<string, bool>(StringComparer.Ordinal);
        var verdictLog = new List<JudgeVerdict>();
        var manipulator = manipulation?.Reasoning is null ? null : ReasoningManipulatorFor(manipulation, checkpoint);
        CounterfactualTurn? edit = null;
        var reasoningTurns = 0;
        while (turns < Math.Max(1, environment.MaxTurns))
        {
            turns++;
            var request = new ChatRequest(model, messages.ToList(), tools, parameters, unit.Epoch);
            var response = await provider.CompleteAsync(request, cancellationToken).ConfigureAwait(false);
            usage += response.Usage;
            if (manipulator is not null && edit is null && !string.IsNullOrWhiteSpace(response.Reasoning))
            {
                reasoningTurns++;
                var context = new Transcript(reasoning: response.Reasoning, output: response.Content, lazyText: new Lazy<string>(() => Render([.. messages, response.ToMessage()])),
                    parameters: unit.Params, files: workspace.Snapshot(), calls: calls.ToList(), verdicts: verdicts, specs: _specs,
                    messages: messages.ToList(), emails: workspace.Outbox.ToList());
                var plan = await manipulator.PlanAsync(response.Reasoning, context, verdicts, unit, verdictLog, cancellationToken).ConfigureAwait(false);
                if (plan is not null)
                {
                    (response, edit) = await Counterfactual(manipulator, manipulation!, checkpoint, provider, request, response, plan, turns,
                        cancellationToken).ConfigureAwait(false);
                    usage += edit.Usage;
                }
            }
            (response, var cut) = ResponseLimit.Apply(response, limits.MaxResponseBytes!.Value);
            if (cut is not null)
            {
                limitLog.Add(new LimitEvent(LimitNames.MaxResponseBytes, turns, cut));
            }
            var turnMessages = new List<ChatMessage> { response.ToMessage() };
            if (response.ToolCalls.Count == 0)
            {
                end = EpisodeEnd.Answered;
            }
            var executed = 0;
            foreach (var call in response.ToolCalls)
            {
                // Every call gets a tool message, even after submit or past the limit: the API rejects a history with
                // unanswered calls, and follow-up questions continue this conversation.
                string output;
                if (workspace.IsSubmitted)
                {
                    output = NotExecuted;
                }
                else if (executed >= limits.MaxToolCallsPerTurn)
                {
                    output = $"Not executed: a response may make at most {limits.MaxToolCallsPerTurn} tool calls.";
                }
                else
                {
                    executed++;
                    var result = Execute(call, tools, workspace, calls);
                    if (result.Refused is { } refusal)
                    {
                        limitLog.Add(new LimitEvent(refusal.Limit, turns, $"{call.Name}: {refusal.Message}"));
                    }
                    output = result.Output;
                }
                turnMessages.Add(ChatMessage.Tool(call.Id, output));
            }
            if (response.ToolCalls.Count > limits.MaxToolCallsPerTurn)
            {
                limitLog.Add(new LimitEvent(LimitNames.MaxToolCallsPerTurn, turns,
                    $"The response made {response.ToolCalls.Count} tool calls; the first {limits.MaxToolCallsPerTurn} ran, the rest were answered \"not executed\"."));
            }
            messages.AddRange(turnMessages);
            transcriptBytes += turnMessages.Sum(ResponseLimit.Bytes);
            if (end == EpisodeEnd.Answered)
            {
                break;
            }
            if (workspace.IsSubmitted)
            {
                end = EpisodeEnd.Submitted;
                break;
            }
            if (transcriptBytes > limits.MaxTranscriptBytes)
            {
                end = EpisodeEnd.TranscriptLimit;
                limitLog.Add(new LimitEvent(LimitNames.MaxTranscriptBytes, turns,
                    $"The conversation reached {transcriptBytes} bytes, past the limit of {limits.MaxTranscriptBytes}; the episode ended."));
                break;
            }
        }
        var episodeMessages = messages.ToList();
        ReasoningEditRecord? editRecord = edit?.Record;
        if (manipulator is not null && edit is null)
        {
            // Running on as a baseline would pass the baseline off as the counterfactual.
            editRecord = reasoningTurns == 0
                ? throw new InvalidOperationException(
                    $"Manipulation '{manipulation!.Name}' edits the reasoning, but checkpoint '{checkpoint.Name}' returned no reasoning in " +
                    $"{turns} turn(s). The endpoint must return it (reasoning_content or reasoning; vLLM: --reasoning-parser).")
                : new ReasoningEditRecord(manipulation!.Name, false, reasoningTurns);
        }
        verdicts.Clear();
        var outcomes = new Dictionary<string, bool>(StringComparer.Ordinal);
        var indeterminate = new Dictionary<string, string>(StringComparer.Ordinal);
        var transcript = new Transcript(
            reasoning: string.Join("\n\n", episodeMessages.Where(m => !string.IsNullOrEmpty(m.Reasoning)).Select(m => m.Reasoning)),
            output: episodeMessages.LastOrDefault(m => m.Role == ChatRole.Assistant && m.Content.Length > 0)?.Content ?? "",
            lazyText: new Lazy<string>(() => Render(episodeMessages)),
            parameters: unit.Params,
            files: workspace.Snapshot(),
            calls: calls,
            // The dictionaries are filled below while grading, so later outcomes can read earlier ones and
            // predicates read the verdicts of the judges asked before them.
            verdicts: verdicts,
            outcomes: outcomes,
            specs: _specs,
            messages: episodeMessages,
            emails: workspace.Outbox.ToList(),
            indeterminate: indeterminate);
        var scopes = _experiment.Judges.Select(j => (Judge: j, Scope: _judges.ScopeOf(j, unit))).ToList();
        foreach (var (judge, _) in scopes.Where(s => s.Scope == JudgeScope.Episode))
        {
            await Ask(judge, transcript).ConfigureAwait(false);
        }
        foreach (var outcome in environment.Outcomes)
        {
            Record(outcome.Name, OutcomeGrade.Of(outcome.Name, () => outcome.Evaluate(transcript)));
        }

        var followups = new List<FollowupAnswer>();
        foreach (var followup in environment.Followups)
        {
            messages.Add(ChatMessage.User(followup.Question));
            var response = await provider.CompleteAsync(
                new ChatRequest(model, messages.ToList(), tools, parameters, unit.Epoch, AllowToolCalls: false), cancellationToken).ConfigureAwait(false);
            usage += response.Usage;
            (response, var cut) = ResponseLimit.Apply(response with { ToolCalls = [] }, limits.MaxResponseBytes!.Value);
            if (cut is not null)
            {
                limitLog.Add(new LimitEvent(LimitNames.MaxResponseBytes, turns, "Follow-up answer: " + cut));
            }
            messages.Add(ChatMessage.Assistant(response.Content, null, response.Reasoning));
            var answered = transcript.WithAnswer(response.Content);
            foreach (var (judge, _) in scopes.Where(s => s.Scope == JudgeScope.AfterAnswer(followup.Outcome)))
            {
                await Ask(judge, answered).ConfigureAwait(false);
            }
            var grade = OutcomeGrade.Of(followup.Outcome, () => followup.Evaluate(answered));
            Record(followup.Outcome, grade);
            followups.Add(new FollowupAnswer(followup.Question, response.Content, followup.Outcome, grade.Value));
        }

        var metrics = new Dictionary<string, double>(StringComparer.Ordinal);
        var missing = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var metric in _experiment.Metrics.Where(m => JudgeRunner.MetricApplies(m, environment)))
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

        var changes = workspace.Changes();
        return new EpisodeResult(unit, model, end, turns, messages, calls, workspace.Snapshot(), workspace.Outbox.ToList(),
            workspace.Submission, followups, outcomes, usage, clock.Elapsed, transcript, metrics, verdictLog, editRecord,
            indeterminate, missing, limitLog, new WorkspaceChanges(changes.Changed, changes.Deleted));

        async Task Ask(JudgeDefinition judge, Transcript target)
        {
            var verdict = await _judges.JudgeAsync(judge, target, unit, cancellationToken).ConfigureAwait(false);
            verdicts[judge.Id] = verdict.Verdict;
            verdictLog.Add(verdict);
        }

        void Record(string name, OutcomeGrade grade)
        {
            if (grade.Value is { } value)
            {
                outcomes[name] = value;
            }
            else
            {
                indeterminate[name] = grade.Indeterminate!;
            }
        }
    }

    private ManipulationDefinition? Manipulation(string condition)
    {
        var manipulation = _experiment.Manipulations.FirstOrDefault(m => m.Name == condition);
        if (manipulation is null)
        {
            return condition == Baseline
                ? null
                : throw new KeyNotFoundException($"The experiment has no manipulation '{condition}' (condition of the unit).");
        }
        return manipulation;
    }

    private ReasoningManipulator ReasoningManipulatorFor(ManipulationDefinition manipulation, CheckpointDefinition checkpoint)
    {
        var missing = manipulation.Requires.Append(ReasoningManipulator.Capability).Distinct().Where(c => !checkpoint.Has(c)).ToList();
        if (missing.Count > 0)
        {
            // Checked before the run too (ProviderRegistry.Validate); this guards runners built some other way.
            throw new NotSupportedException(
                $"Manipulation '{manipulation.Name}' edits the reasoning, which needs capability {string.Join(", ", missing)}; " +
                $"checkpoint '{checkpoint.Name}' does not declare it.");
        }
        return new ReasoningManipulator(manipulation, _experiment, _judges, _prefill);
    }

    /// <summary>
    /// Sends the continuation request of an edited turn and returns the turn as the episode goes on with it: the
    /// continuation's content and tool calls, and the edited reasoning (prefix, then what the model wrote after it).
    /// </summary>
    private static async Task<(ChatResponse Turn, CounterfactualTurn Edit)> Counterfactual(ReasoningManipulator manipulator,
        ManipulationDefinition manipulation, CheckpointDefinition checkpoint, IChatProvider provider, ChatRequest request,
        ChatResponse original, ReasoningEditPlan plan, int turn, CancellationToken cancellationToken)
    {
        var continuation = manipulator.ContinuationRequest(request, plan);
        ChatResponse response;
        try
        {
            response = await provider.CompleteAsync(continuation, cancellationToken).ConfigureAwait(false);
        }
        catch (ChatProviderException ex) when (!ex.IsTransient)
        {
            throw new ReasoningPrefillException(
                $"Manipulation '{manipulation.Name}': checkpoint '{checkpoint.Name}' refused the reasoning prefill (continue_final_message) at " +
                $"turn {turn}: {ex.Message}. This endpoint cannot continue a model's reasoning; remove capability " +
                $"{ReasoningManipulator.Capability} from the checkpoint or serve the model with vLLM.", ex);
        }
        var (reasoning, content) = manipulator.ReadContinuation(response);
        var record = new ReasoningEditRecord(manipulation.Name, true, turn, original.Reasoning, original.Content, original.ToolCalls, plan,
            continuation.Parameters.Seed, reasoning, content);
        var turnResponse = response with { Content = content, Reasoning = plan.Prefix + reasoning };
        return (turnResponse, new CounterfactualTurn(record, response.Usage));
    }

    private sealed record CounterfactualTurn(ReasoningEditRecord Record, TokenUsage Usage);

    /// <summary>Runs one call the model made. Calls whose arguments parse are recorded, even to unknown tools.</summary>
    private static ToolResult Execute(ToolCallRequest request, IReadOnlyList<ToolDefinition> tools, Workspace workspace, List<ToolCall> calls)
    {
        if (!ToolArguments.TryParse(request.ArgumentsJson, out var arguments, out var error))
        {
            return new ToolResult($"Invalid arguments for {request.Name}: {error}");
        }
        var call = new ToolCall(request.Name, arguments);
        calls.Add(call);
        var tool = tools.FirstOrDefault(t => t.Name == request.Name);
        if (tool is null)
        {
            return new ToolResult($"Unknown tool: {request.Name}. Available tools: {string.Join(", ", tools.Select(t => t.Name))}.");
        }
        if (tool.IsBuiltin)
        {
            return BuiltinTools.Execute(workspace, call);
        }
        var implementation = tool.Implementation
            ?? throw new InvalidOperationException($"Tool '{tool.Name}' is declared without an implementation.");
        try
        {
            return new ToolResult(implementation(call));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A C# tool's failure is something the model sees, as it would see a failing command.
            return new ToolResult($"Error in {tool.Name}: {ex.Message}");
        }
    }

    /// <summary>The conversation as plain text, what a judge reads by default.</summary>
    private static string Render(IEnumerable<ChatMessage> messages)
    {
        var text = new StringBuilder();
        foreach (var message in messages)
        {
            text.Append(message.Role.ToString().ToLowerInvariant()).Append(": ").Append(message.Content).Append('\n');
            foreach (var call in message.ToolCalls ?? [])
            {
                text.Append("[call ").Append(call.Name).Append(' ').Append(call.ArgumentsJson).Append("]\n");
            }
            text.Append('\n');
        }
        return text.ToString().TrimEnd();
    }
}
