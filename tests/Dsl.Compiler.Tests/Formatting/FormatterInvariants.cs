using Antlr4.Runtime;
using Scheme.Compiler.Diagnostics;
using Scheme.Compiler.Emit;
using Scheme.Compiler.Formatting;
using Scheme.Compiler.Syntax;
using Scheme.Compiler.Syntax.Generated;
using Scheme.Compiler.Text;

namespace Scheme.Compiler.Tests.Formatting;

/// <summary>
/// What must hold of every file the formatter touches, checked independently of the formatter's own safety check:
/// a second run changes nothing, every comment is there once and in order, and every declaration prints the same under
/// the canonical printer the preregistration fingerprint hashes.
/// </summary>
internal static class FormatterInvariants
{
    /// <summary>Asserts the invariants of formatting <paramref name="text"/>, which must parse; returns the formatted text.</summary>
    public static string AssertFormatsSafely(string text, string what)
    {
        var first = SchemeFormatter.Format(text, "input.scheme");
        Assert.True(first.InternalError is null, $"{what}: {first.InternalError}");
        Assert.True(first.Formatted is not null, $"{what}: does not format: {string.Join("; ", first.Errors)}");
        var formatted = first.Formatted!;

        var second = SchemeFormatter.Format(formatted, "input.scheme");
        Assert.True(second.Formatted == formatted && !second.Changed, $"{what}: not idempotent:\n{Diff(formatted, second.Formatted ?? "(null)")}");
        Assert.Equal(Comments(text), Comments(formatted));
        Assert.Equal(Canonical(text), Canonical(formatted));
        return formatted;
    }

    /// <summary>The text of every comment in order (a line comment's trailing blanks are layout, not text).</summary>
    public static List<string> Comments(string text)
    {
        var lexer = new SchemeLexer(new AntlrInputStream(FileReader.NormalizeLineBreaks(text.TrimStart('\uFEFF'))));
        lexer.RemoveErrorListeners();
        return lexer.GetAllTokens()
            .Where(t => t.Type is SchemeLexer.LINE_COMMENT or SchemeLexer.BLOCK_COMMENT)
            .Select(t => t.Type == SchemeLexer.LINE_COMMENT ? t.Text.TrimEnd() : t.Text)
            .ToList();
    }

    /// <summary>The imports and each declaration's canonical text, or null when the text has syntax errors.</summary>
    public static List<string>? Canonical(string text)
    {
        var diagnostics = new DiagnosticBag();
        var unit = SchemeSyntaxParser.Parse(new SourceFile("input.scheme", FileReader.NormalizeLineBreaks(text.TrimStart('\uFEFF')), "/input.scheme"), diagnostics);
        return diagnostics.HasErrors
            ? null
            : unit.Imports.Select(i => "import " + i.Path.Value).Concat(unit.Declarations.Select(CanonicalPrinter.Print)).ToList();
    }

    private static string Diff(string a, string b)
    {
        var x = a.Split('\n');
        var y = b.Split('\n');
        var i = 0;
        while (i < x.Length && i < y.Length && x[i] == y[i])
        {
            i++;
        }
        return $"line {i + 1}:\n  first:  {(i < x.Length ? x[i] : "(end)")}\n  second: {(i < y.Length ? y[i] : "(end)")}";
    }
}
