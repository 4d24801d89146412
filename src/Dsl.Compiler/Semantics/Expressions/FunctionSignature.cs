using System.Collections.Immutable;

namespace Scheme.Compiler.Semantics.Expressions;

/// <param name="Types">Accepted types; more than one means a union (text or spec).</param>
public sealed record ParameterSignature(string Name, ImmutableArray<SchemeType> Types, bool Optional = false)
{
    public string Describe() => $"{Name}: {string.Join(" | ", Types.Select(t => t.Describe()))}" + (Optional ? " = default" : "");
}

/// <summary>A function of the fixed library, with the contexts it may appear in.</summary>
public sealed record FunctionSignature(
    string Name,
    ImmutableArray<ParameterSignature> Parameters,
    SchemeType ReturnType,
    ImmutableArray<ExpressionContextKind> Contexts,
    string Purpose)
{
    public int RequiredCount => Parameters.Count(p => !p.Optional);

    public string Describe() => $"{Name}({string.Join(", ", Parameters.Select(p => p.Describe()))})";
}
