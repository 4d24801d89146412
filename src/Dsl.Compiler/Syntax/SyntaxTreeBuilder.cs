using P = Scheme.Compiler.Syntax.Generated.SchemeParser;
using System.Collections.Immutable;
using System.Globalization;
using Antlr4.Runtime;
using Antlr4.Runtime.Tree;
using Scheme.Compiler.Diagnostics;
using Scheme.Compiler.Syntax.Generated;
using Scheme.Compiler.Text;

namespace Scheme.Compiler.Syntax;

/// <summary>
/// Lowers ANTLR's parse tree to the immutable AST. After a syntax error ANTLR leaves holes (null children);
/// this builder fills them with missing nodes so later phases can keep checking the rest of the file.
/// </summary>
internal sealed class SyntaxTreeBuilder(SourceFile file, DiagnosticBag diagnostics)
{
    /// <summary>Deeper expressions are refused rather than risking the stack of every later phase.</summary>
    public const int MaxExpressionDepth = 200;

    private int _depth;
    private bool _reportedDepth;

    public CompilationUnitSyntax Build(P.CompilationUnitContext context)
    {
        var imports = context.importDirective()
            .Where(i => Present(i.@string()))
            .Select(i => new ImportSyntax(String(i.@string()), SpanOf(i)))
            .ToImmutableArray();
        var declarations = context.declaration()
            .Select(Declaration)
            .OfType<DeclarationSyntax>()
            .ToImmutableArray();
        return new CompilationUnitSyntax(file, imports, declarations, new TextSpan(0, file.Text.Length));
    }

    private DeclarationSyntax? Declaration(P.DeclarationContext context)
    {
        var span = SpanOf(context);
        return context switch
        {
            P.ExperimentDeclarationContext c => Block(DeclarationKind.Experiment, c.name(), null, null, c.block(), span),
            P.SpecDeclarationContext c => Block(DeclarationKind.Spec, c.name(), null, null, c.block(), span),
            P.CheckpointDeclarationContext c => Block(DeclarationKind.Checkpoint, c.name(0), c.name(1), null, c.block(), span),
            P.EnvironmentDeclarationContext c => Block(DeclarationKind.Environment, c.name(0), c.name(1), null, c.block(), span),
            P.ManipulationDeclarationContext c => Block(DeclarationKind.Manipulation, c.name(), null, null, c.block(), span),
            P.RunDeclarationContext c => Block(DeclarationKind.Run, c.name(), null, null, c.block(), span),
            P.SimulateDeclarationContext c => Block(DeclarationKind.Simulate, c.name(), null, null, c.block(), span, defaultName: "simulate"),
            P.HypothesisDeclarationContext c => Block(DeclarationKind.Hypothesis, c.name(), null, c.@string(), c.block(), span),
            P.MetricDeclarationContext c => new DeclarationSyntax(DeclarationKind.Metric, Name(c.name(), c.Start), null, null,
                [], Expression(c.expression()), span, c.environmentList()?.name().Select(n => Name(n, null)).ToImmutableArray() ?? []),
            _ => null,
        };
    }

    private DeclarationSyntax Block(DeclarationKind kind, P.NameContext? name, P.NameContext? baseName,
        P.StringContext? title, P.BlockContext? block, TextSpan span, string? defaultName = null)
    {
        var identifier = name is null && defaultName is not null
            ? new IdentifierSyntax(defaultName, new TextSpan(span.Start, defaultName.Length))
            : Name(name, null);
        var members = block?.member().Select(Member).OfType<MemberSyntax>().ToImmutableArray() ?? [];
        return new DeclarationSyntax(kind, identifier, baseName is null ? null : Name(baseName, null),
            title is null ? null : String(title), members, null, span);
    }

    private MemberSyntax? Member(P.MemberContext context)
    {
        var span = SpanOf(context);
        switch (context)
        {
            case P.PropertyMemberContext c:
                return new PropertySyntax(Name(c.name(), c.Start), Expression(c.expression()), span);
            case P.ParamMemberContext c:
                return new ParamSyntax(Name(c.name(), c.Start), Expression(c.expression()), span);
            case P.WorkspaceMemberContext c:
                var files = c.workspaceFile()
                    .Where(f => Present(f.@string()))
                    .Select(f => new WorkspaceFileSyntax(String(f.@string()), Expression(f.expression()), SpanOf(f)))
                    .ToImmutableArray();
                return new WorkspaceSyntax(files, span, GraderOnly: c.GRADER_FILES() is not null);
            case P.LimitsMemberContext c:
                return new LimitsSyntax(c.block()?.member().Select(Member).OfType<MemberSyntax>().ToImmutableArray() ?? [],
                    new TextSpan(c.LIMITS().Symbol.StartIndex, "limits".Length), span);
            case P.FollowupMemberContext c when Present(c.@string()):
                // With `when`, the grader is the second expression; without, the only one.
                var expressions = c.expression();
                return new FollowupSyntax(String(c.@string()), Name(c.name(), c.Stop), Expression(expressions.LastOrDefault()), span,
                    c.WHEN() is null ? null : Expression(expressions.Length > 1 ? expressions[0] : null));
            case P.OutcomeMemberContext c:
                return new OutcomeSyntax(Name(c.name(), c.Start), Expression(c.expression()), span);
            case P.ExpectMemberContext c:
                return new ExpectSyntax(Expression(c.expression()), span);
            case P.AssignmentMemberContext c:
                return new AssignmentSyntax(Name(c.name(), c.Start), Arguments(c.argumentList()), Expression(c.expression()), span);
            default:
                return null;
        }
    }

    /// <summary>A call's arguments, or a cell's factors (<c>[o3, nudge: false]</c>): each optionally named.</summary>
    private ImmutableArray<ArgumentSyntax> Arguments(P.ArgumentListContext? context) =>
        context?.argument()
            .Select(a => new ArgumentSyntax(a.name() is null ? null : Name(a.name(), null), Expression(a.expression()), SpanOf(a)))
            .ToImmutableArray() ?? [];

    private ImmutableArray<ExpressionSyntax> ExpressionList(P.ExpressionListContext? context) =>
        context?.expression().Select(Expression).ToImmutableArray() ?? [];

    private ExpressionSyntax Expression(P.ExpressionContext? context)
    {
        if (context is null)
        {
            return new MissingExpressionSyntax(new TextSpan(file.Text.Length, 0));
        }
        if (_depth >= MaxExpressionDepth)
        {
            if (!_reportedDepth)
            {
                _reportedDepth = true;
                diagnostics.Report(file, new TextSpan(context.Start.StartIndex, 1), Diagnose.NestedTooDeeply(MaxExpressionDepth, beforeParsing: false));
            }
            return new MissingExpressionSyntax(SpanOf(context));
        }
        _depth++;
        try
        {
            return ExpressionCore(context);
        }
        finally
        {
            _depth--;
        }
    }

    private ExpressionSyntax ExpressionCore(P.ExpressionContext context)
    {
        var span = SpanOf(context);
        switch (context)
        {
            case P.PrimaryExpressionContext c:
                return Primary(c.primary());
            case P.MemberAccessExpressionContext c:
                return new MemberAccessExpressionSyntax(Expression(c.expression()), Name(c.name(), c.Stop), span);
            case P.IndexExpressionContext c:
                return new IndexExpressionSyntax(Expression(c.expression()), Arguments(c.argumentList()), span);
            case P.NegateExpressionContext c:
                return new UnaryExpressionSyntax(UnaryOperator.Negate, Expression(c.expression()), span);
            case P.NotExpressionContext c:
                return new UnaryExpressionSyntax(UnaryOperator.Not, Expression(c.expression()), span);
            case P.CitesExpressionContext c:
                return new CitesExpressionSyntax(Expression(c.expression()), Name(c.name(0), c.Stop),
                    c.name(1) is null ? null : Name(c.name(1), c.Stop), span);
            case P.MultiplicativeExpressionContext c:
                return Binary(c.op, c.expression(0), c.expression(1), span);
            case P.AdditiveExpressionContext c:
                return Binary(c.op, c.expression(0), c.expression(1), span);
            case P.RelationalExpressionContext c:
                return Binary(c.op, c.expression(0), c.expression(1), span);
            case P.EqualityExpressionContext c:
                return Binary(c.op, c.expression(0), c.expression(1), span);
            case P.AndExpressionContext c:
                return Binary(c.AND().Symbol, c.expression(0), c.expression(1), span);
            case P.OrExpressionContext c:
                return Binary(c.OR().Symbol, c.expression(0), c.expression(1), span);
            case P.GivenExpressionContext c:
                return new GivenExpressionSyntax(Expression(c.expression(0)), Expression(c.expression(1)),
                    new TextSpan(c.GIVEN().Symbol.StartIndex, "given".Length), span);
            default:
                return new MissingExpressionSyntax(span);
        }
    }

    private ExpressionSyntax Binary(IToken? op, P.ExpressionContext? left, P.ExpressionContext? right, TextSpan span)
    {
        if (op is null)
        {
            return new MissingExpressionSyntax(span);
        }
        var kind = op.Type switch
        {
            SchemeLexer.STAR => BinaryOperator.Multiply,
            SchemeLexer.SLASH => BinaryOperator.Divide,
            SchemeLexer.PLUS => BinaryOperator.Add,
            SchemeLexer.MINUS => BinaryOperator.Subtract,
            SchemeLexer.LT => BinaryOperator.Less,
            SchemeLexer.LE => BinaryOperator.LessOrEqual,
            SchemeLexer.GT => BinaryOperator.Greater,
            SchemeLexer.GE => BinaryOperator.GreaterOrEqual,
            SchemeLexer.EQ => BinaryOperator.Equal,
            SchemeLexer.NEQ => BinaryOperator.NotEqual,
            SchemeLexer.AND => BinaryOperator.And,
            _ => BinaryOperator.Or,
        };
        var opSpan = new TextSpan(op.StartIndex, Math.Max(1, op.StopIndex - op.StartIndex + 1));
        return new BinaryExpressionSyntax(kind, Expression(left), Expression(right), opSpan, span);
    }

    private ExpressionSyntax Primary(P.PrimaryContext? context)
    {
        if (context is null)
        {
            return new MissingExpressionSyntax(new TextSpan(file.Text.Length, 0));
        }
        var span = SpanOf(context);
        switch (context)
        {
            case P.NumberLiteralContext c:
                return Number(c.NUMBER().Symbol, span);
            case P.StringLiteralContext c:
                return String(c.@string());
            case P.BooleanLiteralContext c:
                return new BooleanLiteralSyntax(c.TRUE() is not null, span);
            case P.ListLiteralContext c:
                return new ListExpressionSyntax(ExpressionList(c.expressionList()), span);
            case P.ParenthesizedExpressionContext c:
                return Expression(c.expression());
            case P.SpecReferenceContext c:
                return new SpecReferenceSyntax(Name(c.name(), c.Stop), span);
            case P.RemoveSentencesExpressionContext c:
                return new RemoveSentencesExpressionSyntax(Expression(c.expression()), span);
            case P.InjectExpressionContext c:
                return new InjectExpressionSyntax(Expression(c.expression()), span);
            case P.CallExpressionContext c:
                return new CallExpressionSyntax(Name(c.name(), c.Start), Arguments(c.argumentList()), span);
            case P.NameReferenceContext c:
                return new NameExpressionSyntax(Name(c.name(), c.Start), span);
            default:
                return new MissingExpressionSyntax(span);
        }
    }

    private NumberLiteralSyntax Number(IToken token, TextSpan span)
    {
        var text = token.Text;
        var isPercent = text.EndsWith('%');
        var digits = isPercent ? text[..^1] : text;
        var value = double.Parse(digits, NumberStyles.Float, CultureInfo.InvariantCulture);
        return new NumberLiteralSyntax(isPercent ? value / 100 : value, isPercent, text, span);
    }

    /// <summary>
    /// False for a string the parser's error recovery stood in for (at the end of the file, the context's first token is
    /// EOF, whose text "&lt;EOF&gt;" is not in the file): the syntax error is already reported, and reading the stand-in
    /// would import a file named "EOF" with a span past the end of the text.
    /// </summary>
    private static bool Present(P.StringContext? context) =>
        context is not null && context.exception is null && context.Start.Type != TokenConstants.EOF;

    private StringLiteralSyntax String(P.StringContext context)
    {
        var token = context.Start;
        if (!Present(context))
        {
            var at = token.Type == TokenConstants.EOF || token.StartIndex < 0 ? file.Text.Length : token.StartIndex;
            return new StringLiteralSyntax("", at, [], new TextSpan(at, 0));
        }
        var terminated = token.Type is not (SchemeLexer.UNTERMINATED_STRING or SchemeLexer.UNTERMINATED_TRIPLE_STRING);
        return StringLiteralDecoder.Decode(token.Text, token.StartIndex, terminated, file, diagnostics);
    }

    private IdentifierSyntax Name(P.NameContext? context, IToken? near)
    {
        // A name the parser patched up during recovery (":judge" after deleting a stray ':') is not a name.
        if (context is null || context.Start.Type == TokenConstants.EOF || context.exception is not null
            || context.children?.Any(c => c is IErrorNode) == true)
        {
            var at = near is null || near.Type == TokenConstants.EOF ? file.Text.Length : near.StartIndex;
            return new IdentifierSyntax("", new TextSpan(at, 0));
        }
        return new IdentifierSyntax(context.GetText(), SpanOf(context));
    }

    private TextSpan SpanOf(ParserRuleContext context)
    {
        var start = context.Start.Type == TokenConstants.EOF ? file.Text.Length : context.Start.StartIndex;
        var stopToken = context.Stop;
        var stop = stopToken is null || stopToken.Type == TokenConstants.EOF || stopToken.StopIndex < start
            ? start
            : stopToken.StopIndex + 1;
        return TextSpan.FromBounds(start, stop);
    }
}
