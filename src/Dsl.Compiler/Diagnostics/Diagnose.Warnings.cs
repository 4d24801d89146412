
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
}
