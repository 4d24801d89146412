
namespace Scheme.Compiler.Semantics;

/// <summary>Finds the known name a misspelt one was most likely meant to be.</summary>
public static class NameSuggester
{
    /// <summary>Returns " Did you mean 'x'?" for the closest candidate within a small edit distance, or "".</summary>
    public static string Suggest(string name, IEnumerable<string> candidates)
    {
        var best = Closest(name, candidates);
        return best is null ? "" : $" Did you mean '{best}'?";
    }

    public static string? Closest(string name, IEnumerable<string> candidates)
    {
        if (name.Length == 0)
        {
            return null;
        }
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in candidates.Distinct().Order(StringComparer.Ordinal))
        {
            // Case-only differences are the most likely typo of all ('o3_as' for 'o3_AS').
            var distance = string.Equals(candidate, name, StringComparison.OrdinalIgnoreCase)
                ? 0
                : Distance(name.ToLowerInvariant(), candidate.ToLowerInvariant());
            if (distance < bestDistance)
            {
                best = candidate;
                bestDistance = distance;
            }
        }
        var allowed = Math.Max(1, Math.Min(name.Length, best?.Length ?? 0) / 3);
        return best is not null && bestDistance <= allowed && best != name ? best : null;
    }

    /// <summary>Optimal string alignment distance: Levenshtein plus adjacent transpositions.</summary>
    public static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }
        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }
        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }
        return d[a.Length, b.Length];
    }
}
