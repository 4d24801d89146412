using System.Text;

namespace Scheme.Runtime.Cli.Cluster;

/// <summary>
/// Quotes a value as one bash word that stands for exactly that value, on one line: a value the user typed (an output
/// folder, a runner argument) must reach the runner verbatim and never run as shell code, whatever it holds.
/// </summary>
public static class ShellQuote
{
    /// <summary>Plain words stay as they are; others are single-quoted, or ANSI-C quoted ($'...') when they hold a control
    /// character, so that a newline can never end a comment or a line of the script.</summary>
    public static string Word(string value)
    {
        if (value.Length > 0 && value.All(c => char.IsAsciiLetterOrDigit(c) || "_./:=@%+,-".Contains(c)))
        {
            return value;
        }
        if (!value.Any(char.IsControl))
        {
            return "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
        }
        var quoted = new StringBuilder("$'");
        foreach (var rune in value.EnumerateRunes())
        {
            switch (rune.Value)
            {
                case '\\': quoted.Append(@"\\"); break;
                case '\'': quoted.Append(@"\'"); break;
                case '\n': quoted.Append(@"\n"); break;
                case '\t': quoted.Append(@"\t"); break;
                case '\r': quoted.Append(@"\r"); break;
                case var c when c < 0x20 || c == 0x7f:
                    quoted.Append(System.Globalization.CultureInfo.InvariantCulture, $"\\x{c:x2}");
                    break;
                case var c when c is >= 0x80 and <= 0x9f:
                    // C1 controls: written as their UTF-8 bytes, which $'...' rebuilds.
                    foreach (var b in Encoding.UTF8.GetBytes(rune.ToString()))
                    {
                        quoted.Append(System.Globalization.CultureInfo.InvariantCulture, $"\\x{b:x2}");
                    }
                    break;
                default: quoted.Append(rune.ToString()); break;
            }
        }
        return quoted.Append('\'').ToString();
    }

    public static string Words(IEnumerable<string> values) => string.Join(" ", values.Select(Word));
}
