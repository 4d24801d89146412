using Scheme.Engine.Store;

namespace Scheme.Runtime.Tests.Store;

/// <summary>
/// A run.db of a few hundred hostile rows, the same every time (seeded): quotes, commas, line breaks, tabs, control
/// characters, emoji and other non-ASCII text in every text column and JSON key; finite metrics from -0 to 1e300 and
/// nulls; failed units with multi-line errors; missing and indeterminate reasons; unknown costs; all three simulated
/// marks; finish times in several offsets; gzip transcripts; and review labels with hostile notes. Rows are stored out of
/// id order.
/// </summary>
internal static class HostileStore
{
    public const int Units = 300;

    private static readonly string[] Pieces =
    [
        "plain", "comma,inside", "quote\"inside", "\"\"", "line\nbreak", "crlf\r\nline", "tab\there", "ümlaut", "日本語", "emoji 🙈",
        "back\\slash", "<script>&amp;", "\u0001ctl", "trailing ", " leading", "+plus", "'single'", "{\"json\":1}", "a;b", "\u2028sep",
    ];

    private static readonly double[] Values = [0, -0.0, 1, 0.5, 1e-300, 1e300, -12.25, 0.1 + 0.2, 2.0 / 3, 123456789.123, double.Epsilon];

    public static void Create(string directory)
    {
        var random = new Random(13);
        string Text() => Pieces[random.Next(Pieces.Length)] + (random.Next(3) == 0 ? Pieces[random.Next(Pieces.Length)] : "");
        using var store = SqliteRunStore.Open(directory);
        var outcomeNames = new List<(string Unit, string Outcome)>();
        var records = new List<UnitRecord>();
        var order = new Random(99);
        for (var i = 0; i < Units; i++)
        {
            var id = $"u{i:000}-{Text()}";
            var failed = i % 11 == 0;
            var finished = new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.FromMinutes(new[] { 0, 330, -480, 60 }[i % 4])).AddMilliseconds(i * 997L);
            var outcomes = new Dictionary<string, bool>();
            var metrics = new Dictionary<string, double?>();
            var missing = new Dictionary<string, string>();
            var indeterminate = new Dictionary<string, string>();
            if (!failed)
            {
                for (var k = random.Next(4); k >= 0; k--)
                {
                    outcomes[Text()] = random.Next(2) == 0;
                }
                for (var k = random.Next(4); k > 0; k--)
                {
                    metrics[Text()] = random.Next(5) == 0 ? null : Values[random.Next(Values.Length)];
                }
                if (random.Next(4) == 0) missing[Text()] = Text();
                if (random.Next(5) == 0) indeterminate[Text()] = Text();
                // Labels judge a plainly named outcome (the store refuses others), so every done unit has one too.
                outcomes["covert"] = i % 2 == 0;
                outcomeNames.Add((id, "covert"));
            }
            var record = new UnitRecord(id, i % 7 == 0 ? "Run, \"two\"" : "Main", Text(), Text(), i % 3 == 0 ? "default" : "n=" + Text(), Text(),
                i % 5, (long)i * 7919 - 5000, failed ? UnitStatus.Failed : UnitStatus.Done, outcomes, metrics,
                random.Next(10_000), random.Next(10_000), random.Next(4) == 0 ? null : random.Next(1000) / 7.0, random.Next(100_000),
                failed ? "provider said:\n" + Text() + ", then \"gave up\"" : null, finished)
            {
                Missing = missing,
                Indeterminate = indeterminate,
                Simulated = (i % 3) switch { 0 => null, 1 => true, _ => false },
                TranscriptJson = failed ? null : "{\"turns\":[\"" + new string('x', 200 + i) + "\"]}",
            };
            records.Add(record);
        }
        // Stored in another order than their ids', as a real run's hashed ids are: readers must sort.
        foreach (var record in records.OrderBy(_ => order.Next()))
        {
            store.Record(record);
        }
        for (var l = 0; l < 5; l++)
        {
            var (unit, outcome) = outcomeNames[l * 7];
            store.AppendReviewLabel(new ReviewLabel(unit, outcome, l % 2 == 0 ? ReviewVerdict.Confirmed : ReviewVerdict.Rejected, l % 2 == 0 ? "alice" : "bob",
                "note\nwith, \"quotes\" and ümlaut", new DateTimeOffset(2026, 3, 2, 9, 0, l, TimeSpan.Zero)));
        }
    }
}
