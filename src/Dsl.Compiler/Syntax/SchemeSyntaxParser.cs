using Antlr4.Runtime;
using Antlr4.Runtime.Atn;
using Antlr4.Runtime.Misc;
using Scheme.Compiler.Diagnostics;
using Scheme.Compiler.Syntax.Generated;
using Scheme.Compiler.Text;

namespace Scheme.Compiler.Syntax;

/// <summary>Parses one .scheme file into an AST, reporting every syntax error as a diagnostic.</summary>
public static class SchemeSyntaxParser
{
    /// <summary>
    /// ANTLR parses nested brackets and prefix operators by recursion, so absurdly deep input would overflow
    /// the stack and kill the process (a crash no catch can stop). Such files are refused up front.
    /// </summary>
    public const int MaxNestingDepth = 128;

    public static CompilationUnitSyntax Parse(SourceFile file, DiagnosticBag diagnostics)
    {
        var lexer = new SchemeLexer(new AntlrInputStream(file.Text));
        lexer.RemoveErrorListeners();
        var tokens = new CommonTokenStream(lexer);
        tokens.Fill();
        ReportBadCharacters(tokens, file, diagnostics);
        if (!CheckNesting(tokens, file, diagnostics))
        {
            return new CompilationUnitSyntax(file, [], [], new TextSpan(0, file.Text.Length));
        }

        var tree = ParseTwoStage(tokens, file, diagnostics);
        return new SyntaxTreeBuilder(file, diagnostics).Build(tree);
    }

    /// <summary>
    /// The fast SLL mode parses almost every real file; only when it fails do we pay for full LL, which
    /// also gives the precise error messages.
    /// </summary>
    private static SchemeParser.CompilationUnitContext ParseTwoStage(CommonTokenStream tokens, SourceFile file, DiagnosticBag diagnostics)
    {
        var parser = new SchemeParser(tokens) { ErrorHandler = new BailErrorStrategy() };
        parser.Interpreter.PredictionMode = PredictionMode.SLL;
        parser.RemoveErrorListeners();
        try
        {
            return parser.compilationUnit();
        }
        catch (ParseCanceledException)
        {
            tokens.Seek(0);
            parser.Reset();
            parser.ErrorHandler = new DefaultErrorStrategy();
            parser.Interpreter.PredictionMode = PredictionMode.LL;
            parser.AddErrorListener(new SyntaxErrorListener(file, diagnostics));
            return parser.compilationUnit();
        }
    }

    private static void ReportBadCharacters(CommonTokenStream tokens, SourceFile file, DiagnosticBag diagnostics)
    {
        foreach (var token in tokens.GetTokens())
        {
            if (token.Type == SchemeLexer.ERROR_CHAR)
            {
                var text = token.Text;
                var shown = text.Length == 1 && char.IsControl(text[0]) ? $"\\u{(int)text[0]:X4}" : text;
                diagnostics.Report(file, new TextSpan(token.StartIndex, Math.Max(1, text.Length)), Diagnose.UnexpectedCharacter(shown));
            }
        }
    }

    private static bool CheckNesting(CommonTokenStream tokens, SourceFile file, DiagnosticBag diagnostics)
    {
        var depth = 0;
        var prefixRun = 0;
        foreach (var token in tokens.GetTokens())
        {
            if (token.Channel != TokenConstants.DefaultChannel)
            {
                continue;
            }
            switch (token.Type)
            {
                case SchemeLexer.LPAREN or SchemeLexer.LBRACK or SchemeLexer.LBRACE:
                    depth++;
                    break;
                case SchemeLexer.RPAREN or SchemeLexer.RBRACK or SchemeLexer.RBRACE:
                    depth = Math.Max(0, depth - 1);
                    break;
            }
            // Every token that opens a nested expression by recursion in the parser counts towards the limit.
            prefixRun = token.Type is SchemeLexer.NOT or SchemeLexer.MINUS or SchemeLexer.LPAREN or SchemeLexer.LBRACK
                or SchemeLexer.INJECT or SchemeLexer.REMOVE or SchemeLexer.SENTENCES or SchemeLexer.WHERE or SchemeLexer.SPEC
                ? prefixRun + 1
                : 0;
            if (depth > MaxNestingDepth || prefixRun > MaxNestingDepth)
            {
                diagnostics.Report(file, new TextSpan(token.StartIndex, 1), Diagnose.NestedTooDeeply(MaxNestingDepth, beforeParsing: true));
                return false;
            }
        }
        return true;
    }
}
