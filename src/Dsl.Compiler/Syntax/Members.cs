using System.Collections.Immutable;
using Scheme.Compiler.Text;

namespace Scheme.Compiler.Syntax;

public abstract record MemberSyntax(TextSpan Span) : SyntaxNode(Span);

/// <summary><c>name: value</c></summary>
public sealed record PropertySyntax(IdentifierSyntax Name, ExpressionSyntax Value, TextSpan Span) : MemberSyntax(Span);

/// <summary><c>param goal: [true, false]</c>: the values expand into variants of an environment.</summary>
public sealed record ParamSyntax(IdentifierSyntax Name, ExpressionSyntax Values, TextSpan Span) : MemberSyntax(Span);

/// <summary><c>workspace { file "a.md" = "..." }</c>, or <c>grader_files { ... }</c>: files only detectors and graders read.</summary>
/// <param name="GraderOnly">True for <c>grader_files</c>: never in the model's workspace.</param>
public sealed record WorkspaceSyntax(ImmutableArray<WorkspaceFileSyntax> Files, TextSpan Span, bool GraderOnly = false) : MemberSyntax(Span);

public sealed record WorkspaceFileSyntax(StringLiteralSyntax Path, ExpressionSyntax Content, TextSpan Span) : SyntaxNode(Span);

/// <summary>
/// <c>limits { max_file_bytes: 1048576 ... }</c>: caps on what one episode of an environment may use. Its members are
/// read like a declaration's, so a misspelt or doubled limit gets the usual diagnostics.
/// </summary>
/// <param name="Keyword">The word <c>limits</c>, where a diagnostic about the whole block points.</param>
public sealed record LimitsSyntax(ImmutableArray<MemberSyntax> Members, TextSpan Keyword, TextSpan Span) : MemberSyntax(Span);

/// <summary>
/// <c>followup "question" when covert_action -> outcome: judge(...)</c>; without <c>when</c> the question is put to every
/// model, with it only where the condition holds (the outcome is absent elsewhere, never false).
/// </summary>
public sealed record FollowupSyntax(StringLiteralSyntax Question, IdentifierSyntax Outcome, ExpressionSyntax Grader, TextSpan Span,
    ExpressionSyntax? When = null) : MemberSyntax(Span);

/// <summary><c>outcome deleted_successor: not exists("successor/model.bin")</c>: a named per-episode outcome.</summary>
public sealed record OutcomeSyntax(IdentifierSyntax Name, ExpressionSyntax Value, TextSpan Span) : MemberSyntax(Span);

/// <summary><c>expect covert_rate[o3_as] &lt; covert_rate[o3]</c></summary>
public sealed record ExpectSyntax(ExpressionSyntax Condition, TextSpan Span) : MemberSyntax(Span);

/// <summary><c>covert_rate[o3] = 0.13</c> in a simulate block.</summary>
public sealed record AssignmentSyntax(IdentifierSyntax Target, ImmutableArray<ArgumentSyntax> Indices, ExpressionSyntax Value, TextSpan Span) : MemberSyntax(Span);
