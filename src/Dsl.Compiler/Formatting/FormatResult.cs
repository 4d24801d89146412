using Scheme.Compiler.Diagnostics;

namespace Scheme.Compiler.Formatting;

/// <summary>What <see cref="SchemeFormatter.Format"/> made of one file.</summary>
/// <param name="Formatted">The file in canonical layout (with the input's line endings and byte order mark), or null when
/// the text does not parse (see <paramref name="Errors"/>) or the formatter refused its own output (see
/// <paramref name="InternalError"/>): a file that is null here must be left exactly as it is.</param>
/// <param name="Errors">The syntax errors that stop formatting, with the same codes, messages and spans as the build.</param>
/// <param name="Changed">Whether <paramref name="Formatted"/> differs from the input.</param>
/// <param name="InternalError">Set when the formatter's output failed its own check (it must parse and have the same
/// preregistration fingerprint as the input); a formatter bug, never the user's mistake.</param>
public sealed record FormatResult(string? Formatted, IReadOnlyList<Diagnostic> Errors, bool Changed, string? InternalError = null);
