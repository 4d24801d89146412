using System.Collections.Immutable;
using Scheme.Compiler.Text;

namespace Scheme.Compiler.Syntax;

public abstract record ExpressionSyntax(TextSpan Span) : SyntaxNode(Span);

/// <summary>Stands where the parser recovered from an error; the checker gives it the error type silently.</summary>
public sealed record MissingExpressionSyntax(TextSpan Span) : ExpressionSyntax(Span);

/// <summary>A number; <c>13%</c> is stored as 0.13 with <see cref="IsPercent"/> set.</summary>
public sealed record NumberLiteralSyntax(double Value, bool IsPercent, string Text, TextSpan Span) : ExpressionSyntax(Span);

/// <summary>
/// A string after unescaping, and where each of its characters came from, so an error inside a prompt
/// template points at the exact character. Character i of <see cref="Value"/> is at file offset
/// <see cref="ContentStart"/> + i, unless escapes shifted it: then <see cref="EscapedOffsets"/> holds every
/// character's offset (kept only for strings with escapes, which are short).
/// </summary>
public sealed record StringLiteralSyntax(string Value, int ContentStart, ImmutableArray<int> EscapedOffsets, TextSpan Span) : ExpressionSyntax(Span)
{
    public TextSpan MapSpan(int start, int length)
    {
        if (Value.Length == 0)
        {
            return Span;
        }
        var first = Offset(Math.Clamp(start, 0, Value.Length - 1));
        var last = Offset(Math.Clamp(start + Math.Max(length, 1) - 1, 0, Value.Length - 1));
        return TextSpan.FromBounds(first, last + 1);
    }

    private int Offset(int index) => EscapedOffsets.IsDefaultOrEmpty ? ContentStart + index : EscapedOffsets[index];
}

public sealed record BooleanLiteralSyntax(bool Value, TextSpan Span) : ExpressionSyntax(Span);

public sealed record ListExpressionSyntax(ImmutableArray<ExpressionSyntax> Items, TextSpan Span) : ExpressionSyntax(Span);

public sealed record NameExpressionSyntax(IdentifierSyntax Name, TextSpan Span) : ExpressionSyntax(Span);

public sealed record MemberAccessExpressionSyntax(ExpressionSyntax Target, IdentifierSyntax Member, TextSpan Span) : ExpressionSyntax(Span);

public sealed record IndexExpressionSyntax(ExpressionSyntax Target, ImmutableArray<ArgumentSyntax> Indices, TextSpan Span) : ExpressionSyntax(Span);

public enum UnaryOperator
{
    Negate,
    Not,
}

public sealed record UnaryExpressionSyntax(UnaryOperator Operator, ExpressionSyntax Operand, TextSpan Span) : ExpressionSyntax(Span);

public enum BinaryOperator
{
    Multiply,
    Divide,
    Add,
    Subtract,
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
    Equal,
    NotEqual,
    And,
    Or,
}

public sealed record BinaryExpressionSyntax(BinaryOperator Operator, ExpressionSyntax Left, ExpressionSyntax Right, TextSpan OperatorSpan, TextSpan Span) : ExpressionSyntax(Span);

/// <summary>
/// <c>reasoning cites AntiScheming</c> (the spec or any of its principles) or <c>reasoning cites AntiScheming.AS1</c>
/// (that principle).
/// </summary>
public sealed record CitesExpressionSyntax(ExpressionSyntax Subject, IdentifierSyntax Spec, IdentifierSyntax? Principle, TextSpan Span) : ExpressionSyntax(Span);

/// <summary><c>confessed given covert_action</c>: a metric's per-unit value, counted only in units where the condition holds.</summary>
public sealed record GivenExpressionSyntax(ExpressionSyntax Value, ExpressionSyntax Condition, TextSpan GivenSpan, TextSpan Span) : ExpressionSyntax(Span);

public sealed record ArgumentSyntax(IdentifierSyntax? Name, ExpressionSyntax Value, TextSpan Span) : SyntaxNode(Span);

public sealed record CallExpressionSyntax(IdentifierSyntax Function, ImmutableArray<ArgumentSyntax> Arguments, TextSpan Span) : ExpressionSyntax(Span);

/// <summary><c>spec AntiScheming</c> used as a value, e.g. in <c>prepend(spec AntiScheming)</c>.</summary>
public sealed record SpecReferenceSyntax(IdentifierSyntax Spec, TextSpan Span) : ExpressionSyntax(Span);

/// <summary><c>remove sentences where predicate</c>: a reasoning-level edit.</summary>
public sealed record RemoveSentencesExpressionSyntax(ExpressionSyntax Predicate, TextSpan Span) : ExpressionSyntax(Span);

/// <summary><c>inject "text"</c>: a reasoning-level edit.</summary>
public sealed record InjectExpressionSyntax(ExpressionSyntax Text, TextSpan Span) : ExpressionSyntax(Span);
