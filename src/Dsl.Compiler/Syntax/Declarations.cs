using System.Collections.Immutable;
using Scheme.Compiler.Text;

namespace Scheme.Compiler.Syntax;

public enum DeclarationKind
{
    Experiment,
    Spec,
    Checkpoint,
    Environment,
    Manipulation,
    Metric,
    Run,
    Simulate,
    Hypothesis,
}

/// <summary>One parsed .scheme file.</summary>
public sealed record CompilationUnitSyntax(
    SourceFile File,
    ImmutableArray<ImportSyntax> Imports,
    ImmutableArray<DeclarationSyntax> Declarations,
    TextSpan Span) : SyntaxNode(Span);

public sealed record ImportSyntax(StringLiteralSyntax Path, TextSpan Span) : SyntaxNode(Span);

/// <summary>
/// A top-level declaration. All kinds share one shape (a keyword, a name, a block of members) so that the
/// binder, not the parser, decides which members a kind accepts and explains what is wrong.
/// </summary>
/// <param name="BaseName">The checkpoint or environment named after <c>extends</c>.</param>
/// <param name="Title">The quoted title of a hypothesis.</param>
/// <param name="Value">The expression of a <c>metric name = expression</c>.</param>
/// <param name="Environments">The environments of a <c>metric name in [A, B] = ...</c>; empty when it names none.</param>
public sealed record DeclarationSyntax(
    DeclarationKind Kind,
    IdentifierSyntax Name,
    IdentifierSyntax? BaseName,
    StringLiteralSyntax? Title,
    ImmutableArray<MemberSyntax> Members,
    ExpressionSyntax? Value,
    TextSpan Span,
    ImmutableArray<IdentifierSyntax> Environments = default) : SyntaxNode(Span)
{
    public ImmutableArray<IdentifierSyntax> Environments { get; init; } = Environments.IsDefault ? [] : Environments;
}
