using Scheme.Compiler.Semantics.Expressions;
using Scheme.Compiler.Syntax;

namespace Scheme.Compiler.Semantics.Symbols;

/// <summary>Everything the binder learned about a compilation; the input of emit.</summary>
public sealed class SemanticModel
{
    public required IReadOnlyList<CompilationUnitSyntax> Units { get; init; }

    /// <summary>
    /// Every accepted declaration: kind by kind in the order they bind, and within a kind by file path then position.
    /// The typed lists below are views of it.
    /// </summary>
    public required IReadOnlyList<Symbol> Declarations { get; init; }

    /// <summary>The suite's experiment: the first declared, by file path (a second one is an error).</summary>
    public ExperimentSymbol? Experiment => Declarations.OfType<ExperimentSymbol>().FirstOrDefault();
    public IReadOnlyList<SpecSymbol> Specs => Of<SpecSymbol>();
    public IReadOnlyList<CheckpointSymbol> Checkpoints => Of<CheckpointSymbol>();
    public IReadOnlyList<EnvironmentSymbol> Environments => Of<EnvironmentSymbol>();
    public IReadOnlyList<ManipulationSymbol> Manipulations => Of<ManipulationSymbol>();
    public IReadOnlyList<MetricSymbol> Metrics => Of<MetricSymbol>();
    public IReadOnlyList<RunSymbol> Runs => Of<RunSymbol>();
    public IReadOnlyList<HypothesisSymbol> Hypotheses => Of<HypothesisSymbol>();
    public required IReadOnlyList<SimulatedValueSymbol> Simulation { get; init; }

    /// <summary>Some simulate assignment had an error, so "no simulated value" warnings would be unreliable.</summary>
    public bool SimulationIncomplete { get; init; }
    public required IReadOnlyList<BoundJudge> Judges { get; init; }

    private readonly Dictionary<Type, object> _views = [];

    private IReadOnlyList<T> Of<T>() where T : Symbol
    {
        if (!_views.TryGetValue(typeof(T), out var view))
        {
            _views[typeof(T)] = view = Declarations.OfType<T>().ToList();
        }
        return (IReadOnlyList<T>)view;
    }

    /// <summary>All declarations of one file, in source order.</summary>
    public IEnumerable<Symbol> DeclaredIn(CompilationUnitSyntax unit) =>
        Declarations.Where(s => ReferenceEquals(s.File, unit.File)).OrderBy(s => s.Declaration.Span.Start);

    /// <summary>The expressions a declaration compiles to lambdas: detectors, follow-up graders, metrics, reasoning edits.</summary>
    public static IEnumerable<BoundExpression> ExpressionsOf(Symbol symbol) => symbol switch
    {
        EnvironmentSymbol e => e.Outcomes.Select(o => o.Predicate).Concat(e.Followups.Select(f => f.Grader)),
        MetricSymbol { PerUnit: { } perUnit } => [perUnit],
        ManipulationSymbol { ReasoningEdit: { } edit } => [edit],
        _ => [],
    };
}
