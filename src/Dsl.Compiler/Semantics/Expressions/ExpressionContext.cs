using Scheme.Compiler.Semantics.Symbols;

namespace Scheme.Compiler.Semantics.Expressions;

public enum ExpressionContextKind
{
    /// <summary>Compile-time values: settings, workspace contents, spec text.</summary>
    Constant,
    /// <summary>A detector over one environment's finished episode (covert_action).</summary>
    Detector,
    /// <summary>The grader of a follow-up answer.</summary>
    Followup,
    /// <summary>A metric definition: per-unit values aggregated by rate or mean.</summary>
    Metric,
    /// <summary>The condition of <c>remove sentences where ...</c>, over one sentence of reasoning.</summary>
    Sentence,
    /// <summary>A system or user prompt edit of a manipulation.</summary>
    PromptEdit,
    /// <summary>The reasoning edit of a manipulation.</summary>
    ReasoningEdit,
}

/// <summary>What an expression may see: which transcript values, params, tools and outcomes are in scope.</summary>
/// <param name="Owner">Stable name of the member that owns the expression; judge ids derive from it.</param>
/// <param name="Description">How messages name the place, e.g. "the covert_action detector of SandbaggingQA".</param>
public sealed record ExpressionContext(
    ExpressionContextKind Kind,
    string Owner,
    string Description,
    EnvironmentSymbol? Environment = null,
    IReadOnlyList<EnvironmentSymbol>? Environments = null)
{
    public IEnumerable<EnvironmentSymbol> VisibleEnvironments =>
        Environment is not null ? [Environment] : Environments ?? [];

    public bool IsOverEpisode => Kind is ExpressionContextKind.Detector or ExpressionContextKind.Followup or ExpressionContextKind.Metric;
}
