using System.Text;

namespace Scheme.Compiler.Tests.Fuzz;

/// <summary>
/// Pieces of text that end, open or escape something in C#: quotes, backslashes, comment markers, directives,
/// raw-string quote runs, every character C# takes for a line break, NUL, bidi controls, surrogates, XML markup.
/// </summary>
internal sealed class HostileText(Random random)
{
    private static readonly string[] Pieces =
    [
        "\"", "\\", "*/", "/*", "//", "///", "#", "#line 1 \"x\"", "#if false", "#endif", "#pragma warning disable",
        "{", "}", "{0}", "\"\"\"", "\"\"\"\"\"", "\"\"", "\u2028", "\u2029", "\u0085", "\r", "\n", "\r\n", "\0", "\t", "\v", "\f",
        "\u202E", "\u202A", "\u2066", "\u2069", "\u200E", "\u200F", "\u061C", "\u200D", "\uFEFF", "\uFFFF", "\uFFFE",
        "\uD83D\uDE00", "\u0001", "\u001B", "\u007F", "\u00A0", "\u3000",
        "<", ">", "&", "&amp;", "]]>", "<!--", "</summary>", "'", "$", "@", "`", "\\u0022", "\\\"", "\\n", "\\x41", "\\0",
        "[ModuleInitializer]", "\");} static void X() {//", "*/ } class Z { /*", "\"\"\"\n);", ");", "u8", "\"u8",
        "abc", "Ünï", "中文", " ", "  ", "x",
    ];

    /// <summary>Lone halves of surrogate pairs: possible in a string the compiler is handed, never in a file on disk.</summary>
    private static readonly string[] LoneSurrogates = ["\uD800", "\uDC00", "\uDBFF"];

    /// <summary>Text for a string of the suite; <paramref name="onDisk"/> leaves out what no file can hold.</summary>
    public string Value(bool onDisk = false, int maxPieces = 6)
    {
        var builder = new StringBuilder();
        for (var n = random.Next(maxPieces + 1); n > 0; n--)
        {
            builder.Append(!onDisk && random.Next(40) == 0 ? LoneSurrogates[random.Next(LoneSurrogates.Length)] : Pieces[random.Next(Pieces.Length)]);
        }
        return builder.ToString();
    }

    /// <summary>
    /// Text for a file or folder name on Linux: no '/', no NUL, no lone surrogate, at most 200 UTF-8 bytes. A name
    /// <paramref name="inLineDirectives"/> holds none of what a C# #line directive cannot (a quote, a line break);
    /// otherwise it holds at least one.
    /// </summary>
    public string FileName(string prefix, bool inLineDirectives = false)
    {
        while (true)
        {
            var name = prefix + Value(onDisk: true, maxPieces: 5).Replace("/", "").Replace("\0", "");
            name = inLineDirectives
                ? string.Concat(name.Where(c => c is not ('"' or '\r' or '\n' or '\u0085' or '\u2028' or '\u2029')))
                : name + Unwritable[random.Next(Unwritable.Length)];
            if (Encoding.UTF8.GetByteCount(name) <= 200)
            {
                return name;
            }
        }
    }

    private static readonly string[] Unwritable = ["\"", "\n", "\r", "\u0085", "\u2028", "\u2029"];

    /// <summary>The value as a .scheme "..." string, which decodes to exactly the value.</summary>
    public static string SchemeString(string value)
    {
        var builder = new StringBuilder("\"");
        foreach (var c in value)
        {
            builder.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\n' => "\\n",
                '\r' => "\\r",
                _ => c.ToString(),
            });
        }
        return builder.Append('"').ToString();
    }

    /// <summary>What a file holding <paramref name="content"/> reads as: UTF-8, a leading BOM dropped, line breaks made \n.</summary>
    public static string AsRead(string content)
    {
        var text = Encoding.UTF8.GetString(new UTF8Encoding(false).GetBytes(content));
        text = text.StartsWith('\uFEFF') ? text[1..] : text;
        return text.Replace("\r\n", "\n").Replace('\r', '\n');
    }
}
