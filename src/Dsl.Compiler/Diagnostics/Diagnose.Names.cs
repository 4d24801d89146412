
namespace Scheme.Compiler.Diagnostics;

/// <summary>SCH01xx: names and references, declarations, imports, properties, files.</summary>
public static partial class Diagnose
{
    /// <param name="declaredAs">The kind of the first declaration with its article, e.g. "an environment".</param>
    /// <param name="firstAt">Where that one is, e.g. "line 12".</param>
    public static DiagnosticMessage DuplicateDeclaration(string name, string declaredAs, string firstAt) =>
        Make(DiagnosticCatalog.DuplicateDeclaration,
            $"'{name}' is already declared as {declaredAs} at {firstAt}. Every name is declared once; rename one of them.");

    /// <param name="hint">A did-you-mean and the names readable here, each a sentence with its leading space; or "".</param>
    public static DiagnosticMessage UnknownName(string name, string hint) =>
        Make(DiagnosticCatalog.UnknownName, $"Unknown name '{name}'.{hint}");

    /// <param name="suggestion">" Did you mean 'x'?", what the name is instead, or "".</param>
    public static DiagnosticMessage UnknownCheckpoint(string name, string suggestion) =>
        Make(DiagnosticCatalog.UnknownCheckpoint, $"Unknown checkpoint '{name}'.{suggestion}");

    public static DiagnosticMessage UnknownEnvironment(string name, string suggestion) =>
        Make(DiagnosticCatalog.UnknownEnvironment, $"Unknown environment '{name}'.{suggestion}");

    /// <param name="lacks">What the environment lacks, e.g. "outcome 'confessed'" or "tool 'submit'".</param>
    public static DiagnosticMessage MetricReadsMissing(string metric, string environment, string lacks) =>
        Make(DiagnosticCatalog.MetricReadsMissing,
            $"Metric '{metric}' is declared over environment '{environment}', which has no {lacks}. List only environments it can be computed in.");

    /// <param name="reads">What the metric reads that no environment has all of, e.g. "outcomes 'a', 'b'".</param>
    public static DiagnosticMessage MetricAppliesNowhere(string metric, string reads) =>
        Make(DiagnosticCatalog.MetricAppliesNowhere,
            $"Metric '{metric}' reads {reads}, which no environment has together, so no unit could count for it.");

    /// <param name="why">What is wrong, e.g. "a pair is two conditions, ...".</param>
    /// <param name="suggestion">" Did you mean 'Testing'?" or empty.</param>
    public static DiagnosticMessage PairMetricReads(string metric, string why, string suggestion = "") =>
        Make(DiagnosticCatalog.PairMetricReads,
            $"Metric '{metric}' is a pair metric (it reads outcomes under named conditions, such as aligned[Testing]): {why}. A pair metric is rate(...) over the outcomes of exactly two conditions, each written outcome[Condition], and reads nothing else.{suggestion}");

    public static DiagnosticMessage UnknownSpec(string name, string suggestion) =>
        Make(DiagnosticCatalog.UnknownSpec, $"Unknown spec '{name}'.{suggestion}");

    public static DiagnosticMessage UnknownCondition(string name, string suggestion) =>
        Make(DiagnosticCatalog.UnknownCondition,
            $"Unknown condition '{name}': a condition is 'baseline' or the name of a manipulation.{suggestion}");

    public static DiagnosticMessage UnknownMetric(string name, string suggestion) =>
        Make(DiagnosticCatalog.UnknownMetric, $"Unknown metric '{name}'.{suggestion}");

    public static DiagnosticMessage UnknownFunction(string name, string suggestion) =>
        Make(DiagnosticCatalog.UnknownFunction,
            $"Unknown function '{name}'.{suggestion} For custom logic write csharp(\"MethodName\") and implement the partial method in C#.");

    /// <param name="name">A name in a tools list, without arguments, that is not a built-in tool.</param>
    /// <param name="builtins">The built-in tools.</param>
    public static DiagnosticMessage UnknownTool(string name, string suggestion, IEnumerable<string> builtins) =>
        Make(DiagnosticCatalog.UnknownTool,
            $"'{name}' is not a built-in tool.{suggestion} Built-in tools: {List(builtins)}. A tool of your own needs its arguments, e.g. {name}(query: string), and a C# implementation.");

    /// <param name="tool">A built-in tool an expression reads.</param>
    /// <param name="environment">The environment whose tools list lacks it; null for a metric, which reads every environment.</param>
    /// <param name="owner">Whose tools were searched: "environment 'A'", "environments 'A', 'B'"; null: any environment.</param>
    public static DiagnosticMessage ToolNotListed(string tool, string? owner) =>
        Make(DiagnosticCatalog.ToolNotListed, $"'{tool}' is not a tool of {owner ?? "any environment"}. Add it to the environment's tools list.");

    public static DiagnosticMessage UnknownToolArgument(string tool, string argument, string suggestion) =>
        Make(DiagnosticCatalog.UnknownToolArgument, $"Tool '{tool}' has no argument '{argument}'.{suggestion}");

    /// <param name="path">The path as the import writes it.</param>
    /// <param name="folder">The folder of the importing file, which the path is relative to.</param>
    /// <param name="reason">Why it cannot be imported, e.g. "it does not exist".</param>
    public static DiagnosticMessage ImportNotFound(string path, string folder, string reason) =>
        Make(DiagnosticCatalog.ImportNotFound,
            $"Cannot import '{path}' (from '{folder}'): {reason}. Paths are relative to the importing file.");

    /// <param name="chain">The file names of the cycle, the first repeated at the end.</param>
    public static DiagnosticMessage ImportCycle(IEnumerable<string> chain) =>
        Make(DiagnosticCatalog.ImportCycle,
            $"Import cycle: {string.Join(" -> ", chain)}. Move the shared declarations into a file that both can import.");

    /// <param name="chain">The checkpoint names of the cycle, the first repeated at the end.</param>
    /// <param name="kind">"checkpoint" or "environment".</param>
    public static DiagnosticMessage ExtendsCycle(string kind, IEnumerable<string> chain) =>
        Make(DiagnosticCatalog.ExtendsCycle,
            $"{char.ToUpperInvariant(kind[0])}{kind[1..]} lineage forms a cycle: {string.Join(" -> ", chain)}. {(Article(kind) == "an" ? "An" : "A")} {kind} cannot extend itself, directly or indirectly.");

    /// <param name="member">The member set twice, e.g. "temperature" or "file \"a.txt\"".</param>
    /// <param name="owner">The block it is set in, e.g. "checkpoint 'judge'".</param>
    /// <param name="firstAt">Where it is first set, e.g. "line 22".</param>
    public static DiagnosticMessage DuplicateMember(string member, string owner, string firstAt) =>
        Make(DiagnosticCatalog.DuplicateMember, $"'{member}' is set more than once in {owner}; the first is at {firstAt}. Keep one.");

    public static DiagnosticMessage UnknownProperty(string name, string owner, string suggestion, IEnumerable<string> known) =>
        Make(DiagnosticCatalog.UnknownProperty, $"'{name}' is not a property of {owner}.{suggestion} Known properties: {List(known)}.");

    /// <param name="member">The member form, e.g. "A param".</param>
    /// <param name="owner">The declaration it stands in, e.g. "checkpoint 'o3'".</param>
    /// <param name="belongsIn">The kind of declaration it belongs in, e.g. "an environment".</param>
    public static DiagnosticMessage MemberNotAllowed(string member, string owner, string belongsIn) =>
        Make(DiagnosticCatalog.MemberNotAllowed, $"{member} cannot appear in {owner}. It belongs in {belongsIn}.");

    /// <param name="owner">The declaration, e.g. "run 'Main'".</param>
    /// <param name="hint">How to write it, a sentence.</param>
    public static DiagnosticMessage MissingProperty(string owner, string property, string hint) =>
        Make(DiagnosticCatalog.MissingProperty, $"{owner} is missing '{property}'. {hint}");

    /// <param name="path">The path as load() or rubric() writes it.</param>
    /// <param name="folder">The folder it is looked for in.</param>
    public static DiagnosticMessage FileNotFound(string path, string folder, string reason) =>
        Make(DiagnosticCatalog.FileNotFound,
            $"Cannot read file '{path}' (in '{folder}'): {reason}. Paths are relative to the .scheme file that names them.");

    /// <param name="first">The experiment declared first (by file path, then position), which the suite keeps.</param>
    public static DiagnosticMessage DuplicateExperiment(string first) =>
        Make(DiagnosticCatalog.DuplicateExperiment,
            $"A suite has exactly one experiment, and '{first}' is already declared. Put other experiments in their own project, or import shared declarations.");

    public static DiagnosticMessage UnknownProvider(string provider, IEnumerable<string> known, string suggestion) =>
        Make(DiagnosticCatalog.UnknownProvider, $"Unknown provider '{provider}'. Known providers: {List(known)}.{suggestion}");

    public static DiagnosticMessage UnknownCapability(string capability, IEnumerable<string> known, string suggestion) =>
        Make(DiagnosticCatalog.UnknownCapability, $"Unknown capability '{capability}'. Known capabilities: {List(known)}.{suggestion}");

    public static DiagnosticMessage UnknownTest(string test, IEnumerable<string> known, string suggestion) =>
        Make(DiagnosticCatalog.UnknownTest, $"Unknown test '{test}'. Known tests: {List(known)}.{suggestion}");

    /// <param name="property">The property with a fixed set of values, e.g. "reasoning_effort".</param>
    public static DiagnosticMessage InvalidChoice(string value, string property, IEnumerable<string> valid, string suggestion) =>
        Make(DiagnosticCatalog.InvalidChoice, $"'{value}' is not a valid value for '{property}'. Valid values: {List(valid)}.{suggestion}");

    public static DiagnosticMessage DuplicateOutcome(string outcome, string environment) =>
        Make(DiagnosticCatalog.DuplicateOutcome,
            $"Outcome '{outcome}' is defined twice in environment '{environment}'. Outcome names must be unique within an environment.");

    public static DiagnosticMessage UnknownPrinciple(string spec, string principle, string suggestion, IEnumerable<string> principles) =>
        Make(DiagnosticCatalog.UnknownPrinciple, $"Spec '{spec}' has no principle '{principle}'.{suggestion} Its principles: {List(principles)}.");

    /// <param name="usedAs">What the generated code uses the name for, e.g. "the name of a type or member the generated code uses".</param>
    public static DiagnosticMessage ReservedName(string name, string usedAs) =>
        Make(DiagnosticCatalog.ReservedName, $"'{name}' is {usedAs}, so the generated C# could not use it. Choose another name.");

    /// <param name="fileName">The file name both share.</param>
    /// <param name="first">The path of the first file.</param>
    /// <param name="second">The path of the second, which the diagnostic is reported in.</param>
    public static DiagnosticMessage SameFileName(string fileName, string first, string second) =>
        Make(DiagnosticCatalog.SameFileName,
            $"This suite has two files named '{fileName}' ({first} and {second}); their generated C# would overwrite each other. Rename one.");

    /// <param name="type">The return type needed here, e.g. "a bool".</param>
    /// <param name="firstAt">Where the method is first used.</param>
    /// <param name="firstType">The return type needed there.</param>
    public static DiagnosticMessage CSharpMethodConflict(string method, string type, string firstAt, string firstType) =>
        Make(DiagnosticCatalog.CSharpMethodConflict,
            $"csharp(\"{method}\") is used here as {type} but at {firstAt} as {firstType}; one C# method has one return type. Use two methods.");

    /// <param name="problem">What the path contains, e.g. "a quote".</param>
    /// <param name="consequence">Why C# cannot hold it, a clause after "which".</param>
    public static DiagnosticMessage UnwritablePath(string problem, string consequence) =>
        Make(DiagnosticCatalog.UnwritablePath,
            $"The path of this file contains {problem}, which {consequence}. Rename the file or the folder that holds it.");

    /// <param name="first">The name reported here, e.g. "Tool 'runCommand'".</param>
    /// <param name="second">The other name with where it is, e.g. "tool 'run_command' (line 6)".</param>
    /// <param name="method">The C# method both would become.</param>
    /// <param name="className">The class generated for the file.</param>
    public static DiagnosticMessage SameCSharpName(string first, string second, string method, string className) =>
        Make(DiagnosticCatalog.SameCSharpName, $"{first} and {second} would both become the C# method {method} of {className}. Rename one.");

    /// <param name="what">The name, shortened, e.g. "The name of environment Looo...".</param>
    public static DiagnosticMessage NameTooLong(string what, int length, int limit) =>
        Make(DiagnosticCatalog.NameTooLong,
            $"{what} is {length} characters long and becomes a C# identifier, which C# limits to {limit} characters. Shorten it.");

    public static DiagnosticMessage MissingExperiment() =>
        Make(DiagnosticCatalog.MissingExperiment,
            $"Runs need an experiment declaration, which gives the suite its name and seed: experiment Name {{ title: \"...\" seed: 1 }}.");

    /// <param name="other">The other member of the generated class with this name, and where it is declared: "the metric
    /// declared at line 5" (a csharp() method named like it) or "the C# method of tool 'run_command' (line 6)" (a
    /// declaration named like it).</param>
    public static DiagnosticMessage DeclarationNamedLikeMethod(string name, string other) =>
        Make(DiagnosticCatalog.DeclarationNamedLikeMethod,
            $"'{name}' is also the name of {other}, so the generated C# could not use it. Choose another name.");

    /// <param name="reason">Why, e.g. "it is a FIFO (named pipe), not a regular file".</param>
    public static DiagnosticMessage UnreadableSource(string reason) =>
        Make(DiagnosticCatalog.UnreadableSource,
            $"This .scheme file cannot be read: {reason}. Give the compiler regular .scheme files of at most 16 MiB.");
}
