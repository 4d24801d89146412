
namespace Scheme.Compiler.Semantics;

public enum TypeKind
{
    /// <summary>The type of an expression that already produced an error; it converts to anything silently.</summary>
    Error,
    Bool,
    Number,
    String,
    List,
    Spec,
    Rubric,
    Tool,
    Checkpoint,
    PromptEdit,
    ReasoningEdit,
    FileEdit,
    Metric,
    /// <summary>One tool call of the episode, as <c>calls(tool)</c> lists them.</summary>
    Call,
}

/// <summary>The static type of an expression in the .scheme expression language.</summary>
public sealed record SchemeType(TypeKind Kind, SchemeType? Element = null)
{
    public static readonly SchemeType Error = new(TypeKind.Error);
    public static readonly SchemeType Bool = new(TypeKind.Bool);
    public static readonly SchemeType Number = new(TypeKind.Number);
    public static readonly SchemeType String = new(TypeKind.String);
    public static readonly SchemeType Spec = new(TypeKind.Spec);
    public static readonly SchemeType Rubric = new(TypeKind.Rubric);
    public static readonly SchemeType Tool = new(TypeKind.Tool);
    public static readonly SchemeType Checkpoint = new(TypeKind.Checkpoint);
    public static readonly SchemeType PromptEdit = new(TypeKind.PromptEdit);
    public static readonly SchemeType ReasoningEdit = new(TypeKind.ReasoningEdit);
    public static readonly SchemeType FileEdit = new(TypeKind.FileEdit);
    public static readonly SchemeType Metric = new(TypeKind.Metric);
    public static readonly SchemeType Call = new(TypeKind.Call);

    public static SchemeType ListOf(SchemeType element) => new(TypeKind.List, element);

    public bool IsError => Kind == TypeKind.Error;

    /// <summary>Whether a value of this type may stand where <paramref name="target"/> is expected.</summary>
    public bool ConvertsTo(SchemeType target) =>
        IsError || target.IsError || (Kind == target.Kind &&
            (Kind != TypeKind.List || Element is null || target.Element is null || Element.ConvertsTo(target.Element)));

    /// <summary>How the type reads in a message: "a bool", "a list of strings".</summary>
    public string Describe() => Kind switch
    {
        TypeKind.Error => "an invalid value",
        TypeKind.Bool => "a bool",
        TypeKind.Number => "a number",
        TypeKind.String => "a string",
        TypeKind.List => Element is null ? "a list" : $"a list of {Plural(Element)}",
        TypeKind.Spec => "a spec",
        TypeKind.Rubric => "a rubric",
        TypeKind.Tool => "a tool",
        TypeKind.Checkpoint => "a checkpoint",
        TypeKind.PromptEdit => "a prompt edit",
        TypeKind.ReasoningEdit => "a reasoning edit",
        TypeKind.FileEdit => "a workspace file edit",
        TypeKind.Metric => "a metric",
        TypeKind.Call => "a call",
        _ => Kind.ToString(),
    };

    public override string ToString() => Describe();

    private static string Plural(SchemeType type) => type.Kind switch
    {
        TypeKind.List => "lists",
        TypeKind.Error => "values",
        _ => type.Describe()[(type.Describe().IndexOf(' ') + 1)..] + "s",
    };
}
