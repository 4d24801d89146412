using System.Diagnostics;
using Scheme.Contracts;
using Scheme.Engine.Design;
using Scheme.Engine.Grading;
using Scheme.Engine.Providers;
using Scheme.Engine.Sandbox;
using Scheme.Model;

namespace Scheme.Engine.Episodes;

/// <summary>
/// One work unit from prompts to grades: builds the opening messages (<see cref="PromptBuilder"/>), lets the model act
/// on a fresh workspace (<see cref="AgentLoop"/>), then asks the follow-ups and grades (<see cref="EpisodeGrader"/>).
/// The workspace is in memory, or, for an environment with a sandbox, the directories of a sandbox opened for the
/// episode and removed as soon as its final state is read, whatever happened.
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

    /// <summary>Where episodes of environments with a sandbox run; null when none of them has one.</summary>
    public ISandboxBackend? Sandboxes { get; init; }

    public async Task<EpisodeResult> RunAsync(WorkUnit unit, CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        var checkpoint = _experiment.Checkpoint(unit.Checkpoint);
        var environment = _experiment.Environment(unit.Environment);
        var manipulation = Manipulation(unit.Condition);
        var model = checkpoint.Model
            ?? throw new InvalidOperationException($"Checkpoint '{checkpoint.Name}' has no model to send requests to.");
        var tools = ToolRegistry.For(environment);
        var limits = environment.EffectiveLimits;
        // Both before the first request: a unit whose files cannot be made fails with the reason and costs nothing.
        var graderFiles = WorkspaceFiles.GraderOnly(environment, unit.Params);
        var startFiles = WorkspaceFiles.Start(environment, unit.Params, manipulation);
        var conversation = new Conversation(_providers(checkpoint), model, tools.Definitions, ChatParameters.From(checkpoint, unit.Seed), unit.Epoch,
            limits, PromptBuilder.Build(_experiment, environment, unit, manipulation));
        var manipulator = manipulation?.Reasoning is null ? null : ReasoningManipulatorFor(manipulation, checkpoint);

        AgentLoop loop;
        AgentTrace trace;
        IReadOnlyDictionary<string, string> initial, files;
        IReadOnlyList<Email> outbox;
        IReadOnlyDictionary<string, string>? submission;
        IReadOnlyList<CommandRecord>? commands = null;
        var session = environment.Sandbox is null ? null : await OpenSandbox(environment, startFiles, cancellationToken).ConfigureAwait(false);
        try
        {
            IWorkspace workspace = session?.Workspace ?? new Workspace(startFiles, limits, environment.Mounts);
            var shell = session is null ? null : new EpisodeShell(session);
            loop = new AgentLoop(conversation, tools, workspace, shell, environment.MaxTurns, manipulator, manipulation, checkpoint, unit, _specs);
            trace = await loop.RunAsync(cancellationToken).ConfigureAwait(false);
            (initial, files, outbox, submission) = (workspace.Initial, workspace.Snapshot(), workspace.Outbox.ToList(), workspace.Submission);
            commands = shell?.Commands.ToList();
        }
        finally
        {
            if (session is not null)
            {
                await session.DisposeAsync().ConfigureAwait(false);
            }
        }

        var episode = conversation.Messages.ToList();
        var transcript = new Transcript(
            reasoning: string.Join("\n\n", episode.Where(m => !string.IsNullOrEmpty(m.Reasoning)).Select(m => m.Reasoning)),
            output: episode.LastOrDefault(m => m.Role == ChatRole.Assistant && m.Content.Length > 0)?.Content ?? "",
            lazyText: new Lazy<string>(() => EpisodeText.Render(episode)),
            parameters: unit.Params,
            environment: unit.Environment,
            files: files,
            calls: trace.Calls,
            specs: _specs,
            messages: episode,
            emails: outbox,
            initialFiles: initial,
            editApplied: trace.ReasoningEdit?.Applied == true,
            graderFiles: graderFiles);
        var grades = await _grader.GradeAsync(transcript, environment, unit, conversation, trace.Turns, cancellationToken).ConfigureAwait(false);

        return new EpisodeResult(unit, model, trace.End, trace.Turns, conversation.Messages.ToList(), trace.Calls, files,
            outbox, submission, grades.Followups, grades.Outcomes, conversation.Usage, clock.Elapsed, grades.Transcript,
            grades.Metrics, [.. loop.Verdicts, .. grades.Verdicts], trace.ReasoningEdit, grades.Indeterminate, grades.Missing,
            conversation.LimitEvents.ToList(), WorkspaceChanges.Between(initial, files), commands);
    }

    private Task<ISandboxSession> OpenSandbox(EnvironmentDefinition environment, IReadOnlyList<WorkspaceFile> files, CancellationToken cancellationToken)
    {
        var kind = environment.Sandbox!.Backend;
        // Checked before the run (RunSession); this guards runners built some other way.
        var backend = Sandboxes is { } sandboxes && sandboxes.Name == kind ? sandboxes
            : throw new SandboxUnavailableException($"Environment '{environment.Name}' runs in a {kind} sandbox, and this runner has none.");
        return backend.OpenAsync(SandboxSpec.For(environment, files), cancellationToken);
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
        // reasoning_prefill is met the checkpoint's way: harmony continues through raw completions.
        var missing = manipulation.Requires.Append(ReasoningManipulator.Capability).Select(checkpoint.Format.Meeting).Distinct()
            .Where(c => !checkpoint.Has(c)).ToList();
        if (missing.Count > 0)
        {
            // Checked before the run too (ProviderRegistry.Validate); this guards runners built some other way.
            throw new NotSupportedException(
                $"Manipulation '{manipulation.Name}' edits the reasoning, which needs capability {string.Join(", ", missing)}; " +
                $"checkpoint '{checkpoint.Name}' does not declare it.");
        }
        return new ReasoningManipulator(manipulation, _experiment, _judges, _prefill, checkpoint.Format);
    }
}
