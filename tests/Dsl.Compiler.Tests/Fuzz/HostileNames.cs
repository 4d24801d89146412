namespace Scheme.Compiler.Tests.Fuzz;

/// <summary>
/// Names a .scheme file may use (the lexer allows [A-Za-z_][A-Za-z0-9_]*) that mean something to C#: keywords,
/// contextual keywords, the runtime types the generated code names, members every class inherits, names the
/// generated code gives its own members, and names longer than C# allows.
/// </summary>
internal sealed class HostileNames(Random random)
{
    /// <summary>Words C# gives a meaning: a .scheme name may be any of them, and the generated code must cope.</summary>
    private static readonly string[] Words =
    [
        // C# keywords (the .scheme keywords cites/and/or/not/true/false cannot be names at all)
        "abstract", "as", "base", "bool", "break", "byte", "case", "catch", "char", "checked", "class", "const", "continue",
        "decimal", "default", "delegate", "do", "double", "else", "enum", "event", "explicit", "extern", "finally", "fixed",
        "float", "for", "foreach", "goto", "if", "implicit", "in", "int", "interface", "internal", "is", "lock", "long",
        "namespace", "new", "null", "object", "operator", "out", "override", "params", "private", "protected", "public",
        "readonly", "ref", "return", "sbyte", "sealed", "short", "sizeof", "stackalloc", "static", "string", "struct",
        "switch", "this", "throw", "try", "typeof", "uint", "ulong", "unchecked", "unsafe", "ushort", "using", "virtual",
        "void", "volatile", "while", "__arglist", "__makeref", "__reftype", "__refvalue",
        // contextual keywords
        "add", "alias", "allows", "args", "ascending", "async", "await", "by", "descending", "dynamic", "equals", "extension",
        "field", "file", "from", "get", "global", "group", "init", "into", "join", "let", "managed", "nameof", "nint",
        "notnull", "nuint", "on", "orderby", "partial", "record", "remove", "required", "scoped", "select", "set",
        "unmanaged", "value", "var", "when", "where", "with", "yield", "_", "__",
        // names the generated code uses for parameters and types it does not reserve
        "Main", "call", "Tool", "Math", "Console", "String", "Object", "Linq", "Collections", "Func", "Task",
        // .scheme words that are names in most places
        "param", "workspace", "sentences", "inject", "expect", "run", "metric", "spec", "checkpoint", "environment",
        "experiment", "manipulation", "simulate", "hypothesis", "followup", "import", "extends",
    ];

    /// <summary>Names the generated code cannot give a declaration: each must be refused with an SCH error.</summary>
    private static readonly string[] Refused =
    [
        "Cell", "Builtins", "Transcript", "System", "Scheme", "Definition", "SchemeRunnerProgram", "ToolCall", "ValueKind",
        "Direction", "PromptEdit", "ReasoningEdit", "MetricAggregation", "ExperimentDefinition", "t",
        "Equals", "ToString", "GetHashCode", "GetType", "MemberwiseClone", "ReferenceEquals", "Finalize",
        "RunCommandTool", "run_command", "runCommand", "SScheme",
        "L" + new string('x', 600),   // longer than the 511 characters C# allows
        "L" + new string('y', 505),   // just inside; with "Tool" appended, just outside
    ];

    private int _plain;

    /// <summary>Mostly a word C# knows or a plain name; now and then one that must be refused.</summary>
    public string Next() => random.Next(100) switch
    {
        0 => Refused[random.Next(Refused.Length)],
        < 50 => Words[random.Next(Words.Length)],
        _ => $"plain{_plain++}",
    };

    /// <summary>
    /// <paramref name="count"/> distinct names; the first <paramref name="inExpressions"/> are read in expressions,
    /// where the words that start an expression of their own (inject "...", remove ..., spec X) cannot stand alone.
    /// </summary>
    public List<string> Distinct(int count, int inExpressions)
    {
        var names = new List<string>();
        while (names.Count < count)
        {
            var name = Next();
            if (names.Count < inExpressions && name is "inject" or "remove" or "spec")
            {
                continue;
            }
            if (!names.Contains(name) && name != "baseline")
            {
                names.Add(name);
            }
        }
        return names;
    }
}
