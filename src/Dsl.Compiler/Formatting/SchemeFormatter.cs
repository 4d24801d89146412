using Antlr4.Runtime;
using Antlr4.Runtime.Atn;
using Antlr4.Runtime.Misc;
using Scheme.Compiler.Diagnostics;
using Scheme.Compiler.Emit;
using Scheme.Compiler.Syntax;
using Scheme.Compiler.Syntax.Generated;
using Scheme.Compiler.Text;

namespace Scheme.Compiler.Formatting;

/// <summary>
/// <c>scheme fmt</c> and the language server's formatting: one canonical layout for a .scheme file (LayoutPrinter),
/// every comment kept where the author put it (TokenWriter). A file that does not parse is never changed, and the
/// formatter checks its own output before anyone writes it: the output must parse, and every declaration must print the
/// same under <see cref="CanonicalPrinter"/>, which is what the preregistration fingerprint hashes, and every comment must
/// be there in the same order; otherwise it refuses
/// (<see cref="FormatResult.InternalError"/>) and the file stays as it is.
/// </summary>
public static class SchemeFormatter
{
    private const char ByteOrderMark = '\uFEFF';

    /// <param name="text">The file's text as read (a leading byte order mark and any line endings allowed).</param>
    /// <param name="path">The path diagnostics name.</param>
    public static FormatResult Format(string text, string path)
    {
        var bom = text.Length > 0 && text[0] == ByteOrderMark;
        var body = bom ? text[1..] : text;
        var lineBreak = LineBreakOf(body);
        var normalized = FileReader.NormalizeLineBreaks(body);

        var (errors, canonical, comments) = Check(normalized, path);
        if (errors.Count > 0)
        {
            return new FormatResult(null, errors, false);
        }
        string formatted;
        try
        {
            formatted = Layout(normalized);
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or IndexOutOfRangeException or ParseCanceledException)
        {
            return Refused($"the formatter failed ({e.GetType().Name}: {e.Message})");
        }
        var (again, canonicalAfter, commentsAfter) = Check(formatted, path);
        if (again.Count > 0)
        {
            return Refused($"its output does not parse ({again[0]})");
        }
        if (!canonical.SequenceEqual(canonicalAfter, StringComparer.Ordinal))
        {
            var first = canonical.Zip(canonicalAfter).FirstOrDefault(p => p.First != p.Second);
            return Refused($"its output would change the meaning of {first.First ?? "a declaration"}");
        }
        if (!comments.SequenceEqual(commentsAfter, StringComparer.Ordinal))
        {
            return Refused("its output would not keep every comment in its place in the order");
        }
        var output = (bom ? ByteOrderMark.ToString() : "") + (lineBreak == "\n" ? formatted : formatted.Replace("\n", lineBreak));
        return new FormatResult(output, [], !string.Equals(output, text, StringComparison.Ordinal));
    }

    private static FormatResult Refused(string why) => new(null, [], false, $"The file was left unchanged: {why}.");

    /// <summary>The syntax errors the build would report, and otherwise what the fingerprint of each part is computed
    /// from (the imports and each declaration's canonical text) and the comments in order.</summary>
    private static (IReadOnlyList<Diagnostic> Errors, List<string> Canonical, List<string> Comments) Check(string text, string path)
    {
        var diagnostics = new DiagnosticBag();
        // The full path only matters for resolving imports, which formatting never does; a hostile path must not throw.
        var unit = SchemeSyntaxParser.Parse(new SourceFile(path, text, path), diagnostics);
        var errors = diagnostics.ToSortedList().Where(d => d.IsError).ToList();
        if (errors.Count > 0)
        {
            return (errors, [], []);
        }
        var canonical = unit.Imports.Select(i => "import " + i.Path.Value).Concat(unit.Declarations.Select(CanonicalPrinter.Print)).ToList();
        var lexer = new SchemeLexer(new AntlrInputStream(text));
        lexer.RemoveErrorListeners();
        var comments = lexer.GetAllTokens()
            .Where(t => t.Type is SchemeLexer.LINE_COMMENT or SchemeLexer.BLOCK_COMMENT)
            .Select(t => t.Type == SchemeLexer.LINE_COMMENT ? t.Text.TrimEnd() : t.Text)
            .ToList();
        return ([], canonical, comments);
    }

    private static string Layout(string text)
    {
        var lexer = new SchemeLexer(new AntlrInputStream(text));
        lexer.RemoveErrorListeners();
        var tokens = new CommonTokenStream(lexer);
        tokens.Fill();
        var parser = new SchemeParser(tokens) { ErrorHandler = new BailErrorStrategy() };
        parser.RemoveErrorListeners();
        parser.Interpreter.PredictionMode = PredictionMode.SLL;
        SchemeParser.CompilationUnitContext unit;
        try
        {
            unit = parser.compilationUnit();
        }
        catch (ParseCanceledException)
        {
            // As the compiler does: SLL parses nearly every file; full LL settles the rest.
            tokens.Seek(0);
            parser.Reset();
            parser.Interpreter.PredictionMode = PredictionMode.LL;
            unit = parser.compilationUnit();
        }
        return LayoutPrinter.Print(tokens.GetTokens(), unit);
    }

    /// <summary>The file's line ending, by its first line break (a file without one gets \n).</summary>
    private static string LineBreakOf(string text)
    {
        var i = text.IndexOfAny(['\r', '\n']);
        return i < 0 || text[i] == '\n' ? "\n" : i + 1 < text.Length && text[i + 1] == '\n' ? "\r\n" : "\r";
    }
}
