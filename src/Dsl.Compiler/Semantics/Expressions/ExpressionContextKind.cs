
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
    /// <summary>The workspace file edits of a manipulation (add_file, replace_file, remove_file).</summary>
    WorkspaceEdit,
}
