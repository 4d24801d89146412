using System.Globalization;
using System.Text;

namespace Scheme.Compiler.Emit;

/// <summary>C# spellings of values, chosen for a reader: prompts stay readable as raw string literals.</summary>
public static class CSharpLiterals
{
    private static readonly HashSet<string> Keywords =
    [
        "abstract", "as", "base", "bool", "break", "byte", "case", "catch", "char", "checked", "class", "const", "continue",
        "decimal", "default", "delegate", "do", "double", "else", "enum", "event", "explicit", "extern", "false", "finally",
        "fixed", "float", "for", "foreach", "goto", "if", "implicit", "in", "int", "interface", "internal", "is", "lock",
        "long", "namespace", "new", "null", "object", "operator", "out", "override", "params", "private", "protected",
        "public", "readonly", "ref", "return", "sbyte", "sealed", "short", "sizeof", "stackalloc", "static", "string",
        "struct", "switch", "this", "throw", "true", "try", "typeof", "uint", "ulong", "unchecked", "unsafe", "ushort",
        "using", "virtual", "void", "volatile", "while", "__arglist", "__makeref", "__reftype", "__refvalue",
    ];

    /// <summary>A .scheme name as a C# identifier (names are already [A-Za-z_][A-Za-z0-9_]*).</summary>
    public static string Identifier(string name) => Keywords.Contains(name) ? "@" + name : name;

    public static string Number(double value) =>
        double.IsNaN(value) ? "double.NaN"
        : double.IsPositiveInfinity(value) ? "double.PositiveInfinity"
        : double.IsNegativeInfinity(value) ? "double.NegativeInfinity"
        : value.ToString("R", CultureInfo.InvariantCulture) + (value == Math.Floor(value) && Math.Abs(value) < 1e15 ? ".0" : "");

    public static string Bool(bool value) => value ? "true" : "false";

    public static string Nullable(string? value) => value is null ? "null" : String(value);

    /// <summary>
    /// A single-line string as a regular literal; multi-line text as a raw literal starting at column 0,
    /// so the prompt reads exactly as the researcher wrote it.
    /// </summary>
    public static string String(string value)
    {
        if (!value.Contains('\n') || value.Any(c => char.IsControl(c) && c is not ('\n' or '\r' or '\t')) || value.Contains('\r'))
        {
            return Quoted(value);
        }
        var quotes = new string('"', Math.Max(3, LongestQuoteRun(value) + 1));
        // A raw literal drops the line break before its closing quotes, so a trailing break needs an extra one.
        return $"{quotes}\n{value}\n{quotes}";
    }

    public static string Quoted(string value)
    {
        var builder = new StringBuilder(value.Length + 2).Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"':
                    builder.Append("\\\"");
                    break;
                case '\\':
                    builder.Append("\\\\");
                    break;
                case '\n':
                    builder.Append("\\n");
                    break;
                case '\r':
                    builder.Append("\\r");
                    break;
                case '\t':
                    builder.Append("\\t");
                    break;
                case '\0':
                    builder.Append("\\0");
                    break;
                case var _ when char.IsControl(c) || c is '\u2028' or '\u2029' or '\u0085':
                    builder.Append("\\u").Append(((int)c).ToString("X4", System.Globalization.CultureInfo.InvariantCulture));
                    break;
                default:
                    builder.Append(c);
                    break;
            }
        }
        return builder.Append('"').ToString();
    }

    public static string List(IEnumerable<string> items)
    {
        var list = items.ToList();
        return list.Count == 0 ? "[]" : "[" + string.Join(", ", list) + "]";
    }

    private static int LongestQuoteRun(string value)
    {
        int longest = 0, run = 0;
        foreach (var c in value)
        {
            run = c == '"' ? run + 1 : 0;
            longest = Math.Max(longest, run);
        }
        return longest;
    }
}
