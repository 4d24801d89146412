namespace Scheme.Compiler;

/// <summary>
/// Names the generated C# uses, in one place: the binder refuses declarations that would collide with
/// them (a C# error in generated code would be far harder to understand than a .scheme diagnostic), and
/// the emitter names its classes and methods with them.
/// </summary>
public static class GeneratedNames
{
    /// <summary>Runtime types the generated code names without qualification, and the types it declares.</summary>
    public static readonly IReadOnlySet<string> Reserved = new HashSet<string>(StringComparer.Ordinal)
    {
        "Builtins", "Cell", "CheckpointDefinition", "Definition", "Direction", "EnvironmentDefinition", "ExperimentDefinition",
        "HypothesisDefinition", "JudgeDefinition", "ManipulationDefinition", "MetricAggregation", "MetricDefinition",
        "PreregistrationDigest", "PromptEdit", "ReasoningEdit", "RunDefinition", "Scheme", "SchemeRunnerProgram",
        "SimulatedValue", "SpecDefinition", "System", "ToolCall", "Transcript", "ValueKind",
    };

    /// <summary>suite.scheme -> SuiteScheme: the static class holding a file's declarations.</summary>
    public static string FileClass(string path) => Pascal(Path.GetFileNameWithoutExtension(path)) + "Scheme";

    /// <summary>run_command -> RunCommandTool: the partial method implementing a tool of your own.</summary>
    public static string ToolMethod(string tool) => Pascal(tool) + "Tool";

    public static string Pascal(string text)
    {
        var parts = new string(text.Select(c => char.IsLetterOrDigit(c) ? c : ' ').ToArray()).Split(' ', '_');
        var joined = string.Concat(parts.Where(p => p.Length > 0).Select(p => char.ToUpperInvariant(p[0]) + p[1..]));
        return joined.Length == 0 || char.IsDigit(joined[0]) ? "_" + joined : joined;
    }
}
