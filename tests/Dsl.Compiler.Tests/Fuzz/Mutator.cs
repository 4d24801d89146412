using System.Text;

namespace Scheme.Compiler.Tests.Fuzz;

/// <summary>Seeded mutations of valid source text, of the kinds real editing (and real accidents) produce.</summary>
internal sealed class Mutator(int seed)
{
    private readonly Random _random = new(seed);

    public (string Kind, string Text) Mutate(string text)
    {
        var kind = _random.Next(9);
        return kind switch
        {
            0 => ("delete span", DeleteSpan(text)),
            1 => ("duplicate line", DuplicateLine(text)),
            2 => ("swap tokens", SwapTokens(text)),
            3 => ("truncate", text[.._random.Next(text.Length + 1)]),
            4 => ("random bytes", RandomBytes(text)),
            5 => ("deep nesting", DeepNesting(text)),
            6 => ("long line", LongLine(text)),
            7 => ("insert punctuation", InsertPunctuation(text)),
            _ => ("several", Mutate(Mutate(text).Text).Text),
        };
    }

    private string DeleteSpan(string text)
    {
        var start = _random.Next(text.Length);
        var length = _random.Next(Math.Min(80, text.Length - start) + 1);
        return text.Remove(start, length);
    }

    private string DuplicateLine(string text)
    {
        var lines = text.Split('\n').ToList();
        var i = _random.Next(lines.Count);
        lines.Insert(_random.Next(lines.Count + 1), lines[i]);
        return string.Join('\n', lines);
    }

    private string SwapTokens(string text)
    {
        var tokens = System.Text.RegularExpressions.Regex.Split(text, @"(\s+)");
        var words = Enumerable.Range(0, tokens.Length).Where(i => !string.IsNullOrWhiteSpace(tokens[i])).ToList();
        if (words.Count < 2)
        {
            return text;
        }
        var a = words[_random.Next(words.Count)];
        var b = words[_random.Next(words.Count)];
        (tokens[a], tokens[b]) = (tokens[b], tokens[a]);
        return string.Concat(tokens);
    }

    private string RandomBytes(string text)
    {
        var builder = new StringBuilder(text);
        for (var n = _random.Next(1, 8); n > 0; n--)
        {
            var c = (char)_random.Next(0, 0xFFFF);
            builder.Insert(_random.Next(builder.Length + 1), char.IsSurrogate(c) ? '\uFFFD' : c);
        }
        return builder.ToString();
    }

    private string DeepNesting(string text)
    {
        var depth = _random.Next(50, 5000);
        var open = _random.Next(6) switch
        {
            0 => "(",
            1 => "[",
            2 => "not ",
            3 => "inject ",
            4 => "remove sentences where ",
            _ => "-",
        };
        var close = open switch { "(" => ")", "[" => "]", _ => "" };
        var nested = string.Concat(Enumerable.Repeat(open, depth)) + "true" + string.Concat(Enumerable.Repeat(close, depth));
        return Insert(text, $"\nmetric deep = rate({nested})\n");
    }

    private string LongLine(string text)
    {
        var length = _random.Next(5_000, 50_000);
        var filler = _random.Next(3) switch
        {
            0 => new string('x', length),
            1 => "\"" + new string('a', length) + "\"",
            _ => string.Join(" or ", Enumerable.Repeat("contains(output, \"a\")", length / 25)),
        };
        return Insert(text, $"\nmetric wide = rate({filler})\n");
    }

    private string InsertPunctuation(string text)
    {
        const string punctuation = "{}[]()\":,.=<>!-+*/%\\\"\"\"\0\r\u2028";
        var builder = new StringBuilder(text);
        for (var n = _random.Next(1, 5); n > 0; n--)
        {
            builder.Insert(_random.Next(builder.Length + 1), punctuation[_random.Next(punctuation.Length)]);
        }
        return builder.ToString();
    }

    private string Insert(string text, string piece) => text.Insert(_random.Next(text.Length + 1), piece);
}
