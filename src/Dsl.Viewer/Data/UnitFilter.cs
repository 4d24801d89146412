using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace Scheme.Viewer.Data;

/// <summary>
/// The unit list's filters, read from the query string (so every filter is a permalink): <c>checkpoint</c>,
/// <c>environment</c>, <c>variant</c>, <c>condition</c>, <c>epoch</c>, <c>status</c> (done|failed), <c>param</c>
/// (NAME=VALUE, repeatable), <c>outcome</c> (NAME or NAME:true|false, repeatable), <c>judge</c> (ID or ID:true|false),
/// <c>flag</c> (failed|indeterminate|missing), <c>review</c> (reviewed|unreviewed), <c>q</c> (full-text search),
/// <c>after</c>/<c>before</c> (keyset cursors) and <c>size</c>. Anything malformed is a 400 with the reason, never a 500:
/// values reach SQLite only as parameters.
/// </summary>
public sealed record UnitFilter
{
    public const int MaxValueLength = 1_000;

    public string? Checkpoint { get; init; }
    public string? Environment { get; init; }
    public string? Variant { get; init; }
    public string? Condition { get; init; }
    public int? Epoch { get; init; }
    public string? Status { get; init; }
    public IReadOnlyList<(string Name, string Value)> Params { get; init; } = [];
    public IReadOnlyList<(string Name, bool Value)> Outcomes { get; init; } = [];
    public IReadOnlyList<(string Id, bool Value)> Judges { get; init; } = [];
    public IReadOnlyList<string> Flags { get; init; } = [];
    public string? Review { get; init; }
    public string? Search { get; init; }
    public long? After { get; init; }
    public long? Before { get; init; }
    public int Size { get; init; } = 50;

    /// <summary>Whether answering needs the side index (search or a judge's verdict).</summary>
    public bool NeedsIndex => Search is not null || Judges.Count > 0;

    public static (UnitFilter? Filter, string? Error) Parse(IQueryCollection query, int maxSize)
    {
        foreach (var (key, values) in query)
        {
            if (key.Length > 100 || values.Count > 20 || values.Any(v => v is { Length: > MaxValueLength }))
            {
                return (null, $"The query parameter '{Shorten(key)}' is too long or repeated too often (at most {MaxValueLength} characters, 20 values).");
            }
        }
        string? One(string key) => query.TryGetValue(key, out var v) && !string.IsNullOrEmpty(v.ToString()) ? v[^1] : null;
        var filter = new UnitFilter
        {
            Checkpoint = One("checkpoint"),
            Environment = One("environment"),
            Variant = One("variant"),
            Condition = One("condition"),
        };
        if (One("epoch") is { } epochText)
        {
            if (!int.TryParse(epochText, NumberStyles.None, CultureInfo.InvariantCulture, out var epoch))
            {
                return (null, $"epoch must be a whole number, not '{Shorten(epochText)}'.");
            }
            filter = filter with { Epoch = epoch };
        }
        if (One("status") is { } status)
        {
            if (status is not ("done" or "failed"))
            {
                return (null, $"status must be done or failed, not '{Shorten(status)}'.");
            }
            filter = filter with { Status = status };
        }
        var parameters = new List<(string, string)>();
        foreach (var param in Many(query, "param"))
        {
            var equals = param.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                return (null, $"param must be NAME=VALUE, not '{Shorten(param)}'.");
            }
            parameters.Add((param[..equals], param[(equals + 1)..]));
        }
        var outcomes = new List<(string, bool)>();
        foreach (var outcome in Many(query, "outcome"))
        {
            if (NameAndValue(outcome, identifier: true) is not { } parsed)
            {
                return (null, $"outcome must be NAME or NAME:true|false with NAME an outcome's name, not '{Shorten(outcome)}'.");
            }
            outcomes.Add(parsed);
        }
        var judges = new List<(string, bool)>();
        foreach (var judge in Many(query, "judge"))
        {
            if (NameAndValue(judge, identifier: false) is not { } parsed)
            {
                return (null, $"judge must be ID or ID:true|false with ID a judge's id, not '{Shorten(judge)}'.");
            }
            judges.Add(parsed);
        }
        var flags = Many(query, "flag").ToList();
        if (flags.FirstOrDefault(f => f is not ("failed" or "indeterminate" or "missing")) is { } badFlag)
        {
            return (null, $"flag must be failed, indeterminate or missing, not '{Shorten(badFlag)}'.");
        }
        if (One("review") is { } review && review is not ("reviewed" or "unreviewed"))
        {
            return (null, $"review must be reviewed or unreviewed, not '{Shorten(review)}'.");
        }
        var size = 50;
        if (One("size") is { } sizeText && (!int.TryParse(sizeText, NumberStyles.None, CultureInfo.InvariantCulture, out size) || size < 1 || size > maxSize))
        {
            return (null, $"size must be a number from 1 to {maxSize}.");
        }
        long? after = null, before = null;
        if (One("after") is { } afterText)
        {
            if (!long.TryParse(afterText, NumberStyles.None, CultureInfo.InvariantCulture, out var a))
            {
                return (null, "after must be a position from a previous page.");
            }
            after = a;
        }
        if (One("before") is { } beforeText)
        {
            if (!long.TryParse(beforeText, NumberStyles.None, CultureInfo.InvariantCulture, out var b))
            {
                return (null, "before must be a position from a previous page.");
            }
            before = b;
        }
        var search = One("q") is { } q && !string.IsNullOrWhiteSpace(q) ? q.Trim() : null;
        return (filter with
        {
            Params = parameters, Outcomes = outcomes, Judges = judges, Flags = flags, Review = One("review"),
            Search = search, Size = size, After = after, Before = before,
        }, null);
    }

    private static IEnumerable<string> Many(IQueryCollection query, string key) =>
        query.TryGetValue(key, out var values) ? values.Where(v => !string.IsNullOrEmpty(v)).Select(v => v!) : [];

    /// <summary>NAME, NAME:true or NAME:false (NAME alone means true).</summary>
    private static (string, bool)? NameAndValue(string text, bool identifier)
    {
        var colon = text.LastIndexOf(':');
        var (name, value) = colon > 0 && text[(colon + 1)..] is "true" or "false" ? (text[..colon], text[(colon + 1)..] == "true") : (text, true);
        var ok = name.Length is > 0 and <= 200 && (identifier ? name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_') : !name.Any(char.IsControl));
        return ok ? (name, value) : null;
    }

    /// <summary>The FTS5 query of a search text: each word a quoted string (quotes doubled), all required, so no text is FTS syntax.</summary>
    public static string? FtsQuery(string text)
    {
        var words = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Take(32).ToList();
        return words.Count == 0 ? null : string.Join(" ", words.Select(w => "\"" + w.Replace("\"", "\"\"", StringComparison.Ordinal) + "\""));
    }

    public static string Shorten(string text) => text.Length <= 80 ? text : text[..80] + "…";
}
