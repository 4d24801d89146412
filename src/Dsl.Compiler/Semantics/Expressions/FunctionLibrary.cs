using System.Collections.Immutable;
using static Scheme.Compiler.Semantics.Expressions.ExpressionContextKind;

namespace Scheme.Compiler.Semantics.Expressions;

/// <summary>
/// The fixed function library of the expression language. Its names are not declarations: a researcher
/// cannot shadow them, and each is allowed only where its meaning is defined (rate only in a metric,
/// prepend only in a manipulation, load only at compile time).
/// </summary>
public static class FunctionLibrary
{
    private static readonly SchemeType Text = SchemeType.String;
    private static readonly ImmutableArray<ExpressionContextKind> Episode = [Detector, Followup, Metric, Sentence];
    private static readonly ImmutableArray<ExpressionContextKind> Anywhere = [Constant, Detector, Followup, Metric, Sentence, PromptEdit, ReasoningEdit];

    public static ImmutableDictionary<string, FunctionSignature> All { get; } = new[]
    {
        Fn("rate", [P("outcome", SchemeType.Bool)], SchemeType.Metric, [Metric], "share of units where a bool is true"),
        Fn("mean", [P("value", SchemeType.Number)], SchemeType.Metric, [Metric], "mean of a number over units"),
        Fn("accuracy", [P("answers", Text), P("key", Text)], SchemeType.Number, Episode, "share of answers that match the key, compared item by item"),
        Fn("contains", [P("text", Text), P("part", Text)], SchemeType.Bool, Episode, "whether text contains part (case-insensitive)"),
        Fn("matches", [P("text", Text), P("pattern", Text)], SchemeType.Bool, Episode, "whether text matches a .NET regular expression"),
        Fn("lower", [P("text", Text)], Text, Episode, "text in lower case"),
        Fn("length", [P("text", Text)], SchemeType.Number, Episode, "number of characters"),
        Fn("number", [P("text", Text)], SchemeType.Number, Episode, "text parsed as a number (NaN when it is not one)"),
        Fn("file", [P("path", Text)], Text, [Detector, Followup, Metric], "content of a workspace file at the end of the episode"),
        Fn("exists", [P("path", Text)], SchemeType.Bool, [Detector, Followup, Metric], "whether a workspace file exists at the end of the episode"),
        Fn("called", [P("tool", SchemeType.Tool)], SchemeType.Bool, [Detector, Followup, Metric], "whether the model called a tool"),
        Fn("calls", [P("tool", SchemeType.Tool)], SchemeType.Number, [Detector, Followup, Metric], "how many times the model called a tool"),
        Fn("judge", [P("checkpoint", SchemeType.Checkpoint), P("question", Text, SchemeType.Rubric), P("on", [Text], optional: true)], SchemeType.Bool, Episode, "a yes/no verdict of a judge model"),
        Fn("rubric", [P("path", Text)], SchemeType.Rubric, Episode, "a grading rubric loaded from a file"),
        Fn("load", [P("path", Text)], Text, [Constant, PromptEdit, ReasoningEdit], "text of a file, read at compile time"),
        Fn("csharp", [P("method", Text)], SchemeType.Error, [Detector, Followup, Metric, Sentence], "a partial method implemented in C#"),
        Fn("prepend", [P("text", Text, SchemeType.Spec)], SchemeType.PromptEdit, [PromptEdit], "put text or a spec before the prompt"),
        Fn("append", [P("text", Text, SchemeType.Spec)], SchemeType.PromptEdit, [PromptEdit], "put text or a spec after the prompt"),
        Fn("insert", [P("spec", SchemeType.Spec)], SchemeType.PromptEdit, [PromptEdit], "put a spec before the prompt"),
        Fn("replace", [P("old", Text), P("new", Text)], SchemeType.PromptEdit, [PromptEdit], "replace every occurrence of a text"),
        Fn("remove", [P("text", Text, SchemeType.Spec)], SchemeType.PromptEdit, [PromptEdit], "delete a text or a spec from the prompt"),
    }.ToImmutableDictionary(f => f.Name, StringComparer.Ordinal);

    /// <summary>Functions whose arguments must be literals: they are resolved when the suite compiles.</summary>
    public static bool RequiresLiteralArguments(string name) => name is "load" or "rubric" or "csharp";

    private static FunctionSignature Fn(string name, ParameterSignature[] parameters, SchemeType returns,
        ImmutableArray<ExpressionContextKind> contexts, string purpose) =>
        new(name, [.. parameters], returns, contexts.IsDefault ? Anywhere : contexts, purpose);

    private static ParameterSignature P(string name, params SchemeType[] types) => new(name, [.. types]);

    private static ParameterSignature P(string name, SchemeType[] types, bool optional) => new(name, [.. types], optional);
}
