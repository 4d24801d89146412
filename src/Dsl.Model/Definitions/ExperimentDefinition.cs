namespace Scheme.Model;

/// <summary>
/// The compiled experiment: what the generated code builds and everything in the runtime reads. Declarations
/// refer to each other by name, so generated files never depend on each other's initialization order.
/// </summary>
public sealed record ExperimentDefinition(
    string Name,
    string? Title,
    long Seed,
    string? Version,
    string? Description,
    IReadOnlyList<SpecDefinition> Specs,
    IReadOnlyList<CheckpointDefinition> Checkpoints,
    IReadOnlyList<EnvironmentDefinition> Environments,
    IReadOnlyList<ManipulationDefinition> Manipulations,
    IReadOnlyList<MetricDefinition> Metrics,
    IReadOnlyList<RunDefinition> Runs,
    IReadOnlyList<SimulatedValue> Simulation,
    IReadOnlyList<HypothesisDefinition> Hypotheses,
    IReadOnlyList<JudgeDefinition> Judges,
    PreregistrationDigest? Preregistration = null)
{
    public CheckpointDefinition Checkpoint(string name) => Find(Checkpoints, c => c.Name == name, "checkpoint", name);

    public EnvironmentDefinition Environment(string name) => Find(Environments, e => e.Name == name, "environment", name);

    public SpecDefinition Spec(string name) => Find(Specs, s => s.Name == name, "spec", name);

    public RunDefinition Run(string name) => Find(Runs, r => r.Name == name, "run", name);

    private static T Find<T>(IEnumerable<T> items, Func<T, bool> match, string kind, string name) =>
        items.FirstOrDefault(match) ?? throw new KeyNotFoundException($"The experiment has no {kind} '{name}'.");
}
