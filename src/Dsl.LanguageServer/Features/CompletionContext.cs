using Antlr4.Runtime;
using Scheme.Compiler.Syntax;
using Scheme.Compiler.Syntax.Generated;

namespace Scheme.LanguageServer.Features;

/// <summary>Where the cursor stands, read from the tokens before it (the text being typed rarely parses).</summary>
public sealed record CompletionContext
{
    /// <summary>The declaration the cursor is in, or null between declarations.</summary>
    public DeclarationKind? Declaration { get; init; }
    public string? DeclarationName { get; init; }
    /// <summary>"limits" or "workspace" inside those blocks of an environment.</summary>
    public string? InnerBlock { get; init; }
    /// <summary>At the start of a member (or of a declaration between declarations).</summary>
    public bool MemberStart { get; init; }
    /// <summary>The property whose value the cursor is in (<c>tools</c>, <c>covert_action</c>), or the member keyword (<c>outcome</c>, <c>expect</c>, <c>followup</c>).</summary>
    public string? Member { get; init; }
    /// <summary>After <c>-&gt; name:</c> of a followup: its grader.</summary>
    public bool FollowupGrader { get; init; }
    /// <summary>Inside <c>[...]</c> right after a name: a cell of a metric (<c>covert_rate[o3, ...]</c>).</summary>
    public bool InCell { get; init; }
    /// <summary>After <c>extends</c>.</summary>
    public bool AfterExtends { get; init; }
    /// <summary>The name before a dot: <c>submit.</c> (a tool's arguments), <c>AntiScheming.</c> (a spec's principles).</summary>
    public string? DottedFrom { get; init; }
    /// <summary>Inside <c>{{ }}</c> of a string: the environment's params.</summary>
    public bool InTemplate { get; init; }
    /// <summary>In a comment or a string: nothing to complete.</summary>
    public bool Nothing { get; init; }

    private sealed record Frame(int Type, int OpenIndex, string? Block);

    public static CompletionContext At(string text, int offset)
    {
        var lexer = new SchemeLexer(new AntlrInputStream(text));
        lexer.RemoveErrorListeners();
        var all = lexer.GetAllTokens();
        var inside = all.FirstOrDefault(t => t.StartIndex < offset && offset <= t.StopIndex + 1 && t.Type != SchemeLexer.WS);
        if (inside is not null && inside.Type is SchemeLexer.LINE_COMMENT or SchemeLexer.BLOCK_COMMENT)
        {
            return new CompletionContext { Nothing = offset <= inside.StopIndex || inside.Type == SchemeLexer.LINE_COMMENT };
        }
        var inString = inside is not null && inside.Type is SchemeLexer.STRING or SchemeLexer.TRIPLE_STRING or SchemeLexer.UNTERMINATED_STRING or SchemeLexer.UNTERMINATED_TRIPLE_STRING
            && (offset <= inside.StopIndex || inside.Type is SchemeLexer.UNTERMINATED_STRING or SchemeLexer.UNTERMINATED_TRIPLE_STRING);
        var wordStart = offset;
        while (wordStart > 0 && (char.IsLetterOrDigit(text[wordStart - 1]) || text[wordStart - 1] == '_'))
        {
            wordStart--;
        }
        var tokens = all.Where(t => t.Channel == TokenConstants.DefaultChannel && t.StopIndex < (inString ? inside!.StartIndex : wordStart)).ToList();
        var context = Walk(new Scheme.Compiler.Text.SourceFile("", text, "/"), tokens, wordStart);
        if (inString)
        {
            var before = text[inside!.StartIndex..offset];
            var template = before.LastIndexOf("{{", StringComparison.Ordinal) > before.LastIndexOf("}}", StringComparison.Ordinal);
            return context with { InTemplate = template, Nothing = !template, MemberStart = false };
        }
        return context;
    }

    private static CompletionContext Walk(Scheme.Compiler.Text.SourceFile text, List<IToken> tokens, int wordStart)
    {
        var stack = new List<Frame>();
        DeclarationKind? top = null;
        string? topName = null;
        var topStart = 0;
        var memberStart = -1;
        for (var i = 0; i < tokens.Count; i++)
        {
            var token = tokens[i];
            if (stack.Count == 0 && Kind(token.Type) is { } kind && StartsDeclaration(tokens, i))
            {
                (top, topStart) = (kind, i);
                topName = i + 1 < tokens.Count && IsName(tokens[i + 1].Type) ? tokens[i + 1].Text : null;
                continue;
            }
            switch (token.Type)
            {
                case SchemeLexer.LBRACE:
                    var block = stack.Count == 0 ? "declaration"
                        : i > 0 && tokens[i - 1].Type == SchemeLexer.LIMITS ? "limits"
                        : i > 0 && tokens[i - 1].Type is SchemeLexer.WORKSPACE or SchemeLexer.GRADER_FILES ? "workspace" : null;
                    stack.Add(new Frame(token.Type, i, block));
                    memberStart = i + 1;
                    break;
                case SchemeLexer.LPAREN or SchemeLexer.LBRACK:
                    stack.Add(new Frame(token.Type, i, null));
                    break;
                case SchemeLexer.RBRACE or SchemeLexer.RPAREN or SchemeLexer.RBRACK:
                    if (stack.Count > 0)
                    {
                        stack.RemoveAt(stack.Count - 1);
                    }
                    if (token.Type == SchemeLexer.RBRACE && stack.Count > 0 && stack[^1].Block is not null)
                    {
                        memberStart = i + 1;
                    }
                    break;
                default:
                    // A new line after a finished value starts the next member, as the language is written one per line.
                    if (stack.Count > 0 && stack[^1].Block is not null && i > 0 && Line(text, tokens[i - 1].StopIndex) < Line(text, token.StartIndex)
                        && EndsValue(tokens[i - 1].Type))
                    {
                        memberStart = i;
                    }
                    break;
            }
        }
        var previous = tokens.Count > 0 ? tokens[^1] : null;
        var newLine = previous is null || Line(text, previous.StopIndex) < Line(text, wordStart);
        var dotted = previous?.Type == SchemeLexer.DOT && tokens.Count > 1 && IsName(tokens[^2].Type) ? tokens[^2].Text : null;
        if (stack.Count == 0)
        {
            var inMetricValue = top == DeclarationKind.Metric && tokens.Skip(topStart).Any(t => t.Type == SchemeLexer.ASSIGN)
                && !(newLine && previous is not null && EndsValue(previous.Type));
            return new CompletionContext
            {
                Declaration = inMetricValue || previous?.Type == SchemeLexer.EXTENDS ? top : null,
                DeclarationName = topName,
                MemberStart = !inMetricValue && previous?.Type != SchemeLexer.EXTENDS && (previous is null || newLine || previous.Type == SchemeLexer.RBRACE),
                Member = inMetricValue ? "metric" : null,
                AfterExtends = previous?.Type == SchemeLexer.EXTENDS,
                DottedFrom = dotted,
            };
        }
        var blockIndex = stack.FindLastIndex(f => f.Block is not null);
        var innermost = stack[^1];
        var inner = blockIndex >= 0 && stack[blockIndex].Block is "limits" or "workspace" ? stack[blockIndex].Block : null;
        var atMemberStart = innermost.Block is not null && (previous?.Type is SchemeLexer.LBRACE or SchemeLexer.RBRACE || (newLine && previous is not null && EndsValue(previous.Type)));
        var head = memberStart >= 0 && memberStart < tokens.Count ? tokens.Skip(memberStart).ToList() : [];
        string? member = null;
        var followupGrader = false;
        if (top == DeclarationKind.Metric && blockIndex < 0)
        {
            member = "metric";
        }
        else if (head.Count > 0)
        {
            member = head[0].Type switch
            {
                SchemeLexer.OUTCOME => "outcome",
                SchemeLexer.EXPECT => "expect",
                SchemeLexer.FOLLOWUP => "followup",
                SchemeLexer.PARAM => "param",
                _ when head.Count > 1 && head[1].Type == SchemeLexer.COLON => head[0].Text,
                _ => top == DeclarationKind.Simulate ? "simulate" : null,
            };
            var arrow = head.FindIndex(t => t.Type == SchemeLexer.ARROW);
            followupGrader = member == "followup" && arrow >= 0 && head.Skip(arrow).Any(t => t.Type == SchemeLexer.COLON);
        }
        var inCell = innermost.Type == SchemeLexer.LBRACK && innermost.OpenIndex > 0 && IsName(tokens[innermost.OpenIndex - 1].Type)
            && top is DeclarationKind.Simulate or DeclarationKind.Hypothesis;
        return new CompletionContext
        {
            Declaration = top,
            DeclarationName = topName,
            InnerBlock = inner,
            MemberStart = atMemberStart,
            Member = atMemberStart ? null : member,
            FollowupGrader = followupGrader,
            InCell = inCell,
            DottedFrom = dotted,
        };
    }

    private static bool StartsDeclaration(List<IToken> tokens, int i) =>
        i == 0 || tokens[i - 1].Type == SchemeLexer.RBRACE || EndsValue(tokens[i - 1].Type);

    private static bool EndsValue(int type) =>
        type is SchemeLexer.RBRACE or SchemeLexer.RPAREN or SchemeLexer.RBRACK or SchemeLexer.NUMBER or SchemeLexer.STRING or SchemeLexer.TRIPLE_STRING
            or SchemeLexer.TRUE or SchemeLexer.FALSE || IsName(type);

    private static bool IsName(int type) => type == SchemeLexer.ID || (Keywords.IsKeywordToken(type) && type is not (SchemeLexer.AND or SchemeLexer.OR or SchemeLexer.NOT
        or SchemeLexer.TRUE or SchemeLexer.FALSE or SchemeLexer.CITES));

    private static int Line(Scheme.Compiler.Text.SourceFile lines, int offset) => lines.GetLineColumn(offset).Line;

    private static DeclarationKind? Kind(int type) => type switch
    {
        SchemeLexer.EXPERIMENT => DeclarationKind.Experiment,
        SchemeLexer.SPEC => DeclarationKind.Spec,
        SchemeLexer.CHECKPOINT => DeclarationKind.Checkpoint,
        SchemeLexer.ENVIRONMENT => DeclarationKind.Environment,
        SchemeLexer.MANIPULATION => DeclarationKind.Manipulation,
        SchemeLexer.METRIC => DeclarationKind.Metric,
        SchemeLexer.RUN => DeclarationKind.Run,
        SchemeLexer.SIMULATE => DeclarationKind.Simulate,
        SchemeLexer.HYPOTHESIS => DeclarationKind.Hypothesis,
        _ => null,
    };
}
