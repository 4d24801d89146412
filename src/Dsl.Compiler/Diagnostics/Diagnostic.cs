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
        return string.Create(CultureInfo.InvariantCulture, $"{File.Path}({line},{column}): {severity} {Code}: {Message}");
    }
}
