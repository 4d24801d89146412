using System.Globalization;
using Scheme.Compiler.Text;

namespace Scheme.Compiler.Diagnostics;

/// <summary>Collects diagnostics from every phase; phases report and continue rather than throw.</summary>
public sealed class DiagnosticBag
{
    private readonly List<Diagnostic> _diagnostics = [];

    public bool HasErrors => _diagnostics.Any(d => d.IsError);

    public void Report(DiagnosticDescriptor descriptor, SourceFile file, TextSpan span, params object?[] args)
    {
        var message = string.Format(CultureInfo.InvariantCulture, descriptor.MessageFormat, args.Select(Shorten).ToArray());
        _diagnostics.Add(new Diagnostic(descriptor, file, span, message));
    }

    /// <summary>A 50,000-character name must not become a 50,000-character error line, nor a line break end it.</summary>
    private static object? Shorten(object? arg) => arg switch
    {
        string { Length: > MaxArgumentLength } text => Diagnostic.OneLine(text[..(MaxArgumentLength - 3)]) + "...",
        string text => Diagnostic.OneLine(text),
        _ => arg,
    };

    private const int MaxArgumentLength = 200;

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
