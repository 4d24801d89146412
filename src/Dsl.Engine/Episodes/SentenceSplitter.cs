
namespace Scheme.Engine.Episodes;

/// <summary>One sentence of a text: its position in the text and its words, without surrounding whitespace.</summary>
/// <param name="Start">Offset of the sentence's first character in the text.</param>
/// <param name="End">Offset just after the sentence's last character (its punctuation, closing quote or bracket).</param>
public readonly record struct SentenceSpan(int Index, int Start, int End, string Text);

/// <summary>
/// Splits a model's reasoning into sentences for reasoning edits. Deterministic and culture-free, so the same
/// reasoning is always cut at the same place.
/// </summary>
/// <remarks>
/// <para>A sentence ends at:</para>
/// <list type="bullet">
/// <item>a line break: reasoning is full of lists, headings and code lines without final punctuation, and a
/// sentence never runs on across lines;</item>
/// <item><c>.</c>, <c>!</c> or <c>?</c> (runs such as <c>?!</c> and <c>...</c> included), optionally followed by
/// closing quotes or brackets, when whitespace or the end of the text follows.</item>
/// </list>
/// <para>A period does not end a sentence after a dotted abbreviation (<c>e.g.</c>, <c>i.e.</c>, <c>U.S.</c>), a
/// title or a few unambiguous abbreviations (<see cref="Abbreviations"/>: <c>vs.</c>, <c>Dr.</c>, <c>et al.</c>),
/// or a list number at the start of a sentence (<c>1. Read the file</c>). Ambiguous words are left out on purpose:
/// <c>etc.</c>, <c>no.</c> and a single letter (<c>option B.</c>) usually end a sentence in reasoning.
/// Decimals (<c>3.14</c>), versions, file names (<c>config.yaml</c>) and URLs need no rule: no whitespace
/// follows their periods. Whitespace between sentences belongs to no sentence, so a text is its sentences
/// and the separators between them.</para>
/// </remarks>
public static class SentenceSplitter
{
    /// <summary>Lower-cased abbreviations, without their final period, after which a period does not end a sentence.</summary>
    public static readonly IReadOnlySet<string> Abbreviations = new HashSet<string>(StringComparer.Ordinal)
    {
        "cf", "vs", "viz", "approx", "incl", "resp", "mr", "mrs", "ms", "dr", "prof", "fig", "al",
    };

    public static IReadOnlyList<SentenceSpan> Split(string text)
    {
        var sentences = new List<SentenceSpan>();
        var start = -1;
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (c is '\n' or '\r')
            {
                Close(i);
                i++;
                continue;
            }
            if (start < 0)
            {
                if (!char.IsWhiteSpace(c))
                {
                    start = i;
                }
                i++;
                continue;
            }
            if (c is '.' or '!' or '?')
            {
                var end = i + 1;
                while (end < text.Length && text[end] is '.' or '!' or '?')
                {
                    end++;
                }
                while (end < text.Length && text[end] is '"' or '\'' or ')' or ']' or '}' or '\u201D' or '\u2019' or '*' or '_')
                {
                    end++;
                }
                if ((end == text.Length || char.IsWhiteSpace(text[end])) && !(c == '.' && end == i + 1 && IsAbbreviation(text, start, i)))
                {
                    Close(end);
                }
                i = end;
                continue;
            }
            i++;
        }
        Close(text.Length);
        return sentences;

        void Close(int end)
        {
            if (start < 0)
            {
                return;
            }
            var last = end;
            while (last > start && char.IsWhiteSpace(text[last - 1]))
            {
                last--;
            }
            if (last > start)
            {
                sentences.Add(new SentenceSpan(sentences.Count, start, last, text[start..last]));
            }
            start = -1;
        }
    }

    /// <summary>Whether the period at <paramref name="period"/> closes an abbreviation, an initial or a list number.</summary>
    private static bool IsAbbreviation(string text, int sentenceStart, int period)
    {
        var wordStart = period;
        while (wordStart > sentenceStart && !char.IsWhiteSpace(text[wordStart - 1]) && text[wordStart - 1] is not ('(' or '"' or '\'' or '['))
        {
            wordStart--;
        }
        var word = text[wordStart..period];
        if (word.Length == 0)
        {
            return false;
        }
        if (word.Length >= 3 && IsDotted(word))
        {
            return true;
        }
        if (wordStart == sentenceStart && word.Length <= 3 && word.All(char.IsAsciiDigit))
        {
            return true;
        }
        return Abbreviations.Contains(word.ToLowerInvariant());
    }

    /// <summary>Single letters joined by periods, the final one removed: e.g, i.e, U.S, a.m.</summary>
    private static bool IsDotted(string word)
    {
        for (var k = 0; k < word.Length; k++)
        {
            if (k % 2 == 0 ? !char.IsLetter(word[k]) : word[k] != '.')
            {
                return false;
            }
        }
        return word.Length % 2 == 1;
    }
}
