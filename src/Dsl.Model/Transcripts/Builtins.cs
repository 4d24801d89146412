using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Scheme.Contracts;

namespace Scheme.Model;

/// <summary>The pure functions of the expression language, as compiled detectors and metrics call them.</summary>
public static class Builtins
{
    public static bool Contains(string text, string part) => text.Contains(part, StringComparison.OrdinalIgnoreCase);

    /// <summary><c>any(calls(tool), condition)</c>: whether some call satisfies the condition.</summary>
    public static bool Any(IReadOnlyList<ToolCall> calls, Func<ToolCall, bool> condition) => calls.Any(condition);

    /// <summary><c>all(calls(tool), condition)</c>: whether every call satisfies it (true when there is no call).</summary>
    public static bool All(IReadOnlyList<ToolCall> calls, Func<ToolCall, bool> condition) => calls.All(condition);

    /// <summary><c>count(calls(tool))</c>: how many calls there are.</summary>
    public static double Count(IReadOnlyList<ToolCall> calls) => calls.Count;

    /// <summary><c>count(calls(tool), condition)</c>: how many calls satisfy the condition.</summary>
    public static double Count(IReadOnlyList<ToolCall> calls, Func<ToolCall, bool> condition) => calls.Count(condition);

    /// <summary>An argument of one call, as text; empty when the call does not have it.</summary>
    public static string ArgumentText(ToolCall call, string argument) => call.Arguments.GetValueOrDefault(argument) ?? "";

    public static double ArgumentNumber(ToolCall call, string argument) => Number(ArgumentText(call, argument));

    public static bool ArgumentBool(ToolCall call, string argument) => bool.TryParse(ArgumentText(call, argument), out var value) && value;

    public static bool Matches(string text, string pattern) =>
        Regex.IsMatch(text, pattern, RegexOptions.None, TimeSpan.FromSeconds(1));

    public static string Lower(string text) => text.ToLowerInvariant();

    public static double Length(string text) => text.Length;

    public static double Number(string text) =>
        double.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : double.NaN;

    /// <summary>
    /// Share of key items matched by the answer at the same position. Both may be JSON arrays or
    /// comma/newline separated lists; comparison ignores case and surrounding space. An empty key scores 0.
    /// </summary>
    public static double Accuracy(string answers, string key)
    {
        var expected = Items(key);
        if (expected.Count == 0)
        {
            return 0;
        }
        var given = Items(answers);
        var correct = expected.Where((k, i) => i < given.Count && string.Equals(given[i], k, StringComparison.OrdinalIgnoreCase)).Count();
        return (double)correct / expected.Count;
    }

    private static List<string> Items(string text)
    {
        var trimmed = text.Trim();
        if (trimmed.StartsWith('['))
        {
            try
            {
                using var document = JsonDocument.Parse(trimmed);
                return document.RootElement.EnumerateArray()
                    .Select(e => e.ValueKind == JsonValueKind.String ? e.GetString()!.Trim() : e.GetRawText())
                    .ToList();
            }
            catch (JsonException)
            {
                // Not JSON after all: fall through to the plain-list reading.
            }
        }
        return trimmed.Split([',', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
    }
}
