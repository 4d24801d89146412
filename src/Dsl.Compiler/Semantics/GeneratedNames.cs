
namespace Scheme.Compiler.Semantics;

/// <summary>
/// Names the generated C# uses, in one place: the binder refuses declarations that would collide with
/// them (a C# error in generated code would be far harder to understand than a .scheme diagnostic), and
/// the emitter names its classes and methods with them.
/// </summary>
public static class GeneratedNames
{
    /// <summary>C# refuses a longer identifier (CS0645); every name that becomes one is checked against this.</summary>
    public const int MaxIdentifierLength = 511;

    /// <summary>
    /// Runtime types the generated code names without qualification, the types it declares, and the members every
    /// class inherits from object (a field named Equals or ToString would hide one: warning CS0108).
    /// </summary>
    public static readonly IReadOnlySet<string> Reserved = new HashSet<string>(StringComparer.Ordinal)
    {
        "Builtins", "Cell", "CheckpointDefinition", "Definition", "Direction", "EnvironmentDefinition", "EnvironmentLimits",
        "ExperimentDefinition", "HypothesisDefinition", "JudgeDefinition", "JudgeOwner", "JudgeOwnerKind", "ManipulationDefinition", "MetricAggregation",
        "MetricDefinition", "PreregistrationDigest", "PromptEdit", "ReasoningEdit", "RunDefinition", "Scheme", "SchemeRunnerProgram",
        "SimulatedValue", "SpecDefinition", "System", "ToolCall", "Transcript", "ValueKind",
        "Equals", "Finalize", "GetHashCode", "GetType", "MemberwiseClone", "ReferenceEquals", "ToString",
    };

    /// <summary>The parameter of every generated lambda: a csharp("t") method could not be called inside one.</summary>
    public const string LambdaParameter = "t";

    /// <summary>
    /// [A-Za-z_][A-Za-z0-9_]*, checked character by character: a regular expression ending in $ would also accept
    /// a trailing line break ("Score\n"), which then ended a comment in the generated code.
    /// </summary>
    public static bool IsIdentifier(string text) =>
        text.Length > 0 && (char.IsAsciiLetter(text[0]) || text[0] == '_') && text.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');

    /// <summary>suite.scheme -> SuiteScheme: the static class holding a file's declarations.</summary>
    public static string FileClass(string path) => Pascal(Path.GetFileNameWithoutExtension(path)) + "Scheme";

    /// <summary>
    /// The class of each file, by path. Two files whose names make the same class (a_b.scheme, aB.scheme) get a
    /// numeric suffix in path order, so names stay deterministic; so does a file named like the experiment.
    /// </summary>
    public static Dictionary<string, string> FileClasses(IEnumerable<string> paths, string? experiment)
    {
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        var taken = new HashSet<string>(StringComparer.Ordinal);
        if (experiment is not null)
        {
            taken.Add(experiment);
        }
        foreach (var path in paths.Distinct().Order(StringComparer.Ordinal))
        {
            var stem = FileClass(path);
            var name = stem;
            for (var i = 2; !taken.Add(name); i++)
            {
                name = stem + i;
            }
            names[path] = name;
        }
        return names;
    }

    /// <summary>run_command -> RunCommandTool: the partial method implementing a tool of your own.</summary>
    public static string ToolMethod(string tool) => Pascal(tool) + "Tool";

    public static string Pascal(string text)
    {
        var parts = new string(text.Select(c => char.IsLetterOrDigit(c) ? c : ' ').ToArray()).Split(' ', '_');
        var joined = string.Concat(parts.Where(p => p.Length > 0).Select(p => char.ToUpperInvariant(p[0]) + p[1..]));
        return joined.Length == 0 || char.IsDigit(joined[0]) ? "_" + joined : joined;
    }

    /// <summary>What in <paramref name="path"/> a #line directive cannot hold, or null when it can hold all of it.</summary>
    public static string? UnwritableLinePath(string path)
    {
        for (var i = 0; i < path.Length; i++)
        {
            var c = path[i];
            switch (c)
            {
                case '"':
                    return "a quote (\")";
                // Every character C# takes for the end of a line (its new-line characters), and NUL.
                case '\r' or '\n' or '\u0085' or '\u2028' or '\u2029':
                    return $"a line break ({Code(c)})";
                case '\0':
                    return "a NUL character (U+0000)";
            }
            // Half of a surrogate pair cannot be encoded in UTF-8: the path would silently become another.
            if (char.IsHighSurrogate(c) && i + 1 < path.Length && char.IsLowSurrogate(path[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(c))
            {
                return $"half of a surrogate pair ({Code(c)}), which UTF-8 cannot encode";
            }
        }
        return null;
    }

    private static string Code(char c) => "U+" + ((int)c).ToString("X4", System.Globalization.CultureInfo.InvariantCulture);
}
