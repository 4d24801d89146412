using System.Collections.Immutable;
using Scheme.Compiler.Text;

namespace Scheme.Compiler.Syntax;

public abstract record ExpressionSyntax(TextSpan Span) : SyntaxNode(Span);

/// <summary>Stands where the parser recovered from an error; the checker gives it the error type silently.</summary>
public sealed record MissingExpressionSyntax(TextSpan Span) : ExpressionSyntax(Span);

/// <summary>A number; <c>13%</c> is stored as 0.13 with <see cref="IsPercent"/> set.</summary>
public sealed record NumberLiteralSyntax(double Value, bool IsPercent, string Text, TextSpan Span) : ExpressionSyntax(Span);

/// <summary>
/// A string after unescaping. <see cref="SourceOffsets"/> maps each character of <see cref="Value"/> back to
/// its offset in the file, so an error inside a prompt template points at the exact character.
/// </summary>
public sealed record StringLiteralSyntax(string Value, ImmutableArray<int> SourceOffsets, TextSpan Span) : ExpressionSyntax(Span)
{
    public TextSpan MapSpan(int start, int length)
    {
        if (SourceOffsets.IsDefaultOrEmpty)
        {
            return Span;
        }
        var first = SourceOffsets[Math.Clamp(start, 0, SourceOffsets.Length - 1)];
        var last = SourceOffsets[Math.Clamp(start + Math.Max(length, 1) - 1, 0, SourceOffsets.Length - 1)];
        return TextSpan.FromBounds(first, last + 1);
    }
}

public sealed record BooleanLiteralSyntax(bool Value, TextSpan Span) : ExpressionSyntax(Span);

public sealed record ListExpressionSyntax(ImmutableArray<ExpressionSyntax> Items, TextSpan Span) : ExpressionSyntax(Span);

public sealed record NameExpressionSyntax(IdentifierSyntax Name, TextSpan Span) : ExpressionSyntax(Span);

public sealed record MemberAccessExpressionSyntax(ExpressionSyntax Target, IdentifierSyntax Member, TextSpan Span) : ExpressionSyntax(Span);

public sealed record IndexExpressionSyntax(ExpressionSyntax Target, ImmutableArray<ExpressionSyntax> Indices, TextSpan Span) : ExpressionSyntax(Span);

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

public sealed record ArgumentSyntax(IdentifierSyntax? Name, ExpressionSyntax Value, TextSpan Span) : SyntaxNode(Span);

public sealed record CallExpressionSyntax(IdentifierSyntax Function, ImmutableArray<ArgumentSyntax> Arguments, TextSpan Span) : ExpressionSyntax(Span);

/// <summary><c>spec AntiScheming</c> used as a value, e.g. in <c>prepend(spec AntiScheming)</c>.</summary>
public sealed record SpecReferenceSyntax(IdentifierSyntax Spec, TextSpan Span) : ExpressionSyntax(Span);

/// <summary><c>remove sentences where predicate</c>: a reasoning-level edit.</summary>
public sealed record RemoveSentencesExpressionSyntax(ExpressionSyntax Predicate, TextSpan Span) : ExpressionSyntax(Span);

/// <summary><c>inject "text"</c>: a reasoning-level edit.</summary>
public sealed record InjectExpressionSyntax(ExpressionSyntax Text, TextSpan Span) : ExpressionSyntax(Span);
