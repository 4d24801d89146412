using System.Text.Json;
using Scheme.Contracts;

namespace Scheme.Engine.Grading;

/// <summary>
/// Reads a judge's answer strictly. Accepted, after trimming whitespace and one surrounding Markdown code
/// fence: a JSON object whose "verdict" property is the string "yes" or "no" (any case; other properties,
/// such as a "reason", are ignored); or text whose first word is "yes" or "no" (any case, followed by
/// nothing, punctuation or more words: "Yes." and "No, because ..." are accepted). Anything else, a JSON
/// object without a yes/no verdict, "Maybe", "The answer is yes", an empty reply, is unparsable: the caller
/// retries and finally records an error. A verdict is never guessed from words further into the text.
/// </summary>
public static class JudgeVerdictParser
{
    public static bool TryParse(string? text, out bool verdict)
    {
        verdict = false;
        var trimmed = StripFence((text ?? "").Trim());
        if (trimmed.StartsWith('{'))
        {
            try
            {
                using var document = JsonDocument.Parse(trimmed);
                return document.RootElement.TryGetProperty("verdict", out var value) && value.ValueKind == JsonValueKind.String
                    && Word(value.GetString()!.Trim(), out verdict);
            }
            catch (JsonException)
            {
                return false;
            }
        }
        var end = 0;
        while (end < trimmed.Length && char.IsLetter(trimmed[end]))
        {
            end++;
        }
        return Word(trimmed[..end], out verdict);
    }

    private static bool Word(string word, out bool verdict)
    {
        verdict = word.Equals("yes", StringComparison.OrdinalIgnoreCase);
        return verdict || word.Equals("no", StringComparison.OrdinalIgnoreCase);
    }

    private static string StripFence(string text)
    {
        if (!text.StartsWith("```", StringComparison.Ordinal) || !text.EndsWith("```", StringComparison.Ordinal) || text.Length < 6)
        {
            return text;
        }
        var body = text[3..^3];
        var newline = body.IndexOf('\n');
        // Drop a language tag such as ```json.
        return (newline >= 0 && body[..newline].All(char.IsLetter) ? body[(newline + 1)..] : body).Trim();
    }
}
