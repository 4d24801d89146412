using Scheme.Contracts;
using Scheme.Engine.Design;
using Scheme.Engine.Grading;
using Scheme.Engine.Providers;
using Scheme.Model;

namespace Scheme.Engine.Episodes;

/// <summary>What the agent loop did: why it stopped, how many turns, the calls it ran and the reasoning edit, if any.</summary>
public sealed record AgentTrace(EpisodeEnd End, int Turns, IReadOnlyList<ToolCall> Calls, ReasoningEditRecord? ReasoningEdit);

/// <summary>
/// The model acting in its environment: turn after turn, the model answers; its response is bounded by the limits,
/// its tool calls run through the <see cref="ToolRegistry"/> on the workspace (at most max_tool_calls_per_turn each
/// turn), until it submits, answers without a call, runs out of turns or reaches max_transcript_bytes. A reasoning
/// manipulation edits the first turn it applies to (see <see cref="ReasoningManipulator"/>).
/// </summary>
/// <param name="shell">The episode's sandbox, where bash and python run; null in the virtual workspace.</param>
public sealed class AgentLoop(Conversation conversation, ToolRegistry tools, IWorkspace workspace, EpisodeShell? shell, int maxTurns,
    ReasoningManipulator? manipulator, ManipulationDefinition? manipulation, CheckpointDefinition checkpoint, WorkUnit unit,
    IReadOnlyDictionary<string, SpecDefinition> specs)
{
    private const string NotExecuted = "Not executed: the episode ended with submit.";

    /// <summary>Every verdict a reasoning edit's sentence judges gave, in order.</summary>
    public List<JudgeVerdict> Verdicts { get; } = [];

    public async Task<AgentTrace> RunAsync(CancellationToken cancellationToken)
    {
        var limits = conversation.Limits;
        var calls = new List<ToolCall>();
        var end = EpisodeEnd.MaxTurns;
        var turns = 0;
        CounterfactualTurn? edit = null;
        var reasoningTurns = 0;
        while (turns < Math.Max(1, maxTurns))
        {
            turns++;
            var request = conversation.NextTurn();
            var response = await conversation.SendAsync(request, cancellationToken).ConfigureAwait(false);
            if (manipulator is not null && edit is null && !string.IsNullOrWhiteSpace(response.Reasoning))
            {
                reasoningTurns++;
                var context = new Transcript(reasoning: response.Reasoning, output: response.Content,
                    lazyText: new Lazy<string>(() => EpisodeText.Render([.. conversation.Messages, response.ToMessage()])),
                    parameters: unit.Params, files: workspace.Snapshot(), calls: calls.ToList(), specs: specs,
                    messages: conversation.Messages.ToList(), emails: workspace.Outbox.ToList(), environment: unit.Environment,
                    initialFiles: workspace.Initial);
                var plan = await manipulator.PlanAsync(response.Reasoning, context, unit, Verdicts, cancellationToken).ConfigureAwait(false);
                if (plan is not null)
                {
                    (response, edit) = await Counterfactual(request, response, plan, turns, cancellationToken).ConfigureAwait(false);
                }
            }
            response = conversation.Bounded(response, turns);
            var turnMessages = new List<ChatMessage> { response.ToMessage() };
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
                    var result = await tools.ExecuteAsync(call, workspace, shell, turns, calls, cancellationToken).ConfigureAwait(false);
                    foreach (var refusal in result.Limits)
                    {
                        conversation.Record(new LimitEvent(refusal.Limit, turns, $"{call.Name}: {refusal.Message}"));
                    }
                    output = result.Output;
                }
                turnMessages.Add(ChatMessage.Tool(call.Id, output));
            }
            if (response.ToolCalls.Count > limits.MaxToolCallsPerTurn)
            {
                conversation.Record(new LimitEvent(LimitNames.MaxToolCallsPerTurn, turns,
                    $"The response made {response.ToolCalls.Count} tool calls; the first {limits.MaxToolCallsPerTurn} ran, the rest were answered \"not executed\"."));
            }
            conversation.Append(turnMessages);
            if (response.ToolCalls.Count == 0)
            {
                end = EpisodeEnd.Answered;
                break;
            }
            if (workspace.IsSubmitted)
            {
                end = EpisodeEnd.Submitted;
                break;
            }
            if (conversation.Bytes > limits.MaxTranscriptBytes)
            {
                end = EpisodeEnd.TranscriptLimit;
                conversation.Record(new LimitEvent(LimitNames.MaxTranscriptBytes, turns,
                    $"The conversation reached {conversation.Bytes} bytes, past the limit of {limits.MaxTranscriptBytes}; the episode ended."));
                break;
            }
        }
        return new AgentTrace(end, turns, calls, EditRecord(edit, reasoningTurns, turns));
    }

    /// <summary>The record of the reasoning edit; an episode of a reasoning condition that never gave reasoning is a failure.</summary>
    private ReasoningEditRecord? EditRecord(CounterfactualTurn? edit, int reasoningTurns, int turns)
    {
        if (manipulator is null || edit is not null)
        {
            return edit?.Record;
        }
        // Running on as a baseline would pass the baseline off as the counterfactual.
        return reasoningTurns == 0
            ? throw new InvalidOperationException(
                $"Manipulation '{manipulation!.Name}' edits the reasoning, but checkpoint '{checkpoint.Name}' returned no reasoning in " +
                $"{turns} turn(s). The endpoint must return it (reasoning_content or reasoning; vLLM: --reasoning-parser).")
            : new ReasoningEditRecord(manipulation!.Name, false, reasoningTurns);
    }

    /// <summary>
    /// Sends the continuation request of an edited turn and returns the turn as the episode goes on with it: the
    /// continuation's content and tool calls, and the edited reasoning (prefix, then what the model wrote after it).
    /// </summary>
    private async Task<(ChatResponse Turn, CounterfactualTurn Edit)> Counterfactual(ChatRequest request, ChatResponse original, ReasoningEditPlan plan,
        int turn, CancellationToken cancellationToken)
    {
        var continuation = manipulator!.ContinuationRequest(request, plan);
        ChatResponse response;
        try
        {
            response = await conversation.SendAsync(continuation, cancellationToken).ConfigureAwait(false);
        }
        catch (ChatProviderException ex) when (!ex.IsTransient)
        {
            throw new ReasoningPrefillException(
                $"Manipulation '{manipulation!.Name}': checkpoint '{checkpoint.Name}' refused the reasoning prefill ({checkpoint.Format.Name}) at " +
                $"turn {turn}: {ex.Message}. This endpoint cannot continue a model's reasoning; remove capability " +
                $"{checkpoint.Format.Meeting(ReasoningManipulator.Capability)} from the checkpoint or serve the model with vLLM.", ex);
        }
        var (reasoning, content) = manipulator.ReadContinuation(response);
        var record = new ReasoningEditRecord(manipulation!.Name, true, turn, original.Reasoning, original.Content, original.ToolCalls, plan,
            continuation.Parameters.Seed, reasoning, content);
        return (response with { Content = content, Reasoning = plan.Prefix + reasoning }, new CounterfactualTurn(record));
    }

    private sealed record CounterfactualTurn(ReasoningEditRecord Record);
}
