using Scheme.Compiler.Semantics;
using Scheme.Compiler.Semantics.Expressions;
using Scheme.Compiler.Syntax;

namespace Scheme.Compiler.Emit;

/// <summary>
/// Turns a bound expression into the body of a C# lambda over <c>Transcript t</c>. The output is plain C#
/// a researcher can read: <c>Builtins.Accuracy(t.ArgumentText("submit", "answers"), t.File("key.json")) &lt; 0.5</c>.
/// </summary>
public static class ExpressionEmitter
{
    public const string Parameter = "t";

    public static string Lambda(BoundExpression expression) => $"static {Parameter} => {Emit(expression)}";

    /// <summary>A lambda returning a double, as metrics need: bools become 1 or 0.</summary>
    public static string NumericLambda(BoundExpression expression) =>
        expression.Type.Kind == TypeKind.Bool
            ? $"static {Parameter} => {Emit(expression)} ? 1.0 : 0.0"
            : Lambda(expression);

    private const string PairFirst = "first", PairSecond = "second";

    /// <summary>A pair metric's rule over the outcomes of its two units, each read by name: <c>(first, second) => ...</c>.</summary>
    public static string PairLambda(BoundExpression expression) => $"static ({PairFirst}, {PairSecond}) => {Emit(expression)}";

    public static string Emit(BoundExpression expression) => expression switch
    {
        BoundLiteral { Value: string s } => CSharpLiterals.Quoted(s),
        BoundLiteral { Value: double d } => CSharpLiterals.Number(d),
        BoundLiteral { Value: bool b } => CSharpLiterals.Bool(b),
        BoundTranscriptValue v => $"{Parameter}.{v.Value switch
        {
            TranscriptValue.Reasoning => "Reasoning",
            TranscriptValue.Output => "Output",
            TranscriptValue.Transcript => "Text",
            TranscriptValue.Answer => "Answer",
            TranscriptValue.EditApplied => "EditApplied",
            _ => "Sentence",
        }}",
        BoundParam p => $"{Parameter}.{TypeName(p.Type)}Param({CSharpLiterals.Quoted(p.Name)})",
        BoundOutcome { Condition: not null } o => $"{(o.Side == 0 ? PairFirst : PairSecond)}({CSharpLiterals.Quoted(o.Name)})",
        BoundOutcome o => $"{Parameter}.Outcome({CSharpLiterals.Quoted(o.Name)})",
        BoundToolArgument a => $"{Parameter}.Argument{ArgumentTypeName(a.Type)}({CSharpLiterals.Quoted(a.Tool)}, {CSharpLiterals.Quoted(a.Argument)})",
        BoundCallArgument a => $"Builtins.Argument{ArgumentTypeName(a.Type)}({a.Variable}, {CSharpLiterals.Quoted(a.Argument)})",
        BoundCallPredicate p => $"{p.Variable} => {Emit(p.Body)}",
        BoundUnary u => (u.Operator == UnaryOperator.Not ? "!" : "-") + Parenthesize(u.Operand),
        BoundBinary b => $"{Parenthesize(b.Left)} {Operator(b.Operator)} {Parenthesize(b.Right)}",
        BoundCites { Principle: null } c => $"{Parameter}.Cites({Emit(c.Subject)}, {CSharpLiterals.Quoted(c.Spec)})",
        BoundCites c => $"{Parameter}.Cites({Emit(c.Subject)}, {CSharpLiterals.Quoted(c.Spec)}, {CSharpLiterals.Quoted(c.Principle!)})",
        BoundJudge j => $"{Parameter}.Verdict({CSharpLiterals.Quoted(j.Id)})",
        BoundCSharp c => $"{CSharpLiterals.Identifier(c.Method)}({Parameter})",
        BoundCall c => Call(c),
        BoundTool tool => CSharpLiterals.Quoted(tool.Name),
        _ => throw new InvalidOperationException($"Cannot emit {expression.GetType().Name}; the binder should have reported an error."),
    };

    /// <summary>A library call, in the C# its signature gives it; the arguments' C# goes in.</summary>
    private static string Call(BoundCall call) =>
        call.Function.CSharp is { } csharp
            ? csharp([.. call.Arguments.Select(Emit)])
            : throw new InvalidOperationException($"Function {call.Function.Name} has no C# form; the binder should have kept it out of a per-unit expression.");

    /// <summary>Operands that are themselves operators get parentheses, so C# precedence cannot differ.</summary>
    private static string Parenthesize(BoundExpression operand) =>
        operand is BoundBinary or BoundUnary ? $"({Emit(operand)})" : Emit(operand);

    private static string Operator(BinaryOperator op) => op switch
    {
        BinaryOperator.And => "&&",
        BinaryOperator.Or => "||",
        _ => SyntaxFacts.OperatorText(op),
    };

    public static string TypeName(SchemeType type) => type.Kind switch
    {
        TypeKind.Bool => "Bool",
        TypeKind.Number => "Number",
        _ => "String",
    };

    private static string ArgumentTypeName(SchemeType type) => type.Kind switch
    {
        TypeKind.Bool => "Bool",
        TypeKind.Number => "Number",
        _ => "Text",
    };

    public static string CSharpType(SchemeType type) => type.Kind switch
    {
        TypeKind.Bool => "bool",
        TypeKind.Number => "double",
        _ => "string",
    };
}
