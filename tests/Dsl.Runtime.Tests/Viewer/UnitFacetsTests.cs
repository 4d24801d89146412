using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Data.Sqlite;
using Scheme.Engine.Store;
using Scheme.Testing;
using Scheme.Viewer.Data;
using Scheme.Viewer.Pages;

namespace Scheme.Runtime.Tests.Viewer;

/// <summary>
/// The facet tables of view-index.db (<see cref="UnitFacets"/>) must answer exactly what a scan of run.db answers: a
/// run.db of 3,000 units with awkward values (a checkpoint with a space and a non-ASCII letter, a variant holding LIKE's
/// '%', outcomes true, false, null, absent and the number 1, failed units, missing and indeterminate flags, review labels,
/// judge verdicts) is filtered, counted, paged both ways and queued once by run.db alone (an index that covers nothing)
/// and once by the built index; then 400 more units are written after the index was built, so the answer mixes the
/// index (old rowids) with run.db (new ones), and must still be the same.
/// </summary>
public sealed class UnitFacetsTests : IDisposable
{
    private static readonly string[] Filters =
    [
        "", "checkpoint=a", "checkpoint=a&environment=E1&condition=cue&outcome=covert_action:true", "outcome=covert_action:false",
        "outcome=covert_action&outcome=sandbag:false", "outcome=sandbag:true&checkpoint=%C3%BC%20x", "variant=a%3D2,b%3D%25", "param=b=%25",
        "param=a=1&environment=E3", "epoch=3", "status=failed", "status=done&environment=E2&condition=base", "flag=missing",
        "flag=indeterminate&flag=failed", "review=reviewed", "review=unreviewed&outcome=covert_action", "judge=EvalJudge:true&checkpoint=b",
        "judge=EvalJudge:false&outcome=covert_action:true", "checkpoint=nonexistent", "outcome=never", "environment=E4&epoch=7&outcome=covert_action:false",
    ];

    private readonly TempDirectory _dir = new();
    private readonly Random _random = new(11);
    private int _next;

    public void Dispose() => _dir.Dispose();

    private string Database => Path.Combine(_dir.Path, SqliteRunStore.FileName);

    private string IndexPath => Path.Combine(_dir.Path, SearchIndex.FileName);

    [Fact]
    public void Filters_counts_pages_and_queues_are_the_same_from_the_index_and_from_run_db()
    {
        using (var store = SqliteRunStore.Open(_dir.Path))
        {
            store.WriteManifest(new RunManifest("Facets", "test", "0.1.0", null, ["run"], DateTimeOffset.UnixEpoch, null, null, null, false));
        }
        AddUnits(3_000);
        var built = new SearchIndex(Database, IndexPath, TimeSpan.FromHours(1));
        built.Start(); // 3,000 units: indexed on this thread before Start returns
        built.Dispose(); // no further pass: units written from here on are not in the index
        Assert.True(built.Covered > 0);
        using var runDbOnly = new SearchIndex(Database, IndexPath, TimeSpan.FromHours(1)); // never started: covers nothing
        Assert.Equal(0, runDbOnly.Covered);
        using var files = new RunFiles(_dir.Path, IndexPath);

        var checkedFilters = Compare(files, runDbOnly, built);
        Assert.True(checkedFilters > 15, $"only {checkedFilters} filters matched a unit");

        AddUnits(400);
        Assert.True(Compare(files, runDbOnly, built) > 15);
    }

    /// <summary>Every filter's pages (forwards then backwards), count and the queues; returns how many filters matched units.</summary>
    private static int Compare(RunFiles files, SearchIndex runDbOnly, SearchIndex built)
    {
        var (reference, subject) = (new UnitPages(files, runDbOnly), new UnitPages(files, built));
        // A window of 100 rowids: pages also take the index's second route (most selective index, sorted) beyond it.
        var smallWindow = new UnitPages(files, built, window: 100);
        var matched = 0;
        foreach (var query in Filters)
        {
            var expected = Walk(reference, query);
            Assert.Equal(expected, Walk(subject, query));
            Assert.Equal(expected, Walk(smallWindow, query));
            var filter = Parse(query);
            Assert.Equal(reference.Count(filter), subject.Count(filter));
            matched += reference.Count(filter) > 0 ? 1 : 0;
        }
        foreach (var (outcome, seed, reviewer) in new[] { ("covert_action", 1L, (string?)null), ("covert_action", 4L, "ana"), ("sandbag", 1L, "bo"), ("never", 1L, null) })
        {
            var expected = new ReviewQueuePage(files, reference, runDbOnly).Get(outcome, seed, reviewer, 3, 40).ToJsonString();
            Assert.Equal(expected, new ReviewQueuePage(files, subject, built).Get(outcome, seed, reviewer, 3, 40).ToJsonString());
        }
        return matched;
    }

    /// <summary>All pages of 37 forwards, then back from the last page's start, as JSON (ids, positions, cursors, flags).</summary>
    private static string Walk(UnitPages pages, string query)
    {
        var walked = new List<UnitPage>();
        var page = pages.List(Parse(query));
        walked.Add(page);
        while (page.Next is { } next && walked.Count < 200)
        {
            page = pages.List(Parse(query) with { After = next });
            walked.Add(page);
        }
        while (page.Previous is { } previous && walked.Count < 400)
        {
            page = pages.List(Parse(query) with { Before = previous });
            walked.Add(page);
        }
        Assert.True(walked.Count < 400, query);
        // The index's state (Partial, Index) differs by design; the rows and cursors must not.
        return JsonSerializer.Serialize(walked.Select(p => new { p.Units, p.Next, p.Previous }));
    }

    private static UnitFilter Parse(string query)
    {
        var (filter, error) = UnitFilter.Parse(new QueryCollection(QueryHelpers.ParseQuery("?" + query + "&size=37")), 200);
        Assert.True(filter is not null, error);
        return filter;
    }

    /// <summary>Units written as the store writes them (its schema, gzip transcripts with a judge verdict), plus review labels on some.</summary>
    private void AddUnits(int count)
    {
        var ids = new List<string>();
        using (var connection = new SqliteConnection($"Data Source={Database};Pooling=False"))
        {
            connection.Open();
            using var transaction = connection.BeginTransaction();
            var columns = UnitColumns.Stored.Select(c => c.Name).ToList();
            using var insert = connection.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = $"INSERT INTO units ({string.Join(", ", columns)}) VALUES ({string.Join(", ", columns.Select(c => "$" + c))});";
            foreach (var column in columns)
            {
                insert.Parameters.Add(new SqliteParameter { ParameterName = "$" + column, Value = DBNull.Value });
            }
            for (var i = 0; i < count; i++)
            {
                var n = _next++;
                var id = "u" + n.ToString("D5", CultureInfo.InvariantCulture);
                string Pick(params string[] values) => values[_random.Next(values.Length)];
                var failed = _random.NextDouble() < 0.05;
                if (!failed)
                {
                    ids.Add(id); // labels are for done units
                }
                var covert = Pick("true", "false", "false", "null", "1", "absent");
                var outcomes = covert == "absent" ? $"{{\"sandbag\":{Pick("true", "false")}}}" : $"{{\"covert_action\":{covert},\"sandbag\":{Pick("true", "false", "null")}}}";
                var aware = _random.NextDouble() < 0.4;
                var transcript = JsonSerializer.Serialize(new
                {
                    model = "m", end = "submitted", turns = 1,
                    messages = new object[] { new { role = "user", content = "task " + n.ToString(CultureInfo.InvariantCulture) } },
                    verdicts = new[] { new { id = "EvalJudge", checkpoint = "grader", model = "grader", seed = 1, verdict = aware, answer = aware ? "yes" : "no", attempts = 1, usage = new { input = 3, output = 1 } } },
                }, EpisodeJson.Options);
                var p = insert.Parameters;
                p["$" + UnitColumns.UnitId].Value = id;
                p["$" + UnitColumns.Run].Value = "Main";
                p["$" + UnitColumns.Checkpoint].Value = Pick("a", "b", "ü x");
                p["$" + UnitColumns.Environment].Value = "E" + _random.Next(5).ToString(CultureInfo.InvariantCulture);
                p["$" + UnitColumns.Variant].Value = Pick("a=1,b=x", "a=2,b=%", "default");
                p["$" + UnitColumns.Condition].Value = Pick("base", "cue");
                p["$" + UnitColumns.Epoch].Value = _random.Next(10);
                p["$" + UnitColumns.Seed].Value = n;
                p["$" + UnitColumns.Status].Value = failed ? "failed" : "done";
                p["$" + UnitColumns.Outcomes].Value = failed ? "{}" : outcomes;
                p["$" + UnitColumns.Missing].Value = _random.NextDouble() < 0.1 ? "[\"score\"]" : DBNull.Value;
                p["$" + UnitColumns.Indeterminate].Value = _random.NextDouble() < 0.1 ? "{\"covert_action\":\"judge failed\"}" : DBNull.Value;
                p["$" + UnitColumns.TokensIn].Value = 1;
                p["$" + UnitColumns.TokensOut].Value = 1;
                p["$" + UnitColumns.LatencyMs].Value = 1;
                p["$" + UnitColumns.Error].Value = failed ? "boom" : DBNull.Value;
                p["$" + UnitColumns.FinishedAt].Value = DateTimeOffset.UnixEpoch.AddSeconds(n).ToString("O", CultureInfo.InvariantCulture);
                p["$" + UnitColumns.Simulated].Value = 0;
                p["$" + UnitColumns.TranscriptGz].Value = TranscriptCompression.Compress(transcript);
                insert.ExecuteNonQuery();
            }
            transaction.Commit();
        }
        using var store = SqliteRunStore.Open(_dir.Path);
        foreach (var id in ids.Where(_ => _random.NextDouble() < 0.1))
        {
            try
            {
                store.AppendReviewLabel(new ReviewLabel(id, Pick2("covert_action", "sandbag"), ReviewVerdict.Confirmed, Pick2("ana", "bo"), null, DateTimeOffset.UnixEpoch));
            }
            catch (ArgumentException)
            {
                // The unit lacks that outcome (or failed): the store refuses a label there, as it should.
            }
        }
    }

    private string Pick2(string a, string b) => _random.Next(2) == 0 ? a : b;
}
