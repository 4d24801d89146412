using System.Diagnostics;
using Scheme.Contracts;
using Scheme.Engine.Design;
using Scheme.Engine.Grading;
using Scheme.Engine.Providers;
using Scheme.Model;

namespace Scheme.Engine.Episodes;

/// <summary>
/// One work unit from prompts to grades: builds the opening messages (<see cref="PromptBuilder"/>), lets the model act
/// on a fresh workspace (<see cref="AgentLoop"/>), then asks the follow-ups and grades (<see cref="EpisodeGrader"/>).
/// </summary>
/// <remarks>
/// Provider errors propagate: whether to retry the request, the unit or nothing is the engine's decision.
/// A unit is all or nothing, so a half-finished episode is never graded.
/// </remarks>
public sealed class EpisodeRunner
{
    /// <summary>The condition name that means "no manipulation" unless a manipulation is so named.</summary>
    public const string Baseline = Conditions.Baseline;

    private readonly ExperimentDefinition _experiment;
    private readonly Func<CheckpointDefinition, IChatProvider> _providers;
    private readonly IReadOnlyDictionary<string, SpecDefinition> _specs;
    private readonly JudgeRunner _judges;
    private readonly EpisodeGrader _grader;
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
        _grader = new EpisodeGrader(experiment, _judges);
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
        var manipulation = Manipulation(unit.Condition);
        var model = checkpoint.Model
            ?? throw new InvalidOperationException($"Checkpoint '{checkpoint.Name}' has no model to send requests to.");
        var tools = ToolRegistry.For(environment);
        // Both before the first request: a unit whose files cannot be made fails with the reason and costs nothing.
        var graderFiles = WorkspaceFiles.GraderOnly(environment, unit.Params);
        var workspace = new Workspace(WorkspaceFiles.Start(environment, unit.Params, manipulation), environment.EffectiveLimits);
        var conversation = new Conversation(_providers(checkpoint), model, tools.Definitions, ChatParameters.From(checkpoint, unit.Seed), unit.Epoch,
            environment.EffectiveLimits, PromptBuilder.Build(_experiment, environment, unit, manipulation));
        var manipulator = manipulation?.Reasoning is null ? null : ReasoningManipulatorFor(manipulation, checkpoint);

        var loop = new AgentLoop(conversation, tools, workspace, environment.MaxTurns, manipulator, manipulation, checkpoint, unit, _specs);
        var trace = await loop.RunAsync(cancellationToken).ConfigureAwait(false);

        var episode = conversation.Messages.ToList();
        var transcript = new Transcript(
            reasoning: string.Join("\n\n", episode.Where(m => !string.IsNullOrEmpty(m.Reasoning)).Select(m => m.Reasoning)),
            output: episode.LastOrDefault(m => m.Role == ChatRole.Assistant && m.Content.Length > 0)?.Content ?? "",
            lazyText: new Lazy<string>(() => EpisodeText.Render(episode)),
            parameters: unit.Params,
            files: workspace.Snapshot(),
            calls: trace.Calls,
            specs: _specs,
            messages: episode,
            emails: workspace.Outbox.ToList(),
            graderFiles: graderFiles);
        var grades = await _grader.GradeAsync(transcript, environment, unit, conversation, trace.Turns, cancellationToken).ConfigureAwait(false);

        var changes = workspace.Changes();
        return new EpisodeResult(unit, model, trace.End, trace.Turns, conversation.Messages.ToList(), trace.Calls, workspace.Snapshot(),
            workspace.Outbox.ToList(), workspace.Submission, grades.Followups, grades.Outcomes, conversation.Usage, clock.Elapsed, grades.Transcript,
            grades.Metrics, [.. loop.Verdicts, .. grades.Verdicts], trace.ReasoningEdit, grades.Indeterminate, grades.Missing,
            conversation.LimitEvents.ToList(), new WorkspaceChanges(changes.Changed, changes.Deleted));
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
}
