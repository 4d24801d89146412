using Scheme.Compiler.Semantics.Expressions;
using Scheme.Compiler.Semantics.Symbols;

namespace Scheme.Compiler.Semantics.Binding;

/// <summary>What an expression may see: which transcript values, params, tools and outcomes are in scope.</summary>
/// <param name="Owner">Stable name of the member that owns the expression; judge ids derive from it.</param>
/// <param name="JudgeOwner">What a judge() in the expression belongs to; null where judges cannot appear.</param>
/// <param name="Description">How messages name the place, e.g. "the covert_action detector of SandbaggingQA".</param>
/// <param name="ReadableOutcomes">In a detector or follow-up: the environment's outcomes decided before this one.</param>
public sealed record ExpressionContext(
    ExpressionContextKind Kind,
    string Owner,
    string Description,
    EnvironmentSymbol? Environment = null,
    IReadOnlyList<EnvironmentSymbol>? Environments = null,
    JudgeOwnerSymbol? JudgeOwner = null,
    IReadOnlyList<string>? ReadableOutcomes = null)
{
    public IEnumerable<EnvironmentSymbol> VisibleEnvironments =>
        Environment is not null ? [Environment] : Environments ?? [];

    public bool IsOverEpisode => Kind is ExpressionContextKind.Detector or ExpressionContextKind.Followup or ExpressionContextKind.Metric;
}
