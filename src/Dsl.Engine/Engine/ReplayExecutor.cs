using System.Text.Json;
using Scheme.Engine.Design;
using Scheme.Engine.Episodes;
using Scheme.Engine.Providers;
using Scheme.Engine.Store;
using Scheme.Model;

namespace Scheme.Engine;

/// <summary>
/// Replay: re-grades recorded episodes with the runner's current graders. Each unit's conversation is read
/// from a source run directory and played back through the ordinary <see cref="EpisodeRunner"/>, whose
/// model is a <see cref="RecordedChatProvider"/> answering with the recorded assistant turns in order. Tool
/// calls are executed again on a fresh workspace (tools are deterministic), so detectors see the same final
/// state; judges are asked live (that is usually why one re-grades: a new rubric or judge).
/// </summary>
/// <remarks>
/// A unit is found in the source by its id, so the source must be a run of the same design coordinates
/// (experiment and run names, checkpoint, environment, variant, condition, epoch); its hash may differ.
/// A unit that is missing or failed in the source, or whose episode asks more than was recorded (the
/// environment changed), fails with that error rather than being graded on a partial conversation.
/// Replayed model turns cost nothing and count no tokens; judge calls are counted as usual.
/// </remarks>
public sealed class ReplayExecutor(ExperimentDefinition experiment, SqliteRunStore source, Func<CheckpointDefinition, IChatProvider> judges) : IUnitExecutor
{
    /// <summary>Where replayed episodes of environments with a sandbox run their commands again.</summary>
    public Sandbox.ISandboxBackend? Sandboxes { get; init; }

    public Task<EpisodeResult> ExecuteAsync(WorkUnit unit, CancellationToken cancellationToken)
    {
        if (experiment.Manipulations.FirstOrDefault(m => m.Name == unit.Condition) is { Reasoning: not null } edit)
        {
            throw new NotSupportedException($"Unit {unit.Id}: condition '{edit.Name}' edits the reasoning, which replay cannot reproduce.");
        }
        var record = source.Get(unit.Id)
            ?? throw new InvalidOperationException($"Unit {unit.Id} has no recorded transcript in {source.Path}.");
        if (record.Status != UnitStatus.Done || record.TranscriptJson is null)
        {
            throw new InvalidOperationException($"Unit {unit.Id} failed in {source.Path}; there is nothing to replay.");
        }
        var recorded = JsonSerializer.Deserialize<RecordedEpisode>(record.TranscriptJson, EpisodeJson.Options)
            ?? throw new InvalidOperationException($"Unit {unit.Id}: the recorded transcript is empty.");
        var turns = recorded.Messages.Where(m => m.Role == ChatRole.Assistant).ToList();
        var player = new RecordedChatProvider(turns, recorded.Model);
        var runner = new EpisodeRunner(experiment, checkpoint => checkpoint.Name == unit.Checkpoint ? player : judges(checkpoint)) { Sandboxes = Sandboxes };
        return runner.RunAsync(unit, cancellationToken);
    }

    private sealed record RecordedEpisode(string Model, IReadOnlyList<ChatMessage> Messages);
}

/// <summary>Answers the requests of one episode with recorded assistant turns, in order; then refuses.</summary>
public sealed class RecordedChatProvider(IReadOnlyList<ChatMessage> turns, string model) : IChatProvider
{
    private int _next;

    public string Name => "replay";

    public string Endpoint => "replay";

    public Task<ChatResponse> CompleteAsync(ChatRequest request, CancellationToken cancellationToken = default)
    {
        var index = Interlocked.Increment(ref _next) - 1;
        if (index >= turns.Count)
        {
            // Permanent: the environment asks more than was recorded, retrying cannot help.
            throw new ChatProviderException(
                $"The recorded episode has {turns.Count} model turns; replay asked for turn {index + 1} (did the environment change?).", null, false);
        }
        var turn = turns[index];
        return Task.FromResult(new ChatResponse(turn.Content, turn.ToolCalls ?? [], turn.Reasoning, TokenUsage.Zero,
            turn.ToolCalls is { Count: > 0 } ? "tool_calls" : "stop", model));
    }
}
