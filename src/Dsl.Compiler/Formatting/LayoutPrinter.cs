using Antlr4.Runtime;
using Antlr4.Runtime.Tree;
using Scheme.Compiler.Syntax.Generated;
using P = Scheme.Compiler.Syntax.Generated.SchemeParser;

namespace Scheme.Compiler.Formatting;

/// <summary>
/// The canonical layout, read off the parse tree: imports first, one blank line between declarations (consecutive
/// one-line metrics may stay together), a block's members one per line indented two spaces, one space around binary
/// operators, `=`, `->` and after `:` and `,`, none inside brackets, and a list on one line when it fits in
/// <see cref="TokenWriter.MaxWidth"/> columns, else one item per line with a trailing comma. Every token is written as
/// the source spells it (strings keep their quotes, numbers their form: 13% stays 13%); only the whitespace between
/// tokens, and a list's trailing comma, are the layout's. Comments are the <see cref="TokenWriter"/>'s.
/// </summary>
internal sealed class LayoutPrinter(TokenWriter writer, IList<IToken> tokens, bool flat = false)
{
    public static string Print(IList<IToken> tokens, P.CompilationUnitContext unit)
    {
        var writer = new TokenWriter(tokens);
        new LayoutPrinter(writer, tokens).Unit(unit);
        return writer.Finish();
    }

    private void Unit(P.CompilationUnitContext unit)
    {
        var imports = unit.importDirective();
        foreach (var import in imports)
        {
            writer.Line(BlankLines.Preserve);
            Node(import);
        }
        var declarations = unit.declaration();
        for (var i = 0; i < declarations.Length; i++)
        {
            // Metrics are one line each and read as a table; the author decides whether a run of them is grouped.
            var grouped = i > 0 && declarations[i - 1] is P.MetricDeclarationContext && declarations[i] is P.MetricDeclarationContext;
            writer.Line(grouped ? BlankLines.Preserve : i == 0 && imports.Length == 0 ? BlankLines.None : BlankLines.Force);
            Node(declarations[i]);
        }
        writer.Line(BlankLines.Preserve);
        writer.CommentsBefore(unit.Eof().Symbol);
    }

    private void Node(IParseTree node)
    {
        switch (node)
        {
            case ITerminalNode terminal:
                writer.Token(terminal.Symbol);
                break;
            case P.BlockContext block:
                Block(block.LBRACE(), block.member(), block.RBRACE());
                break;
            case P.WorkspaceMemberContext workspace:
                Node(workspace.GetChild(0));
                writer.Space();
                Block(workspace.LBRACE(), workspace.workspaceFile(), workspace.RBRACE());
                break;
            case P.ListLiteralContext list:
                List(list, list.LBRACK(), list.expressionList()?.expression() ?? [], list.RBRACK());
                break;
            case P.EnvironmentListContext environments when environments.LBRACK() is { } open:
                List(environments, open, environments.name(), environments.RBRACK());
                break;
            case ParserRuleContext rule:
                Children(rule);
                break;
        }
    }

    /// <summary>A rule's children in order, with the spacing between each two.</summary>
    private void Children(ParserRuleContext rule)
    {
        IToken? previous = null;
        for (var i = 0; i < rule.ChildCount; i++)
        {
            var child = rule.GetChild(i);
            // A call's or a cell's trailing comma says nothing on one line.
            if (rule is P.ArgumentListContext && i == rule.ChildCount - 1 && child is ITerminalNode { Symbol.Type: SchemeLexer.COMMA })
            {
                continue;
            }
            var first = child is ITerminalNode t ? t.Symbol : ((ParserRuleContext)child).Start;
            if (previous is not null && BreaksBefore(first, rule) && LineBreakBetween(previous, first))
            {
                writer.Continue();
            }
            else if (previous is not null && SpaceBetween(previous, first, rule))
            {
                writer.Space();
            }
            Node(child);
            previous = child is ITerminalNode u ? u.Symbol : ((ParserRuleContext)child).Stop;
        }
    }

    private static bool SpaceBetween(IToken previous, IToken next, ParserRuleContext rule) =>
        next.Type is not (SchemeLexer.COMMA or SchemeLexer.RPAREN or SchemeLexer.RBRACK or SchemeLexer.DOT or SchemeLexer.COLON)
        && previous.Type is not (SchemeLexer.LPAREN or SchemeLexer.LBRACK or SchemeLexer.DOT)
        && !(next.Type == SchemeLexer.LPAREN && rule is P.CallExpressionContext)
        && !(next.Type == SchemeLexer.LBRACK && rule is P.IndexExpressionContext or P.AssignmentMemberContext)
        && !(previous.Type == SchemeLexer.MINUS && rule is P.NegateExpressionContext);

    /// <summary>
    /// Where the author may break a long line: before a binary operator, a follow-up's `when` or its `->`. A break written
    /// there is kept, as a continuation line one level deeper, so a long condition stays readable; elsewhere lines join.
    /// </summary>
    private static bool BreaksBefore(IToken next, ParserRuleContext rule) =>
        next.Type is SchemeLexer.ARROW or SchemeLexer.WHEN
        || rule is P.AndExpressionContext or P.OrExpressionContext or P.GivenExpressionContext or P.AdditiveExpressionContext
            or P.MultiplicativeExpressionContext or P.RelationalExpressionContext or P.EqualityExpressionContext or P.CitesExpressionContext
            && next.Type is SchemeLexer.AND or SchemeLexer.OR or SchemeLexer.GIVEN or SchemeLexer.PLUS or SchemeLexer.MINUS or SchemeLexer.STAR
                or SchemeLexer.SLASH or SchemeLexer.LT or SchemeLexer.LE or SchemeLexer.GT or SchemeLexer.GE or SchemeLexer.EQ or SchemeLexer.NEQ
                or SchemeLexer.CITES;

    private bool LineBreakBetween(IToken previous, IToken next)
    {
        for (var i = previous.TokenIndex + 1; i < next.TokenIndex; i++)
        {
            if (tokens[i].Type == SchemeLexer.WS && tokens[i].Text.Contains('\n'))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>A block: members one per line; the author's blank lines between members are kept (at most one).</summary>
    private void Block(ITerminalNode open, IReadOnlyList<ParserRuleContext> members, ITerminalNode close)
    {
        writer.Token(open.Symbol);
        if (members.Count == 0 && !HasComments(open.Symbol, close.Symbol))
        {
            writer.Token(close.Symbol);
            return;
        }
        writer.Indent();
        for (var i = 0; i < members.Count; i++)
        {
            writer.Line(i == 0 ? BlankLines.None : BlankLines.Preserve);
            Node(members[i]);
        }
        Close(close, members.Count == 0 ? BlankLines.None : BlankLines.Preserve);
    }

    /// <summary>The comments before a closing bracket at the indentation of the items, then the bracket on a line of its own.</summary>
    private void Close(ITerminalNode close, BlankLines beforeComments)
    {
        writer.Line(beforeComments);
        writer.CommentsBefore(close.Symbol);
        writer.Dedent();
        writer.Line(BlankLines.None);
        writer.Token(close.Symbol);
    }

    /// <summary>
    /// A bracketed list on one line when it fits and holds no comment (nor a line break inside a string), else one
    /// item per line, each followed by a comma. The decision depends only on the tokens, their comments and the column,
    /// which formatting does not change, so it is the same the second time.
    /// </summary>
    private void List(ParserRuleContext list, ITerminalNode open, IReadOnlyList<ParserRuleContext> items, ITerminalNode close)
    {
        writer.CommentsBefore(open.Symbol);
        var oneLine = flat || (!HasComments(open.Symbol, close.Symbol) && FlatText(list) is var text
            && !text.Contains('\n') && writer.NextColumn + text.Length <= writer.MaxWidth);
        writer.Token(open.Symbol);
        if (oneLine)
        {
            for (var i = 0; i < items.Count; i++)
            {
                if (i > 0)
                {
                    writer.Token(NextDefault(items[i - 1].Stop));
                    writer.Space();
                }
                Node(items[i]);
            }
            writer.Token(close.Symbol);
            return;
        }
        writer.Indent();
        foreach (var item in items)
        {
            writer.Line(BlankLines.None);
            Node(item);
            var comma = NextDefault(item.Stop);
            if (comma.Type == SchemeLexer.COMMA)
            {
                writer.Token(comma);
            }
            else
            {
                writer.Synthetic(",");
            }
        }
        Close(close, BlankLines.None);
    }

    /// <summary>The list as it is written on one line (lists inside it on one line too).</summary>
    private string FlatText(ParserRuleContext list)
    {
        var measure = new TokenWriter(tokens, list.Start.TokenIndex);
        new LayoutPrinter(measure, tokens, flat: true).Node(list);
        return measure.Written;
    }

    private IToken NextDefault(IToken token)
    {
        var i = token.TokenIndex + 1;
        while (tokens[i].Channel != TokenConstants.DefaultChannel)
        {
            i++;
        }
        return tokens[i];
    }

    private bool HasComments(IToken open, IToken close)
    {
        for (var i = open.TokenIndex + 1; i < close.TokenIndex; i++)
        {
            if (tokens[i].Type is SchemeLexer.LINE_COMMENT or SchemeLexer.BLOCK_COMMENT)
            {
                return true;
            }
        }
        return false;
    }
}
