using System.Collections.Immutable;
using static Scheme.Compiler.Semantics.Expressions.ExpressionContextKind;

namespace Scheme.Compiler.Semantics.Expressions;

/// <summary>
/// The fixed function library of the expression language. Its names are not declarations: a researcher cannot
/// shadow them, and each is allowed only where its meaning is defined (rate only in a metric, prepend only in a
/// manipulation, load only at compile time). Each function is one signature object here; bound calls refer to it.
/// </summary>
public static class FunctionLibrary
{
    private static readonly SchemeType Text = SchemeType.String;
    private static readonly ImmutableArray<ExpressionContextKind> Episode = [Detector, Followup, Metric, Sentence];
    private static readonly ImmutableArray<ExpressionContextKind> Final = [Detector, Followup, Metric];

    /// <summary>The parameter of the generated lambdas, which transcript calls go through.</summary>
    private const string T = "t";

    public static readonly FunctionSignature Rate = Fn("rate", [P("outcome", SchemeType.Bool)], SchemeType.Metric, [Metric], "share of units where a bool is true") with { IsAggregation = true };
    public static readonly FunctionSignature Mean = Fn("mean", [P("value", SchemeType.Number)], SchemeType.Metric, [Metric], "mean of a number over units") with { IsAggregation = true };
    public static readonly FunctionSignature Accuracy = Fn("accuracy", [P("answers", Text), P("key", Text)], SchemeType.Number, Episode,
        "share of answers that match the key, compared item by item", a => $"Builtins.Accuracy({a[0]}, {a[1]})");
    public static readonly FunctionSignature Contains = Fn("contains", [P("text", Text), P("part", Text)], SchemeType.Bool, Episode,
        "whether text contains part (case-insensitive)", a => $"Builtins.Contains({a[0]}, {a[1]})");
    public static readonly FunctionSignature Matches = Fn("matches", [P("text", Text), P("pattern", Text)], SchemeType.Bool, Episode,
        "whether text matches a .NET regular expression", a => $"Builtins.Matches({a[0]}, {a[1]})");
    public static readonly FunctionSignature Lower = Fn("lower", [P("text", Text)], Text, Episode, "text in lower case", a => $"Builtins.Lower({a[0]})");
    public static readonly FunctionSignature Length = Fn("length", [P("text", Text)], SchemeType.Number, Episode, "number of characters", a => $"Builtins.Length({a[0]})");
    public static readonly FunctionSignature Number = Fn("number", [P("text", Text)], SchemeType.Number, Episode,
        "text parsed as a number (NaN when it is not one)", a => $"Builtins.Number({a[0]})");
    public static readonly FunctionSignature File = Fn("file", [P("path", Text)], Text, Final,
        "content of a workspace file at the end of the episode", a => $"{T}.File({a[0]})");
    public static readonly FunctionSignature GraderFile = Fn("grader_file", [P("path", Text)], Text, [Detector, Followup],
        "content of a file only graders see (grader_files), never the model", a => $"{T}.GraderFile({a[0]})");
    public static readonly FunctionSignature Exists = Fn("exists", [P("path", Text)], SchemeType.Bool, Final,
        "whether a workspace file exists at the end of the episode", a => $"{T}.Exists({a[0]})");
    public static readonly FunctionSignature Changed = Fn("changed", [P("path", Text)], SchemeType.Bool, Final,
        "whether the episode added, edited or deleted a file, or any file under a folder (\"\" for the whole workspace, \"/srv/x\" for a mount)",
        a => $"{T}.Changed({a[0]})");
    public static readonly FunctionSignature Diff = Fn("diff", [P("path", Text)], Text, Final,
        "what the episode changed in a file or under a folder, as a unified diff (\"\" for everything)", a => $"{T}.Diff({a[0]})");
    public static readonly FunctionSignature Called = Fn("called", [P("tool", SchemeType.Tool)], SchemeType.Bool, Final,
        "whether the model called a tool", a => $"{T}.Called({a[0]})");
    public static readonly FunctionSignature Calls = Fn("calls", [P("tool", SchemeType.Tool)], SchemeType.ListOf(SchemeType.Call), Final,
        "every call the model made to a tool, in order", a => $"{T}.CallsTo({a[0]})");
    public static readonly FunctionSignature Any = Fn("any", [P("calls", SchemeType.ListOf(SchemeType.Call)), P("where", SchemeType.Bool)], SchemeType.Bool, Final,
        "whether some call satisfies a condition on its arguments", a => $"Builtins.Any({a[0]}, {a[1]})") with { IsQuantifier = true };
    public static readonly FunctionSignature Every = Fn("all", [P("calls", SchemeType.ListOf(SchemeType.Call)), P("where", SchemeType.Bool)], SchemeType.Bool, Final,
        "whether every call satisfies a condition on its arguments (true when there is none)", a => $"Builtins.All({a[0]}, {a[1]})") with { IsQuantifier = true };
    public static readonly FunctionSignature Count = Fn("count", [P("calls", SchemeType.ListOf(SchemeType.Call)), P("where", [SchemeType.Bool], optional: true)], SchemeType.Number, Final,
        "how many calls there are, or how many satisfy a condition", a => a.Count > 1 ? $"Builtins.Count({a[0]}, {a[1]})" : $"Builtins.Count({a[0]})") with { IsQuantifier = true };
    public static readonly FunctionSignature Judge = Fn("judge", [P("checkpoint", SchemeType.Checkpoint), P("question", Text, SchemeType.Rubric), P("on", [Text], optional: true)],
        SchemeType.Bool, Episode, "a yes/no verdict of a judge model");
    public static readonly FunctionSignature Rubric = Fn("rubric", [P("path", Text)], SchemeType.Rubric, Episode, "a grading rubric loaded from a file") with { RequiresLiteralArguments = true };
    public static readonly FunctionSignature Load = Fn("load", [P("path", Text)], Text, [Constant, PromptEdit, ReasoningEdit, WorkspaceEdit], "text of a file, read at compile time") with { RequiresLiteralArguments = true };
    public static readonly FunctionSignature Verbatim = Fn("verbatim", [P("text", Text)], Text, [Constant],
        "a workspace file's text taken as it is, not as a template over the params");
    public static readonly FunctionSignature CSharpMethod = Fn("csharp", [P("method", Text)], SchemeType.Error, [Detector, Followup, Metric, Sentence], "a partial method implemented in C#") with { RequiresLiteralArguments = true };
    public static readonly FunctionSignature Prepend = Fn("prepend", [P("text", Text, SchemeType.Spec)], SchemeType.PromptEdit, [PromptEdit], "put text or a spec before the prompt") with { Edit = PromptEditKind.Prepend };
    public static readonly FunctionSignature Append = Fn("append", [P("text", Text, SchemeType.Spec)], SchemeType.PromptEdit, [PromptEdit], "put text or a spec after the prompt") with { Edit = PromptEditKind.Append };
    public static readonly FunctionSignature Insert = Fn("insert", [P("spec", SchemeType.Spec)], SchemeType.PromptEdit, [PromptEdit], "put a spec before the prompt") with { Edit = PromptEditKind.Prepend };
    public static readonly FunctionSignature Replace = Fn("replace", [P("old", Text), P("new", Text)], SchemeType.PromptEdit, [PromptEdit], "replace every occurrence of a text") with { Edit = PromptEditKind.Replace };
    public static readonly FunctionSignature Remove = Fn("remove", [P("text", Text, SchemeType.Spec)], SchemeType.PromptEdit, [PromptEdit], "delete a text or a spec from the prompt") with { Edit = PromptEditKind.Remove };

    public static readonly FunctionSignature AddFile = Fn("add_file", [P("path", Text), P("content", Text)], SchemeType.FileEdit, [WorkspaceEdit],
        "add a file to the workspace a unit starts with") with { FileEdit = FileEditKind.Add };
    public static readonly FunctionSignature ReplaceFile = Fn("replace_file", [P("path", Text), P("content", Text)], SchemeType.FileEdit, [WorkspaceEdit],
        "give a declared workspace file other content") with { FileEdit = FileEditKind.Replace };
    public static readonly FunctionSignature RemoveFile = Fn("remove_file", [P("path", Text)], SchemeType.FileEdit, [WorkspaceEdit],
        "take a declared file out of the workspace") with { FileEdit = FileEditKind.Remove };

    public static ImmutableDictionary<string, FunctionSignature> All { get; } = new[]
    {
        Rate, Mean, Accuracy, Contains, Matches, Lower, Length, Number, File, GraderFile, Exists, Changed, Diff, Called, Calls, Any, Every, Count,
        Judge, Rubric, Load, Verbatim, CSharpMethod,
        Prepend, Append, Insert, Replace, Remove, AddFile, ReplaceFile, RemoveFile,
    }.ToImmutableDictionary(f => f.Name, StringComparer.Ordinal);

    private static FunctionSignature Fn(string name, ParameterSignature[] parameters, SchemeType returns,
        ImmutableArray<ExpressionContextKind> contexts, string purpose, Func<IReadOnlyList<string>, string>? csharp = null) =>
        new(name, [.. parameters], returns, contexts, purpose, csharp);

    private static ParameterSignature P(string name, params SchemeType[] types) => new(name, [.. types]);

    private static ParameterSignature P(string name, SchemeType[] types, bool optional) => new(name, [.. types], optional);
}
