using Scheme.Compiler.Text;

namespace Scheme.Compiler.Syntax;

/// <summary>Base of the immutable AST. Every node knows the span of source it came from.</summary>
public abstract record SyntaxNode(TextSpan Span);

/// <summary>
/// A name as written. <see cref="IsMissing"/> marks a name the parser expected but did not find; later
/// phases skip missing names so one syntax error does not cascade into "unknown name ''" errors.
/// </summary>
public sealed record IdentifierSyntax(string Text, TextSpan Span) : SyntaxNode(Span)
{
    public bool IsMissing => Text.Length == 0;

    public override string ToString() => Text;
}
