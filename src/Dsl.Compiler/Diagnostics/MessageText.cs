using System.Globalization;
using System.Runtime.CompilerServices;

namespace Scheme.Compiler.Diagnostics;

/// <summary>
/// The interpolated string of a diagnostic message. Every interpolated string is shown on one line and cut to 200
/// characters, so a 50,000-character name does not become a 50,000-character error line, nor a line break in a
/// quoted name end it; numbers are formatted the same on every machine.
/// </summary>
[InterpolatedStringHandler]
public ref struct MessageText
{
    private const int MaxArgumentLength = 200;

    private DefaultInterpolatedStringHandler _text;

    public MessageText(int literalLength, int formattedCount) =>
        _text = new DefaultInterpolatedStringHandler(literalLength, formattedCount, CultureInfo.InvariantCulture);

    public void AppendLiteral(string literal) => _text.AppendLiteral(literal);

    public void AppendFormatted(string? value) => _text.AppendLiteral(Shorten(value ?? ""));

    public void AppendFormatted<T>(T value) => _text.AppendFormatted(value);

    public string ToStringAndClear() => _text.ToStringAndClear();

    private static string Shorten(string text) => text.Length > MaxArgumentLength
        ? Diagnostic.OneLine(text[..(MaxArgumentLength - 3)]) + "..."
        : Diagnostic.OneLine(text);
}
