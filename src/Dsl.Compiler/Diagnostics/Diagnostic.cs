using System.Globalization;
using Scheme.Compiler.Text;

namespace Scheme.Compiler.Diagnostics;

/// <summary>An immutable report about a span of a source file.</summary>
public sealed record Diagnostic(DiagnosticDescriptor Descriptor, SourceFile File, TextSpan Span, string Message)
{
    public string Code => Descriptor.Code;

    public DiagnosticSeverity Severity => Descriptor.Severity;

    public bool IsError => Severity == DiagnosticSeverity.Error;

    public (int Line, int Column) Start => File.GetLineColumn(Span.Start);

    /// <summary>
    /// The canonical MSBuild form, <c>path(line,col): error SCH0103: message</c>, which MSBuild turns into
    /// a build error and editors turn into a squiggle.
    /// </summary>
    public override string ToString()
    {
        var (line, column) = Start;
        var severity = Severity == DiagnosticSeverity.Error ? "error" : "warning";
        return string.Create(CultureInfo.InvariantCulture, $"{OneLine(File.Path)}({line},{column}): {severity} {Code}: {Message}");
    }

    /// <summary>
    /// The canonical form is one line, which MSBuild and editors parse line by line: a line break or other control
    /// character in a file name or in quoted text is shown as its code (\u000A) instead.
    /// </summary>
    public static string OneLine(string text)
    {
        if (!text.Any(NeedsEscape))
        {
            return text;
        }
        var builder = new System.Text.StringBuilder(text.Length + 8);
        foreach (var c in text)
        {
            if (NeedsEscape(c))
            {
                builder.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
            }
            else
            {
                builder.Append(c);
            }
        }
        return builder.ToString();
    }

    private static bool NeedsEscape(char c) => (char.IsControl(c) && c != '\t') || c is '\u2028' or '\u2029';
}
