namespace Scheme.Model;

/// <summary>
/// The compiled experiment: what the generated code builds and everything in the runtime reads. Declarations
/// refer to each other by name, so generated files never depend on each other's initialization order.
/// Built with named properties (new() { Name = ..., Runs = [...] }): a list left out is empty, so code that builds
/// an experiment by hand, as tests do, names only what it uses, and a new kind of declaration adds a property
/// without touching any of them.
/// </summary>
public sealed record ExperimentDefinition
{
    public required string Name { get; init; }
    public string? Title { get; init; }
    public long Seed { get; init; }
    public string? Version { get; init; }
    public string? Description { get; init; }
    public IReadOnlyList<SpecDefinition> Specs { get; init; } = [];
    public IReadOnlyList<CheckpointDefinition> Checkpoints { get; init; } = [];
    public IReadOnlyList<EnvironmentDefinition> Environments { get; init; } = [];
    public IReadOnlyList<ManipulationDefinition> Manipulations { get; init; } = [];
    public IReadOnlyList<MetricDefinition> Metrics { get; init; } = [];
    public IReadOnlyList<RunDefinition> Runs { get; init; } = [];
    public IReadOnlyList<HypothesisDefinition> Hypotheses { get; init; } = [];

    /// <summary>The simulate blocks' values: what offline runs draw from and power analysis assumes.</summary>
    public IReadOnlyList<SimulatedValue> Simulation { get; init; } = [];

    /// <summary>Every judge of the suite, whichever declaration asks it.</summary>
    public IReadOnlyList<JudgeDefinition> Judges { get; init; } = [];

    /// <summary>Fingerprints of what a preregistration locks; null when built without a compiler.</summary>
    public PreregistrationDigest? Preregistration { get; init; }

    public CheckpointDefinition Checkpoint(string name) => Find(Checkpoints, c => c.Name == name, "checkpoint", name);

    public EnvironmentDefinition Environment(string name) => Find(Environments, e => e.Name == name, "environment", name);

    public SpecDefinition Spec(string name) => Find(Specs, s => s.Name == name, "spec", name);

    public RunDefinition Run(string name) => Find(Runs, r => r.Name == name, "run", name);

    private static T Find<T>(IEnumerable<T> items, Func<T, bool> match, string kind, string name) =>
        items.FirstOrDefault(match) ?? throw new KeyNotFoundException($"The experiment has no {kind} '{name}'.");
}
