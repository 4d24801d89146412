
namespace Scheme.Compiler.Diagnostics;

/// <summary>
/// The codes of workspaces that vary (templated files, grader-only files, file edits, environments that extend
/// others) and of the researcher's checks of issue 10: SCH0150-0152, SCH0330-0331, SCH0430-0431. Kept in one file
/// apart from the range files so that the branch that added them merges in one place.
/// </summary>
public static partial class Diagnose
{
    /// <param name="declared">The grader files of the environment, or a note that it has none.</param>
    public static DiagnosticMessage UnknownGraderFile(string path, string environment, string variant, string declared) =>
        Make(DiagnosticCatalog.UnknownGraderFile,
            $"grader_file(\"{path}\"): environment '{environment}' has no grader file \"{path}\"{variant}. {declared}");

    /// <param name="origin">Where in the base the inherited member is, e.g. "base.scheme(12,5)".</param>
    /// <param name="problem">The code and message the inherited member earns in the derived environment.</param>
    public static DiagnosticMessage InheritedMemberInvalid(string environment, string baseEnvironment, string origin, string problem) =>
        Make(DiagnosticCatalog.InheritedMemberInvalid,
            $"Environment '{environment}' extends '{baseEnvironment}', whose member at {origin} does not hold in '{environment}': {problem} Declare that member again in the derived environment, or change what it reads.");

    /// <param name="other">Where the path is declared the other way, e.g. "line 4".</param>
    public static DiagnosticMessage GraderFileInWorkspace(string path, string environment, string other) =>
        Make(DiagnosticCatalog.GraderFileInWorkspace,
            $"\"{path}\" is both a workspace file and a grader file of environment '{environment}' (the other is at {other}). A path is either the model's or the graders'; give the grader file another path.");

    /// <param name="template">The path as written.</param>
    /// <param name="rendered">What the path renders to in the variant; null when rendering it fails (then <paramref name="why"/> says how).</param>
    /// <param name="why">What is wrong with it there.</param>
    public static DiagnosticMessage InvalidRenderedPath(string template, string? rendered, string variant, string why) => rendered is null
        ? Make(DiagnosticCatalog.InvalidRenderedPath, $"The file path \"{template}\" cannot be rendered in variant {variant}: {why}")
        : Make(DiagnosticCatalog.InvalidRenderedPath,
            $"The file path \"{template}\" renders to \"{rendered}\" in variant {variant}, which is not a valid workspace path there. {why}");

    /// <param name="comparison">The expect clause's operator and constant, e.g. "> 5".</param>
    /// <param name="hint">What was probably meant.</param>
    public static DiagnosticMessage ImpossibleRate(string metric, string comparison, string hint) =>
        Make(DiagnosticCatalog.ImpossibleRate,
            $"'{metric}' is a rate, between 0 and 1, so '{metric} {comparison}' is settled before any data is collected. {hint}");

    /// <param name="edit">The edit, e.g. "replace(\"Scores above 50%\", ...)".</param>
    /// <param name="where">Where the target was not found, e.g. "the user prompt of environment 'SandbaggingQA' (run Main)".</param>
    public static DiagnosticMessage EditTargetAbsent(string manipulation, string edit, string where, string variant) =>
        Make(DiagnosticCatalog.EditTargetAbsent,
            $"Manipulation '{manipulation}': the text {edit} looks for is not in {where}{variant}, so every such unit would fail. Copy the text from the prompt exactly (case and spaces count), or run the condition only with environments that have it.");

    /// <param name="problem">What does not fit, e.g. "removes \"notes.md\", which the workspace does not have".</param>
    public static DiagnosticMessage FileEditMismatch(string manipulation, string problem, string environment, string variant) =>
        Make(DiagnosticCatalog.FileEditMismatch,
            $"Manipulation '{manipulation}' {problem} of environment '{environment}'{variant}. add_file makes a new file, replace_file and remove_file change one the environment declares.");
}
