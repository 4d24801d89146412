using System.Collections.Immutable;
using Scheme.Compiler.Syntax;

namespace Scheme.Compiler.Semantics.Expressions;

/// <summary>
/// A type-checked expression. The emitter turns these into C# lambdas over a transcript; nothing here
/// refers back to ANTLR, and every node keeps the syntax it came from for #line mapping.
/// </summary>
public abstract record BoundExpression(SchemeType Type, SyntaxNode Syntax);

public sealed record BoundError(SyntaxNode Syntax) : BoundExpression(SchemeType.Error, Syntax);

public sealed record BoundLiteral(object Value, SchemeType Type, SyntaxNode Syntax) : BoundExpression(Type, Syntax);

public sealed record BoundList(ImmutableArray<BoundExpression> Items, SchemeType Type, SyntaxNode Syntax) : BoundExpression(Type, Syntax);

/// <summary>A value of the running episode: reasoning, output, answer, sentence (text), or edit_applied (a bool).</summary>
public sealed record BoundTranscriptValue(TranscriptValue Value, SyntaxNode Syntax)
    : BoundExpression(Value == TranscriptValue.EditApplied ? SchemeType.Bool : SchemeType.String, Syntax);

public enum TranscriptValue
{
    Reasoning,
    Output,
    Transcript,
    Answer,
    Sentence,

    /// <summary>Whether a reasoning manipulation edited this unit's reasoning.</summary>
    EditApplied,
}

public sealed record BoundParam(string Name, SchemeType Type, SyntaxNode Syntax) : BoundExpression(Type, Syntax);

/// <summary>An outcome of the unit; in a pair metric, <c>aligned[Testing]</c>: the outcome of the pair's unit under
/// <paramref name="Condition"/>, its first (<paramref name="Side"/> 0) or second condition.</summary>
public sealed record BoundOutcome(string Name, SyntaxNode Syntax, string? Condition = null, int Side = 0) : BoundExpression(SchemeType.Bool, Syntax);

public sealed record BoundTool(string Name, SyntaxNode Syntax) : BoundExpression(SchemeType.Tool, Syntax);

/// <summary><c>submit.answers</c>: the argument of the tool's last call.</summary>
public sealed record BoundToolArgument(string Tool, string Argument, SchemeType Type, SyntaxNode Syntax) : BoundExpression(Type, Syntax);

/// <summary>
/// <c>copy_file.destination</c> inside the predicate of <c>any</c>, <c>all</c> or <c>count</c> over <c>calls(copy_file)</c>:
/// the argument of the call the predicate is testing, held in the C# lambda parameter <paramref name="Variable"/>.
/// </summary>
public sealed record BoundCallArgument(string Variable, string Tool, string Argument, SchemeType Type, SyntaxNode Syntax) : BoundExpression(Type, Syntax);

/// <summary>A predicate over each call of a list: <paramref name="Body"/> with the call in <paramref name="Variable"/>.</summary>
public sealed record BoundCallPredicate(string Variable, BoundExpression Body, SyntaxNode Syntax) : BoundExpression(SchemeType.Bool, Syntax);

public sealed record BoundSpecReference(string Spec, SyntaxNode Syntax) : BoundExpression(SchemeType.Spec, Syntax);

public sealed record BoundCheckpointReference(string Checkpoint, SyntaxNode Syntax) : BoundExpression(SchemeType.Checkpoint, Syntax);

public sealed record BoundUnary(UnaryOperator Operator, BoundExpression Operand, SchemeType Type, SyntaxNode Syntax) : BoundExpression(Type, Syntax);

public sealed record BoundBinary(BinaryOperator Operator, BoundExpression Left, BoundExpression Right, SchemeType Type, SyntaxNode Syntax) : BoundExpression(Type, Syntax);

public sealed record BoundCites(BoundExpression Subject, string Spec, string? Principle, SyntaxNode Syntax) : BoundExpression(SchemeType.Bool, Syntax);

/// <summary>A call to the fixed function library (rate, contains, accuracy, file, prepend ...), by its signature.</summary>
public sealed record BoundCall(FunctionSignature Function, ImmutableArray<BoundExpression> Arguments, SchemeType Type, SyntaxNode Syntax) : BoundExpression(Type, Syntax);

/// <summary>
/// A model judge. It is not evaluated inline: the runtime asks the judge checkpoint first and records the
/// verdict under <see cref="Id"/>, then the compiled predicate reads it. That keeps predicates synchronous,
/// and every verdict, with its judge and prompt, lands in the transcript.
/// </summary>
/// <param name="RubricText">The rubric file's text, read at compile time so the runner carries it.</param>
/// <param name="DefaultTarget">What the judge reads when no on: is given (the answer, for a follow-up).</param>
public sealed record BoundJudge(
    string Id,
    JudgeOwnerSymbol Owner,
    string Checkpoint,
    string? Question,
    string? RubricPath,
    string? RubricText,
    BoundExpression? Target,
    TranscriptValue DefaultTarget,
    Scheme.Compiler.Text.SourceFile File,
    SyntaxNode Syntax)
    : BoundExpression(SchemeType.Bool, Syntax);

/// <summary>What a judge belongs to: it decides, at run time, when the judge is asked (see JudgeOwner in the model).</summary>
public enum JudgeOwnerKind
{
    Detector,
    Followup,
    Metric,
    ReasoningEdit,
}

/// <param name="Name">The outcome, the follow-up's outcome, the metric or the manipulation.</param>
/// <param name="Environment">For detectors and follow-ups: their environment.</param>
public sealed record JudgeOwnerSymbol(JudgeOwnerKind Kind, string Name, string? Environment = null);

/// <summary><c>csharp("Method")</c>: a partial method the researcher implements in C#.</summary>
public sealed record BoundCSharp(string Method, SchemeType Type, SyntaxNode Syntax) : BoundExpression(Type, Syntax);

public sealed record BoundRemoveSentences(BoundExpression Predicate, SyntaxNode Syntax) : BoundExpression(SchemeType.ReasoningEdit, Syntax);

public sealed record BoundInject(BoundExpression Text, SyntaxNode Syntax) : BoundExpression(SchemeType.ReasoningEdit, Syntax);
