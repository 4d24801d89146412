using System.Collections.Immutable;

namespace Scheme.Compiler.Semantics.Expressions;

/// <param name="Types">Accepted types; more than one means a union (text or spec).</param>
public sealed record ParameterSignature(string Name, ImmutableArray<SchemeType> Types, bool Optional = false)
{
    public string Describe() => $"{Name}: {string.Join(" | ", Types.Select(t => t.Describe()))}" + (Optional ? " = default" : "");
}

/// <summary>How a prompt edit function changes a prompt.</summary>
public enum PromptEditKind
{
    Prepend,
    Append,
    Replace,
    Remove,
}

/// <summary>How a workspace edit function changes the files a unit starts with.</summary>
public enum FileEditKind
{
    Add,
    Replace,
    Remove,
}

/// <summary>
/// A function of the fixed library, with the contexts it may appear in and what it becomes: a C# call over the
/// transcript (<see cref="CSharp"/>), a prompt edit (<see cref="Edit"/>), a metric's aggregation, or a node of its own
/// (judge, rubric, load, csharp). Bound calls carry the signature itself, so nothing downstream matches on names.
/// </summary>
/// <param name="CSharp">The C# expression of a call, given its arguments' C#; null for functions that are not evaluated per unit.</param>
/// <param name="Edit">For prepend, append, insert, replace and remove: the edit it makes.</param>
/// <param name="IsQuantifier">For any, all and count: the first argument is <c>calls(tool)</c> and the second a condition
/// tested on each of those calls, in which <c>tool.argument</c> reads the call under test.</param>
/// <param name="FileEdit">For add_file, replace_file and remove_file: the workspace edit it makes.</param>
public sealed record FunctionSignature(
    string Name,
    ImmutableArray<ParameterSignature> Parameters,
    SchemeType ReturnType,
    ImmutableArray<ExpressionContextKind> Contexts,
    string Purpose,
    Func<IReadOnlyList<string>, string>? CSharp = null,
    PromptEditKind? Edit = null,
    FileEditKind? FileEdit = null,
    bool IsAggregation = false,
    bool RequiresLiteralArguments = false,
    bool IsQuantifier = false)
{
    public int RequiredCount => Parameters.Count(p => !p.Optional);

    public string Describe() => $"{Name}({string.Join(", ", Parameters.Select(p => p.Describe()))})";

    // Compared by identity: each function has one signature, held by FunctionLibrary.
    public bool Equals(FunctionSignature? other) => ReferenceEquals(this, other);

    public override int GetHashCode() => System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(this);
}
