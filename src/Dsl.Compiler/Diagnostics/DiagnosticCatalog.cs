using static Scheme.Compiler.Diagnostics.DiagnosticSeverity;

namespace Scheme.Compiler.Diagnostics;

/// <summary>
/// Every diagnostic the compiler can report. Ranges: SCH00xx syntax, SCH01xx names and references,
/// SCH02xx types and expressions, SCH03xx values, SCH04xx design, SCH05xx prompt templates,
/// SCH06xx warnings about unused or suspicious declarations. SCH90xx belong to the build (MSBuild targets).
/// Diagnostics/README.md documents each code with a wrong and a fixed example; a test keeps them in step.
/// </summary>
public static class DiagnosticCatalog
{
    // Syntax
    public static readonly DiagnosticDescriptor SyntaxError = new("SCH0001", Error, "Syntax error",
        "{0}");
    public static readonly DiagnosticDescriptor UnterminatedString = new("SCH0002", Error, "Unterminated string",
        "This string is never closed. Close a \"...\" string on its own line, or a \"\"\"...\"\"\" string with three quotes.");
    public static readonly DiagnosticDescriptor UnexpectedCharacter = new("SCH0003", Error, "Unexpected character",
        "The character '{0}' cannot appear here. Remove it, or put it inside a string.");
    public static readonly DiagnosticDescriptor InvalidEscape = new("SCH0004", Error, "Invalid escape sequence",
        "'\\{0}' is not an escape sequence. Use \\\" \\\\ \\n \\t or \\r, or a \"\"\"triple-quoted\"\"\" string for raw text.");

    // Names and references
    public static readonly DiagnosticDescriptor DuplicateDeclaration = new("SCH0101", Error, "Duplicate declaration",
        "'{0}' is already declared as {1} at {2}. Every name is declared once; rename one of them.");
    public static readonly DiagnosticDescriptor UnknownName = new("SCH0102", Error, "Unknown name",
        "Unknown name '{0}'.{1}");
    public static readonly DiagnosticDescriptor UnknownCheckpoint = new("SCH0103", Error, "Unknown checkpoint",
        "Unknown checkpoint '{0}'.{1}");
    public static readonly DiagnosticDescriptor UnknownEnvironment = new("SCH0104", Error, "Unknown environment",
        "Unknown environment '{0}'.{1}");
    public static readonly DiagnosticDescriptor UnknownSpec = new("SCH0105", Error, "Unknown spec",
        "Unknown spec '{0}'.{1}");
    public static readonly DiagnosticDescriptor UnknownCondition = new("SCH0106", Error, "Unknown condition",
        "Unknown condition '{0}': a condition is 'baseline' or the name of a manipulation.{1}");
    public static readonly DiagnosticDescriptor UnknownMetric = new("SCH0107", Error, "Unknown metric",
        "Unknown metric '{0}'.{1}");
    public static readonly DiagnosticDescriptor UnknownFunction = new("SCH0108", Error, "Unknown function",
        "Unknown function '{0}'.{1} For custom logic write csharp(\"MethodName\") and implement the partial method in C#.");
    public static readonly DiagnosticDescriptor UnknownTool = new("SCH0109", Error, "Unknown tool",
        "'{0}' is {1}.{2}");
    public static readonly DiagnosticDescriptor UnknownToolArgument = new("SCH0110", Error, "Unknown tool argument",
        "Tool '{0}' has no argument '{1}'.{2}");
    public static readonly DiagnosticDescriptor ImportNotFound = new("SCH0111", Error, "Imported file not found",
        "Cannot import '{0}' (from '{1}'): {2}. Paths are relative to the importing file.");
    public static readonly DiagnosticDescriptor ImportCycle = new("SCH0112", Error, "Import cycle",
        "Import cycle: {0}. Move the shared declarations into a file that both can import.");
    public static readonly DiagnosticDescriptor ExtendsCycle = new("SCH0113", Error, "Cycle in extends",
        "Checkpoint lineage forms a cycle: {0}. A checkpoint cannot extend itself, directly or indirectly.");
    public static readonly DiagnosticDescriptor DuplicateMember = new("SCH0114", Error, "Duplicate member",
        "'{0}' is set more than once in {1}; the first is at {2}. Keep one.");
    public static readonly DiagnosticDescriptor UnknownProperty = new("SCH0115", Error, "Unknown property",
        "'{0}' is not a property of {1}.{2} Known properties: {3}.");
    public static readonly DiagnosticDescriptor MemberNotAllowed = new("SCH0116", Error, "Member not allowed here",
        "{0} cannot appear in {1}. {2}");
    public static readonly DiagnosticDescriptor MissingProperty = new("SCH0117", Error, "Missing required property",
        "{0} is missing '{1}'. {2}");
    public static readonly DiagnosticDescriptor FileNotFound = new("SCH0118", Error, "File not found",
        "Cannot read file '{0}' (in '{1}'): {2}. Paths are relative to the .scheme file that names them.");
    public static readonly DiagnosticDescriptor ExperimentCount = new("SCH0119", Error, "Experiment declaration count",
        "{0}");
    public static readonly DiagnosticDescriptor UnknownProvider = new("SCH0120", Error, "Unknown provider",
        "Unknown provider '{0}'. Known providers: {2}.{3}");
    public static readonly DiagnosticDescriptor UnknownCapability = new("SCH0121", Error, "Unknown capability",
        "Unknown capability '{0}'. Known capabilities: {1}.{2}");
    public static readonly DiagnosticDescriptor UnknownTest = new("SCH0122", Error, "Unknown statistical test",
        "Unknown test '{0}'. Known tests: {1}.{2}");
    public static readonly DiagnosticDescriptor InvalidChoice = new("SCH0123", Error, "Invalid value",
        "'{0}' is not a valid value for {1}. Valid values: {2}.{3}");
    public static readonly DiagnosticDescriptor DuplicateOutcome = new("SCH0124", Error, "Duplicate outcome",
        "Outcome '{0}' is defined twice in environment '{1}'. Outcome names must be unique within an environment.");
    public static readonly DiagnosticDescriptor UnknownPrinciple = new("SCH0125", Error, "Unknown principle",
        "Spec '{0}' has no principle '{1}'.{2} Its principles: {3}.");
    public static readonly DiagnosticDescriptor ReservedName = new("SCH0126", Error, "Name reserved by the generated code",
        "'{0}' {1}, so the generated C# could not use it. Choose another name.");
    public static readonly DiagnosticDescriptor SameFileName = new("SCH0127", Error, "Two files with one name",
        "This suite has two files named '{0}' ({1} and {2}); their generated C# would overwrite each other. Rename one.");
    public static readonly DiagnosticDescriptor CSharpMethodConflict = new("SCH0128", Error, "C# method with two signatures",
        "csharp(\"{0}\") is used here as {1} but at {2} as {3}; one C# method has one return type. Use two methods.");
    public static readonly DiagnosticDescriptor SameCSharpName = new("SCH0130", Error, "Two names, one C# method",
        "{0} and {1} would both become the C# method {2} of {3}. Rename one.");
    public static readonly DiagnosticDescriptor NameTooLong = new("SCH0131", Error, "Name too long for C#",
        "{0} is {1} characters long and becomes a C# identifier, which C# limits to {2} characters. Shorten it.");
    public static readonly DiagnosticDescriptor UnreadableSource = new("SCH0132", Error, "Cannot read a source file",
        "This .scheme file cannot be read: {0}. Give the compiler regular .scheme files of at most 16 MiB.");
    public static readonly DiagnosticDescriptor UnwritablePath = new("SCH0129", Error, "Path that C# cannot hold",
        "The path of this file contains {0}, which {1}. Rename the file or the folder that holds it.");

    // Types and expressions
    public static readonly DiagnosticDescriptor TypeMismatch = new("SCH0201", Error, "Type mismatch",
        "Expected {0} but this is {1}.{2}");
    public static readonly DiagnosticDescriptor ArgumentCount = new("SCH0202", Error, "Wrong number of arguments",
        "{0} takes {1} but is given {2}. Signature: {3}.");
    public static readonly DiagnosticDescriptor UnknownNamedArgument = new("SCH0203", Error, "Unknown named argument",
        "{0} has no parameter '{1}'. Signature: {2}.");
    public static readonly DiagnosticDescriptor ListExpected = new("SCH0204", Error, "List expected",
        "{0} must be a list, written [a, b, ...].");
    public static readonly DiagnosticDescriptor EmptyList = new("SCH0205", Error, "Empty list",
        "{0} is an empty list; it needs at least one element.");
    public static readonly DiagnosticDescriptor InvalidOperands = new("SCH0206", Error, "Invalid operands",
        "Operator '{0}' cannot be applied to {1} and {2}.");
    public static readonly DiagnosticDescriptor InvalidIndex = new("SCH0207", Error, "Invalid index",
        "{0}");
    public static readonly DiagnosticDescriptor InvalidRegex = new("SCH0208", Error, "Invalid regular expression",
        "'{0}' is not a valid .NET regular expression: {1}");
    public static readonly DiagnosticDescriptor NotAllowedInContext = new("SCH0209", Error, "Not allowed in this context",
        "{0} cannot be used in {1}. {2}");
    public static readonly DiagnosticDescriptor ConstantExpected = new("SCH0210", Error, "Constant expected",
        "{0} must be a literal value known at compile time.");
    public static readonly DiagnosticDescriptor MixedListTypes = new("SCH0211", Error, "Mixed list element types",
        "All values of {0} must have one type; this element is {1} but the first is {2}.");
    public static readonly DiagnosticDescriptor InvalidToolDeclaration = new("SCH0212", Error, "Invalid tool declaration",
        "{0} Write a tool as a name, e.g. read_file, or with typed arguments, e.g. submit(answer: string).");
    public static readonly DiagnosticDescriptor UnknownType = new("SCH0213", Error, "Unknown type",
        "Unknown type '{0}'. Tool arguments are string, number, bool or list.{1}");
    public static readonly DiagnosticDescriptor NotAFunction = new("SCH0214", Error, "Not callable",
        "'{0}' is {1}, not a function; it cannot be called.");

    // Values
    public static readonly DiagnosticDescriptor AlphaOutOfRange = new("SCH0301", Error, "Alpha out of range",
        "alpha is {0}, but a significance level must lie strictly between 0 and 1 (e.g. 0.05 or 0.01).");
    public static readonly DiagnosticDescriptor EpochsNotPositive = new("SCH0302", Error, "Epochs must be positive",
        "{0} is {1}, but every cell needs at least one sample. Use a whole number of 1 or more.");
    public static readonly DiagnosticDescriptor TemperatureOutOfRange = new("SCH0303", Error, "Temperature out of range",
        "{0} is {1}, outside the range 0 to 2 that OpenAI-compatible APIs accept.");
    public static readonly DiagnosticDescriptor ProbabilityOutOfRange = new("SCH0304", Error, "Rate out of range",
        "{0} is {1}, but it is a probability, between 0 and 1 (or 0% to 100%).");
    public static readonly DiagnosticDescriptor NotPositive = new("SCH0305", Error, "Value must be positive",
        "{0} is {1}, but it must be at least 1.");
    public static readonly DiagnosticDescriptor IntegerExpected = new("SCH0306", Error, "Whole number expected",
        "{0} is {1}, but it must be a whole number.");

    public static readonly DiagnosticDescriptor NumberOutOfRange = new("SCH0307", Error, "Number out of range",
        "{0} is too large: the largest value allowed here is {1}.");

    // Design
    public static readonly DiagnosticDescriptor AbsentFromRuns = new("SCH0401", Error, "Compared cell is never run",
        "{0} '{1}' is compared here but no run includes it, so the hypothesis could never be tested. Add it to a run's {2}.");
    public static readonly DiagnosticDescriptor CapabilityMissing = new("SCH0402", Error, "Checkpoint lacks a required capability",
        "Manipulation '{0}' requires '{1}', which checkpoint '{2}' does not declare. Declare it with capabilities: [{1}] if the endpoint supports it, or remove this pairing from the run.");
    public static readonly DiagnosticDescriptor NotAComparison = new("SCH0403", Error, "Hypothesis is not a comparison",
        "expect must compare two metric values, e.g. expect covert_rate[o3_as] < covert_rate[o3]; this is {0}.");
    public static readonly DiagnosticDescriptor NotAFactor = new("SCH0404", Error, "Not a design factor",
        "'{0}' is not a checkpoint, environment or condition, so it cannot select a cell of metric '{1}'.{2}");
    public static readonly DiagnosticDescriptor DuplicateFactor = new("SCH0405", Error, "Factor selected twice",
        "{0} is selected twice in this cell ('{1}' and '{2}'). A cell names at most one checkpoint, one environment and one condition.");
    public static readonly DiagnosticDescriptor IdenticalCells = new("SCH0406", Error, "Comparison of a cell with itself",
        "Both sides of this comparison select the same cell, {0}; the hypothesis is trivially false. Compare different checkpoints, conditions or environments.");
    public static readonly DiagnosticDescriptor DuplicateRunEntry = new("SCH0407", Error, "Listed twice",
        "'{0}' is listed twice in {1}.");
    public static readonly DiagnosticDescriptor EmptyManipulation = new("SCH0408", Error, "Manipulation changes nothing",
        "Manipulation '{0}' edits neither system, user nor reasoning, so its condition would equal baseline.");
    public static readonly DiagnosticDescriptor ReasoningEditWithoutRequirement = new("SCH0409", Error, "Reasoning edit without its requirement",
        "Manipulation '{0}' edits the model's reasoning, which only works where the endpoint accepts a reasoning prefill. Add 'requires: reasoning_prefill' so the compiler can check every checkpoint it runs with.");
    public static readonly DiagnosticDescriptor TestDoesNotFit = new("SCH0411", Error, "Test does not fit the comparison",
        "{0} cannot test this hypothesis: {1} {2}");
    public static readonly DiagnosticDescriptor BaselineRedeclared = new("SCH0410", Error, "'baseline' is reserved",
        "'baseline' names the unmanipulated condition and cannot be declared as a manipulation. Choose another name.");

    // Prompt templates
    public static readonly DiagnosticDescriptor UnknownTemplateVariable = new("SCH0501", Error, "Unknown template variable",
        "The template uses '{0}', which is not a param of environment '{1}'.{2}");
    public static readonly DiagnosticDescriptor TemplateSyntaxError = new("SCH0502", Error, "Template syntax error",
        "Prompt template error: {0}");

    // Warnings
    public static readonly DiagnosticDescriptor UnusedDeclaration = new("SCH0601", Warning, "Unused declaration",
        "{0} '{1}' is declared but never used. Remove it, or reference it from a run, metric or manipulation.");
    public static readonly DiagnosticDescriptor UndeclaredWorkspaceFile = new("SCH0602", Warning, "File not in the workspace",
        "'{0}' is not declared in the workspace of {1}; it reads as empty unless the model creates it.{2}");
    public static readonly DiagnosticDescriptor UnusedParam = new("SCH0603", Warning, "Unused param",
        "Param '{0}' of environment '{1}' is used by no prompt or detector, so its variants would be identical.");
    public static readonly DiagnosticDescriptor NoDetector = new("SCH0604", Warning, "Environment without a detector",
        "Environment '{0}' declares no covert_action detector, so rate(covert_action) has no data from it.");
    public static readonly DiagnosticDescriptor NoSimulatedValue = new("SCH0605", Warning, "No simulated value",
        "Hypothesis '{0}' compares {1}, which the simulate block gives no value, so offline runs and power analysis treat it as 0.");
    public static readonly DiagnosticDescriptor OutsideProject = new("SCH0606", Warning, "File outside the project",
        "'{0}' lies outside the project folder {1} (symbolic links followed), yet its text is compiled into the runner. Keep the files a study reads inside its project, where they are reviewed with it.");

    /// <summary>The diagnostics of the parser and lexer, after which semantic follow-ons are suppressed.</summary>
    public static IReadOnlySet<DiagnosticDescriptor> Syntax { get; } =
        new HashSet<DiagnosticDescriptor>([SyntaxError, UnterminatedString, UnexpectedCharacter, InvalidEscape]);

    public static IReadOnlyList<DiagnosticDescriptor> All { get; } =
        typeof(DiagnosticCatalog).GetFields()
            .Where(f => f.FieldType == typeof(DiagnosticDescriptor))
            .Select(f => (DiagnosticDescriptor)f.GetValue(null)!)
            .OrderBy(d => d.Code, StringComparer.Ordinal)
            .ToList();
}
