
namespace Scheme.Compiler.Diagnostics;

/// <summary>SCH02xx: types and expressions.</summary>
public static partial class Diagnose
{
    /// <param name="expected">The type needed, e.g. "a bool".</param>
    /// <param name="actual">The type found.</param>
    /// <param name="hint">Which value it is, e.g. " ('seed')", or "".</param>
    public static DiagnosticMessage TypeMismatch(string expected, string actual, string hint) =>
        Make(DiagnosticCatalog.TypeMismatch, $"Expected {expected} but this is {actual}.{hint}");

    /// <param name="function">The function, e.g. "contains()".</param>
    /// <param name="expected">How many it takes, e.g. "2 arguments" or "2 to 3 arguments".</param>
    public static DiagnosticMessage ArgumentCount(string function, string expected, int given, string signature) =>
        Make(DiagnosticCatalog.ArgumentCount, $"{function} takes {expected} but is given {given}. Signature: {signature}.");

    public static DiagnosticMessage UnknownNamedArgument(string function, string argument, string signature) =>
        Make(DiagnosticCatalog.UnknownNamedArgument, $"{function} has no parameter '{argument}'. Signature: {signature}.");

    /// <param name="what">The value, e.g. "'tools'" or "The values of param 'goal'".</param>
    public static DiagnosticMessage ListExpected(string what) =>
        Make(DiagnosticCatalog.ListExpected, $"{what} must be a list, written [a, b, ...].");

    public static DiagnosticMessage EmptyList(string what) =>
        Make(DiagnosticCatalog.EmptyList, $"{what} is an empty list; it needs at least one element.");

    /// <param name="hint">A sentence with its leading space saying what was probably meant, or "".</param>
    public static DiagnosticMessage InvalidOperands(string op, string left, string right, string hint) =>
        Make(DiagnosticCatalog.InvalidOperands, $"Operator '{op}' cannot be applied to {left} and {right}.{hint}");

    public static DiagnosticMessage InvalidIndex() =>
        Make(DiagnosticCatalog.InvalidIndex,
            $"A cell is selected by names of checkpoints, environments or conditions, e.g. covert_rate[o3, SandbaggingQA].");

    /// <param name="error">.NET's explanation.</param>
    public static DiagnosticMessage InvalidRegex(string pattern, string error) =>
        Make(DiagnosticCatalog.InvalidRegex, $"'{pattern}' is not a valid .NET regular expression: {error}");

    /// <param name="what">The construct, e.g. "'cites'" or "rate() (share of units where a bool is true)".</param>
    /// <param name="where">The context, e.g. "the covert_action detector of X".</param>
    /// <param name="hint">Where it belongs instead, a sentence.</param>
    public static DiagnosticMessage NotAllowedInContext(string what, string where, string hint) =>
        Make(DiagnosticCatalog.NotAllowedInContext, $"{what} cannot be used in {where}. {hint}");

    /// <param name="what">The value, e.g. "'seed'" or "The question of judge()".</param>
    public static DiagnosticMessage ConstantExpected(string what) =>
        Make(DiagnosticCatalog.ConstantExpected, $"{what} must be a literal value known at compile time.");

    /// <param name="list">The list, e.g. "param 'goal'" or "this list".</param>
    public static DiagnosticMessage MixedListTypes(string list, string type, string firstType) =>
        Make(DiagnosticCatalog.MixedListTypes, $"All values of {list} must have one type; this element is {type} but the first is {firstType}.");

    /// <param name="problem">What is wrong with it, a sentence.</param>
    public static DiagnosticMessage InvalidToolDeclaration(string problem) =>
        Make(DiagnosticCatalog.InvalidToolDeclaration,
            $"{problem} Write a tool as a name, e.g. read_file, or with typed arguments, e.g. submit(answer: string).");

    public static DiagnosticMessage UnknownType(string type, string suggestion) =>
        Make(DiagnosticCatalog.UnknownType, $"Unknown type '{type}'. Tool arguments are string, number, bool or list.{suggestion}");

    /// <param name="kind">The kind of declaration the name is, e.g. "checkpoint".</param>
    public static DiagnosticMessage NotAFunction(string name, string kind) =>
        Make(DiagnosticCatalog.NotAFunction, $"'{name}' is {Article(kind)} {kind}, not a function; it cannot be called.");
}
