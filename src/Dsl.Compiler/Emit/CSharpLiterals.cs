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

    /// <summary>Contextual keywords C# refuses or warns about as the name of a type (CS9056, CS9306, CS8860 ...).</summary>
    private static readonly HashSet<string> ContextualTypeWords =
    [
        "allows", "dynamic", "extension", "field", "file", "managed", "nint", "notnull", "nuint", "record", "required", "scoped",
        "unmanaged", "value", "var",
    ];

    /// <summary>A .scheme name as a C# identifier (names are already [A-Za-z_][A-Za-z0-9_]*).</summary>
    public static string Identifier(string name) => Keywords.Contains(name) ? "@" + name : name;

    /// <summary>A .scheme name as the name of a C# type, which some contextual keywords may only be when escaped.</summary>
    public static string TypeIdentifier(string name) => ContextualTypeWords.Contains(name) ? "@" + name : Identifier(name);

    public static string Number(double value) =>
        double.IsNaN(value) ? "double.NaN"
        : double.IsPositiveInfinity(value) ? "double.PositiveInfinity"
        : double.IsNegativeInfinity(value) ? "double.NegativeInfinity"
        : value.ToString("R", CultureInfo.InvariantCulture) + (value == Math.Floor(value) && Math.Abs(value) < 1e15 ? ".0" : "");

    public static string Bool(bool value) => value ? "true" : "false";

    public static string Nullable(string? value) => value is null ? "null" : String(value);

    /// <summary>
    /// A single-line string as a regular literal; multi-line text as a raw literal starting at column 0,
    /// so the prompt reads exactly as the researcher wrote it. Text with a character a raw literal cannot show
    /// as itself (see <see cref="Escaped"/>) is a regular literal with escapes instead.
    /// </summary>
    public static string String(string value)
    {
        if (!value.Contains('\n') || Enumerable.Range(0, value.Length).Any(i => value[i] is not ('\n' or '\t') && Escaped(value, i)))
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
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
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
                case var _ when Escaped(value, i):
                    builder.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
                    break;
                default:
                    builder.Append(c);
                    break;
            }
        }
        return builder.Append('"').ToString();
    }

    /// <summary>
    /// Characters written as \uXXXX: controls and every character C# takes for a line break (which would end a
    /// regular literal), half of a surrogate pair (UTF-8 cannot encode it, so the file would silently hold U+FFFD),
    /// noncharacters, and invisible format characters such as bidi overrides, which would make the generated code
    /// read differently from what it is.
    /// </summary>
    private static bool Escaped(string value, int i)
    {
        var c = value[i];
        return char.IsControl(c) || c is '\u2028' or '\u2029' or '\uFFFE' or '\uFFFF'
            || char.GetUnicodeCategory(c) == UnicodeCategory.Format
            || (char.IsHighSurrogate(c) && (i + 1 >= value.Length || !char.IsLowSurrogate(value[i + 1])))
            || (char.IsLowSurrogate(c) && (i == 0 || !char.IsHighSurrogate(value[i - 1])));
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
