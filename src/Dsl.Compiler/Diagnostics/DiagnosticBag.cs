using Scheme.Compiler.Text;

namespace Scheme.Compiler.Diagnostics;

/// <summary>Collects diagnostics from every phase; phases report and continue rather than throw.</summary>
public sealed class DiagnosticBag
{
    private readonly List<Diagnostic> _diagnostics = [];

    public bool HasErrors => _diagnostics.Any(d => d.IsError);

    public void Report(SourceFile file, TextSpan span, DiagnosticMessage message) =>
        _diagnostics.Add(new Diagnostic(message.Descriptor, file, span, message.Text));

    /// <summary>Adds a diagnostic made earlier: the language server replays the syntax errors of a parse it reuses.</summary>
    public void Add(Diagnostic diagnostic) => _diagnostics.Add(diagnostic);

    public int ErrorCount => _diagnostics.Count(d => d.IsError);

    /// <summary>Whether a diagnostic of this code was reported at this place (whatever its message).</summary>
    public bool Has(SourceFile file, TextSpan span, string code) =>
        _diagnostics.Any(d => ReferenceEquals(d.File, file) && d.Span == span && d.Code == code);

    /// <summary>Diagnostics in a stable order: by file, then position, then code.</summary>
    public IReadOnlyList<Diagnostic> ToSortedList() =>
        _diagnostics
            .Distinct()
            .OrderBy(d => d.File.Path, StringComparer.Ordinal)
            .ThenBy(d => d.Span.Start)
            .ThenBy(d => d.Code, StringComparer.Ordinal)
            .ThenBy(d => d.Message, StringComparer.Ordinal)
            .ToList();
}
