using static Scheme.Compiler.Diagnostics.DiagnosticSeverity;

namespace Scheme.Compiler.Diagnostics;

/// <summary>
/// Every diagnostic the compiler can report. Ranges: SCH00xx syntax, SCH01xx names and references,
/// SCH02xx types and expressions, SCH03xx values out of range or malformed, SCH04xx design, SCH05xx prompt templates,
/// SCH06xx warnings about unused or suspicious declarations. SCH90xx belong to the build (MSBuild targets).
/// Diagnostics/README.md documents each code with a wrong and a fixed example; a test keeps them in step.
/// Each code's message is built by the <see cref="Diagnose"/> method of the same name, from typed arguments.
/// </summary>
public static class DiagnosticCatalog
{
    // Syntax
    public static readonly DiagnosticDescriptor SyntaxError = new("SCH0001", Error, "Syntax error");
    public static readonly DiagnosticDescriptor UnterminatedString = new("SCH0002", Error, "Unterminated string");
    public static readonly DiagnosticDescriptor UnexpectedCharacter = new("SCH0003", Error, "Unexpected character");
    public static readonly DiagnosticDescriptor InvalidEscape = new("SCH0004", Error, "Invalid escape sequence");
    public static readonly DiagnosticDescriptor NestedTooDeeply = new("SCH0005", Error, "Nested too deeply");

    // Names and references
    public static readonly DiagnosticDescriptor DuplicateDeclaration = new("SCH0101", Error, "Duplicate declaration");
    public static readonly DiagnosticDescriptor UnknownName = new("SCH0102", Error, "Unknown name");
    public static readonly DiagnosticDescriptor UnknownCheckpoint = new("SCH0103", Error, "Unknown checkpoint");
    public static readonly DiagnosticDescriptor UnknownEnvironment = new("SCH0104", Error, "Unknown environment");
    public static readonly DiagnosticDescriptor UnknownSpec = new("SCH0105", Error, "Unknown spec");
    public static readonly DiagnosticDescriptor UnknownCondition = new("SCH0106", Error, "Unknown condition");
    public static readonly DiagnosticDescriptor UnknownMetric = new("SCH0107", Error, "Unknown metric");
    public static readonly DiagnosticDescriptor UnknownFunction = new("SCH0108", Error, "Unknown function");
    public static readonly DiagnosticDescriptor UnknownTool = new("SCH0109", Error, "Unknown tool");
    public static readonly DiagnosticDescriptor UnknownToolArgument = new("SCH0110", Error, "Unknown tool argument");
    public static readonly DiagnosticDescriptor ImportNotFound = new("SCH0111", Error, "Imported file not found");
    public static readonly DiagnosticDescriptor ImportCycle = new("SCH0112", Error, "Import cycle");
    public static readonly DiagnosticDescriptor ExtendsCycle = new("SCH0113", Error, "Cycle in extends");
    public static readonly DiagnosticDescriptor DuplicateMember = new("SCH0114", Error, "Duplicate member");
    public static readonly DiagnosticDescriptor UnknownProperty = new("SCH0115", Error, "Unknown property");
    public static readonly DiagnosticDescriptor MemberNotAllowed = new("SCH0116", Error, "Member not allowed here");
    public static readonly DiagnosticDescriptor MissingProperty = new("SCH0117", Error, "Missing required property");
    public static readonly DiagnosticDescriptor FileNotFound = new("SCH0118", Error, "File not found");
    public static readonly DiagnosticDescriptor DuplicateExperiment = new("SCH0119", Error, "More than one experiment");
    // Simulated distributions of mean metrics (Diagnose.Simulation.cs)
    public static readonly DiagnosticDescriptor UnknownDistribution = new("SCH0180", Error, "Unknown simulated distribution");
    public static readonly DiagnosticDescriptor DistributionArguments = new("SCH0181", Error, "Wrong arguments of a distribution");
    public static readonly DiagnosticDescriptor DistributionParameterInvalid = new("SCH0182", Error, "Distribution parameter out of range");
    public static readonly DiagnosticDescriptor UnknownProvider = new("SCH0120", Error, "Unknown provider");
    public static readonly DiagnosticDescriptor UnknownCapability = new("SCH0121", Error, "Unknown capability");
    public static readonly DiagnosticDescriptor UnknownTest = new("SCH0122", Error, "Unknown statistical test");
    public static readonly DiagnosticDescriptor InvalidChoice = new("SCH0123", Error, "Value not among the choices");
    public static readonly DiagnosticDescriptor DuplicateOutcome = new("SCH0124", Error, "Duplicate outcome");
    public static readonly DiagnosticDescriptor UnknownPrinciple = new("SCH0125", Error, "Unknown principle");
    public static readonly DiagnosticDescriptor ReservedName = new("SCH0126", Error, "Name reserved by the generated code");
    public static readonly DiagnosticDescriptor SameFileName = new("SCH0127", Error, "Two files with one name");
    public static readonly DiagnosticDescriptor CSharpMethodConflict = new("SCH0128", Error, "C# method with two signatures");
    public static readonly DiagnosticDescriptor SameCSharpName = new("SCH0130", Error, "Two names, one C# method");
    public static readonly DiagnosticDescriptor NameTooLong = new("SCH0131", Error, "Name too long for C#");
    public static readonly DiagnosticDescriptor UnreadableSource = new("SCH0132", Error, "Cannot read a source file");
    public static readonly DiagnosticDescriptor UnwritablePath = new("SCH0129", Error, "Path that C# cannot hold");
    public static readonly DiagnosticDescriptor MissingExperiment = new("SCH0133", Error, "Runs without an experiment");
    public static readonly DiagnosticDescriptor DeclarationNamedLikeMethod = new("SCH0134", Error, "Declaration and C# method with one name");
    public static readonly DiagnosticDescriptor ToolNotListed = new("SCH0135", Error, "Tool not in the environment's tools");
    public static readonly DiagnosticDescriptor MetricReadsMissing = new("SCH0136", Error, "Metric reads what an environment lacks");
    public static readonly DiagnosticDescriptor MetricAppliesNowhere = new("SCH0137", Error, "Metric applies to no environment");
    public static readonly DiagnosticDescriptor PairMetricReads = new("SCH0138", Error, "Pair metric reads what a pair does not have");

    // Sandboxes (the feature/sandbox branch's ranges)
    public static readonly DiagnosticDescriptor UnknownSandbox = new("SCH0140", Error, "Unknown sandbox");
    public static readonly DiagnosticDescriptor ToolNeedsSandbox = new("SCH0141", Error, "Tool needs a sandbox");
    public static readonly DiagnosticDescriptor HomeWithoutSandbox = new("SCH0142", Error, "Home folder without a sandbox");
    public static readonly DiagnosticDescriptor UnknownGraderFile = new("SCH0150", Error, "Unknown grader file");
    public static readonly DiagnosticDescriptor InheritedMemberInvalid = new("SCH0151", Error, "Inherited member does not hold");
    public static readonly DiagnosticDescriptor GraderFileInWorkspace = new("SCH0152", Error, "Grader file also in the workspace");

    // Estimands (the feature/intervals-estimands branch's range)
    public static readonly DiagnosticDescriptor UnknownEstimand = new("SCH0170", Error, "Unknown estimand");
    public static readonly DiagnosticDescriptor EstimandDoesNotFit = new("SCH0171", Error, "Estimand does not fit the comparison");
    public static readonly DiagnosticDescriptor AverageOfOneEnvironment = new("SCH0172", Error, "Average over environments of one environment");

    // Types and expressions
    public static readonly DiagnosticDescriptor TypeMismatch = new("SCH0201", Error, "Type mismatch");
    public static readonly DiagnosticDescriptor ArgumentCount = new("SCH0202", Error, "Wrong number of arguments");
    public static readonly DiagnosticDescriptor UnknownNamedArgument = new("SCH0203", Error, "Unknown named argument");
    public static readonly DiagnosticDescriptor ListExpected = new("SCH0204", Error, "List expected");
    public static readonly DiagnosticDescriptor EmptyList = new("SCH0205", Error, "Empty list");
    public static readonly DiagnosticDescriptor InvalidOperands = new("SCH0206", Error, "Invalid operands");
    public static readonly DiagnosticDescriptor InvalidIndex = new("SCH0207", Error, "Invalid index");
    public static readonly DiagnosticDescriptor InvalidRegex = new("SCH0208", Error, "Invalid regular expression");
    public static readonly DiagnosticDescriptor NotAllowedInContext = new("SCH0209", Error, "Not allowed in this context");
    public static readonly DiagnosticDescriptor ConstantExpected = new("SCH0210", Error, "Constant expected");
    public static readonly DiagnosticDescriptor MixedListTypes = new("SCH0211", Error, "Mixed list element types");
    public static readonly DiagnosticDescriptor InvalidToolDeclaration = new("SCH0212", Error, "Invalid tool declaration");
    public static readonly DiagnosticDescriptor UnknownType = new("SCH0213", Error, "Unknown type");
    public static readonly DiagnosticDescriptor NotAFunction = new("SCH0214", Error, "Not callable");

    // Values
    public static readonly DiagnosticDescriptor AlphaOutOfRange = new("SCH0301", Error, "Alpha out of range");
    public static readonly DiagnosticDescriptor EpochsNotPositive = new("SCH0302", Error, "Epochs must be positive");
    public static readonly DiagnosticDescriptor TemperatureOutOfRange = new("SCH0303", Error, "Temperature out of range");
    public static readonly DiagnosticDescriptor ProbabilityOutOfRange = new("SCH0304", Error, "Rate out of range");
    public static readonly DiagnosticDescriptor NotPositive = new("SCH0305", Error, "Value must be positive");
    public static readonly DiagnosticDescriptor IntegerExpected = new("SCH0306", Error, "Whole number expected");

    public static readonly DiagnosticDescriptor NumberOutOfRange = new("SCH0307", Error, "Number out of range");
    public static readonly DiagnosticDescriptor InvalidBaseUrl = new("SCH0308", Error, "Invalid base URL");
    public static readonly DiagnosticDescriptor InvalidApiKeyVariable = new("SCH0309", Error, "Invalid API key variable name");
    public static readonly DiagnosticDescriptor InvalidWorkspacePath = new("SCH0310", Error, "Invalid workspace path");
    public static readonly DiagnosticDescriptor InvalidMethodName = new("SCH0311", Error, "Invalid C# method name");
    public static readonly DiagnosticDescriptor EffortNotInFormat = new("SCH0325", Error, "Reasoning effort the format cannot express");
    public static readonly DiagnosticDescriptor InvalidSandboxFolder = new("SCH0320", Error, "Invalid sandbox folder");
    public static readonly DiagnosticDescriptor FileOutsideMounts = new("SCH0321", Error, "File outside the workspace and its mounts");
    public static readonly DiagnosticDescriptor InvalidRenderedPath = new("SCH0330", Error, "Rendered workspace path invalid");
    public static readonly DiagnosticDescriptor ImpossibleRate = new("SCH0331", Error, "Rate compared with a constant it cannot reach");

    // Design
    public static readonly DiagnosticDescriptor AbsentFromRuns = new("SCH0401", Error, "Compared cell is never run");
    public static readonly DiagnosticDescriptor CapabilityMissing = new("SCH0402", Error, "Checkpoint lacks a required capability");
    public static readonly DiagnosticDescriptor NotAComparison = new("SCH0403", Error, "Hypothesis is not a comparison");
    public static readonly DiagnosticDescriptor NotAFactor = new("SCH0404", Error, "Not a design factor");
    public static readonly DiagnosticDescriptor DuplicateFactor = new("SCH0405", Error, "Factor selected twice");
    public static readonly DiagnosticDescriptor IdenticalCells = new("SCH0406", Error, "Comparison of a cell with itself");
    public static readonly DiagnosticDescriptor DuplicateListEntry = new("SCH0407", Error, "Listed twice");
    public static readonly DiagnosticDescriptor EmptyManipulation = new("SCH0408", Error, "Manipulation changes nothing");
    public static readonly DiagnosticDescriptor ReasoningEditWithoutRequirement = new("SCH0409", Error, "Reasoning edit without its requirement");
    public static readonly DiagnosticDescriptor TestDoesNotFit = new("SCH0411", Error, "Test does not fit the comparison");
    public static readonly DiagnosticDescriptor BaselineRedeclared = new("SCH0410", Error, "'baseline' is reserved");
    public static readonly DiagnosticDescriptor UnknownCellParam = new("SCH0412", Error, "Not a param of the cell's environments");
    public static readonly DiagnosticDescriptor CellParamValueUndeclared = new("SCH0413", Error, "Param value not declared");
    public static readonly DiagnosticDescriptor ParamWithoutValue = new("SCH0414", Error, "Param selected without a value");
    public static readonly DiagnosticDescriptor PairNeverRun = new("SCH0415", Error, "Pair metric's conditions are never run together");
    public static readonly DiagnosticDescriptor PairCellWithCondition = new("SCH0416", Error, "Pair metric compared in one condition");
    public static readonly DiagnosticDescriptor ReasoningFormatNeedsCapability = new("SCH0425", Error, "Reasoning format without its capability");
    public static readonly DiagnosticDescriptor EditTargetAbsent = new("SCH0430", Error, "Edit target not in the prompt");
    public static readonly DiagnosticDescriptor FileEditMismatch = new("SCH0431", Error, "File edit does not fit the workspace");
    public static readonly DiagnosticDescriptor DistributionForRate = new("SCH0450", Error, "Distribution given for a rate metric");
    public static readonly DiagnosticDescriptor FamilyCorrectionsDiffer = new("SCH0451", Error, "Corrections differ within a family");
    public static readonly DiagnosticDescriptor ReviewedNotAnOutcome = new("SCH0470", Error, "reviewed() of something that is not an outcome");
    public static readonly DiagnosticDescriptor ReviewedOutsideRate = new("SCH0471", Error, "reviewed() outside rate(...) of a metric");
    public static readonly DiagnosticDescriptor ReviewedSimulated = new("SCH0472", Error, "Simulated value for a reviewed metric");
    public static readonly DiagnosticDescriptor HypothesisOverReviewed = new("SCH0473", Warning, "Hypothesis over a reviewed metric");

    // Prompt templates
    public static readonly DiagnosticDescriptor UnknownTemplateVariable = new("SCH0501", Error, "Unknown template variable");
    public static readonly DiagnosticDescriptor TemplateSyntaxError = new("SCH0502", Error, "Template syntax error");

    // Warnings
    public static readonly DiagnosticDescriptor UnusedDeclaration = new("SCH0601", Warning, "Unused declaration");
    public static readonly DiagnosticDescriptor UndeclaredWorkspaceFile = new("SCH0602", Warning, "File not in the workspace");
    public static readonly DiagnosticDescriptor UnusedParam = new("SCH0603", Warning, "Unused param");
    public static readonly DiagnosticDescriptor NoDetector = new("SCH0604", Warning, "Environment without a detector");
    public static readonly DiagnosticDescriptor NoSimulatedValue = new("SCH0605", Warning, "No simulated value");
    public static readonly DiagnosticDescriptor OutsideProject = new("SCH0606", Warning, "File outside the project");
    public static readonly DiagnosticDescriptor ReasoningNotExposed = new("SCH0625", Warning, "Reads reasoning a checkpoint does not return");
    public static readonly DiagnosticDescriptor EditAppliedWithoutReasoningEdit = new("SCH0626", Warning, "edit_applied where no reasoning edit runs");

    /// <summary>The diagnostics of the parser and lexer, after which semantic follow-ons are suppressed.</summary>
    public static IReadOnlySet<DiagnosticDescriptor> Syntax { get; } =
        new HashSet<DiagnosticDescriptor>([SyntaxError, UnterminatedString, UnexpectedCharacter, InvalidEscape, NestedTooDeeply]);

    public static IReadOnlyList<DiagnosticDescriptor> All { get; } =
        typeof(DiagnosticCatalog).GetFields()
            .Where(f => f.FieldType == typeof(DiagnosticDescriptor))
            .Select(f => (DiagnosticDescriptor)f.GetValue(null)!)
            .OrderBy(d => d.Code, StringComparer.Ordinal)
            .ToList();
}
