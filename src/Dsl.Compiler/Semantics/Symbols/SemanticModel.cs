using Scheme.Compiler.Semantics.Expressions;
using Scheme.Compiler.Syntax;

namespace Scheme.Compiler.Semantics.Symbols;

/// <summary>Everything the binder learned about a compilation; the input of emit.</summary>
public sealed class SemanticModel
{
    public required IReadOnlyList<CompilationUnitSyntax> Units { get; init; }
    public ExperimentSymbol? Experiment { get; init; }
    public required IReadOnlyList<SpecSymbol> Specs { get; init; }
    public required IReadOnlyList<CheckpointSymbol> Checkpoints { get; init; }
    public required IReadOnlyList<EnvironmentSymbol> Environments { get; init; }
    public required IReadOnlyList<ManipulationSymbol> Manipulations { get; init; }
    public required IReadOnlyList<MetricSymbol> Metrics { get; init; }
    public required IReadOnlyList<RunSymbol> Runs { get; init; }
    public required IReadOnlyList<SimulatedValueSymbol> Simulation { get; init; }

    /// <summary>Some simulate assignment had an error, so "no simulated value" warnings would be unreliable.</summary>
    public bool SimulationIncomplete { get; init; }
    public required IReadOnlyList<HypothesisSymbol> Hypotheses { get; init; }
    public required IReadOnlyList<BoundJudge> Judges { get; init; }

    /// <summary>All declarations of one file, in source order.</summary>
    public IEnumerable<Symbol> DeclaredIn(CompilationUnitSyntax unit) =>
        new IEnumerable<Symbol>[] { Specs, Checkpoints, Environments, Manipulations, Metrics, Runs, Hypotheses }
            .SelectMany(s => s)
            .Concat(Experiment is null ? [] : [Experiment])
            .Where(s => ReferenceEquals(s.File, unit.File))
            .OrderBy(s => s.Declaration.Span.Start);

    /// <summary>The expressions a declaration compiles to lambdas: detectors, follow-up graders, metrics, reasoning edits.</summary>
    public static IEnumerable<BoundExpression> ExpressionsOf(Symbol symbol) => symbol switch
    {
        EnvironmentSymbol e => e.Outcomes.Select(o => o.Predicate).Concat(e.Followups.Select(f => f.Grader)),
        MetricSymbol { PerUnit: { } perUnit } => [perUnit],
        ManipulationSymbol { ReasoningEdit: { } edit } => [edit],
        _ => [],
    };
}
