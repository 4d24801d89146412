
namespace Scheme.Compiler.Diagnostics;

/// <summary>SCH04xx: whether the declared experiment can answer its hypotheses.</summary>
public static partial class Diagnose
{
    /// <param name="kind">"Checkpoint", "Environment" or "Condition".</param>
    /// <param name="list">The run list it belongs in, e.g. "checkpoints".</param>
    public static DiagnosticMessage AbsentFromRuns(string kind, string name, string list) =>
        Make(DiagnosticCatalog.AbsentFromRuns,
            $"{kind} '{name}' is compared here but no run includes it, so the hypothesis could never be tested. Add it to a run's {list}.");

    public static DiagnosticMessage CapabilityMissing(string manipulation, string capability, string checkpoint) =>
        Make(DiagnosticCatalog.CapabilityMissing,
            $"Manipulation '{manipulation}' requires '{capability}', which checkpoint '{checkpoint}' does not declare. Declare it with capabilities: [{capability}] if the endpoint supports it, or remove this pairing from the run.");

    /// <param name="what">What the expect clause is instead, e.g. "a comparison of two numbers".</param>
    public static DiagnosticMessage NotAComparison(string what) =>
        Make(DiagnosticCatalog.NotAComparison,
            $"expect must compare two metric values, e.g. expect covert_rate[o3_as] < covert_rate[o3]; this is {what}.");

    public static DiagnosticMessage NotAFactor(string name, string metric, string suggestion) =>
        Make(DiagnosticCatalog.NotAFactor,
            $"'{name}' is not a checkpoint, environment or condition, so it cannot select a cell of metric '{metric}'.{suggestion}");

    /// <param name="factor">"Checkpoint", "Environment" or "Condition".</param>
    public static DiagnosticMessage DuplicateFactor(string factor, string first, string second) =>
        Make(DiagnosticCatalog.DuplicateFactor,
            $"{factor} is selected twice in this cell ('{first}' and '{second}'). A cell names at most one checkpoint, one environment, one condition and one value of each param.");

    /// <param name="cell">The cell, e.g. "[o3]".</param>
    public static DiagnosticMessage IdenticalCells(string cell) =>
        Make(DiagnosticCatalog.IdenticalCells,
            $"Both sides of this comparison select the same cell, {cell}; the hypothesis is trivially false. Compare different checkpoints, conditions or environments.");

    /// <param name="entry">The entry as written; a string value in quotes.</param>
    /// <param name="list">The list, e.g. "checkpoints of run 'Main'" or "capabilities".</param>
    public static DiagnosticMessage DuplicateListEntry(string entry, string list) =>
        Make(DiagnosticCatalog.DuplicateListEntry, $"'{entry}' is listed twice in {list}.");

    public static DiagnosticMessage EmptyManipulation(string manipulation) =>
        Make(DiagnosticCatalog.EmptyManipulation,
            $"Manipulation '{manipulation}' edits neither system, user nor reasoning, so its condition would equal baseline.");

    public static DiagnosticMessage ReasoningEditWithoutRequirement(string manipulation) =>
        Make(DiagnosticCatalog.ReasoningEditWithoutRequirement,
            $"Manipulation '{manipulation}' edits the model's reasoning, which only works where the endpoint accepts a reasoning prefill. Add 'requires: reasoning_prefill' so the compiler can check every checkpoint it runs with.");

    /// <param name="why">Why it does not fit, a sentence.</param>
    /// <param name="fix">The tests that fit, a sentence.</param>
    public static DiagnosticMessage TestDoesNotFit(string test, string why, string fix) =>
        Make(DiagnosticCatalog.TestDoesNotFit, $"{test} cannot test this hypothesis: {why} {fix}");

    public static DiagnosticMessage BaselineRedeclared() =>
        Make(DiagnosticCatalog.BaselineRedeclared,
            $"'baseline' names the unmanipulated condition and cannot be declared as a manipulation. Choose another name.");

    /// <param name="where">"environment 'Oversight'" or "any environment".</param>
    public static DiagnosticMessage UnknownCellParam(string name, string where, string suggestion) =>
        Make(DiagnosticCatalog.UnknownCellParam,
            $"'{name}' is not a param of {where}, so '{name}: ...' cannot select variants of this cell.{suggestion}");

    /// <param name="values">The declared values, e.g. "true, false".</param>
    public static DiagnosticMessage CellParamValueUndeclared(string name, string value, string values) =>
        Make(DiagnosticCatalog.CellParamValueUndeclared,
            $"Param '{name}' is never {value}; its declared values are {values}, so this cell would hold no units.");

    /// <param name="example">A fixed spelling, e.g. "nudge: false".</param>
    public static DiagnosticMessage ParamWithoutValue(string name, string example) =>
        Make(DiagnosticCatalog.ParamWithoutValue,
            $"'{name}' is a param, not a checkpoint, environment or condition; a cell selects a param's variants by value, e.g. [{example}].");

    public static DiagnosticMessage PairNeverRun(string metric, string first, string second) =>
        Make(DiagnosticCatalog.PairNeverRun,
            $"Pair metric '{metric}' pairs conditions '{first}' and '{second}', but no run has both, so it has no pairs. Add both to one run's conditions.");

    /// <param name="fixedCell">The cell without its condition, e.g. "[o3]".</param>
    public static DiagnosticMessage PairCellWithCondition(string metric, string condition, string fixedCell) =>
        Make(DiagnosticCatalog.PairCellWithCondition,
            $"Metric '{metric}' is a pair metric: each value spans its two conditions, so a cell cannot select condition '{condition}'. Leave the condition out: {metric}{fixedCell}.");

    /// <param name="capability">The capability the format needs, e.g. "raw_completions".</param>
    public static DiagnosticMessage ReasoningFormatNeedsCapability(string checkpoint, string format, string capability) =>
        Make(DiagnosticCatalog.ReasoningFormatNeedsCapability,
            $"Checkpoint '{checkpoint}' has reasoning_format {format}, whose every request needs capability {capability}, which it does not declare. " +
            $"Add {capability} to its capabilities if the endpoint serves it (vLLM does), or use another reasoning_format.");
}
