
namespace Scheme.Compiler.Diagnostics;

/// <summary>SCH06xx: warnings about unused or suspicious declarations.</summary>
public static partial class Diagnose
{
    /// <param name="kind">The kind, capitalized, e.g. "Checkpoint".</param>
    public static DiagnosticMessage UnusedDeclaration(string kind, string name) =>
        Make(DiagnosticCatalog.UnusedDeclaration,
            $"{kind} '{name}' is declared but never used. Remove it, or reference it from a run, metric or manipulation.");

    /// <param name="owner">The environment, e.g. "environment 'SandbaggingQA'".</param>
    public static DiagnosticMessage UndeclaredWorkspaceFile(string path, string owner, string suggestion) =>
        Make(DiagnosticCatalog.UndeclaredWorkspaceFile,
            $"'{path}' is not declared in the workspace of {owner}; it reads as empty unless the model creates it.{suggestion}");

    public static DiagnosticMessage UnusedParam(string param, string environment) =>
        Make(DiagnosticCatalog.UnusedParam,
            $"Param '{param}' of environment '{environment}' is used by no prompt or detector, so its variants would be identical.");

    public static DiagnosticMessage NoDetector(string environment) =>
        Make(DiagnosticCatalog.NoDetector,
            $"Environment '{environment}' declares no outcome (no covert_action, outcome or followup), so no metric has data from it.");

    /// <param name="cell">The metric and cell, e.g. "covert_rate[o3]".</param>
    public static DiagnosticMessage NoSimulatedValue(string hypothesis, string cell) =>
        Make(DiagnosticCatalog.NoSimulatedValue,
            $"Hypothesis '{hypothesis}' compares {cell}, which the simulate block gives no value, so offline runs and power analysis treat it as 0.");

    /// <param name="path">The path as the suite writes it.</param>
    public static DiagnosticMessage OutsideProject(string path, string? projectDirectory) =>
        Make(DiagnosticCatalog.OutsideProject,
            $"'{path}' lies outside the project folder {projectDirectory} (symbolic links followed), yet its text is compiled into the runner. Keep the files a study reads inside its project, where they are reviewed with it.");

    /// <param name="reader">What reads it, e.g. "metric 'spec_citation'" or "the covert_action detector of Quiz".</param>
    /// <param name="run">The run that makes the pairing.</param>
    /// <param name="checkpoints">The checkpoints of that run that do not return reasoning.</param>
    public static DiagnosticMessage ReasoningNotExposed(string reader, string run, IReadOnlyList<string> checkpoints) =>
        Make(DiagnosticCatalog.ReasoningNotExposed,
            $"{reader} reads reasoning, but run '{run}' pairs it with {(checkpoints.Count == 1 ? "checkpoint" : "checkpoints")} {List(checkpoints.Select(c => $"'{c}'"))}, " +
            $"which {(checkpoints.Count == 1 ? "does" : "do")} not declare capability reasoning: there it is empty text, and a judge of it sees nothing. " +
            $"Declare reasoning only where the endpoint returns it, and read reasoning only in runs that have it.");

    /// <param name="reader">What reads it, e.g. "metric 'aware_rate'".</param>
    public static DiagnosticMessage EditAppliedWithoutReasoningEdit(string reader) =>
        Make(DiagnosticCatalog.EditAppliedWithoutReasoningEdit,
            $"{reader} reads edit_applied, but no run puts the units it grades under a condition whose manipulation edits the reasoning, " +
            $"so it is false in every unit. Add such a condition to a run, or read edit_applied only where one runs.");
}
