using System.Text.Json.Nodes;
using Scheme.Engine.Store;
using Scheme.Viewer.Data;

namespace Scheme.Viewer.Pages;

/// <summary>
/// The review queue of an outcome: the done units whose detector fired, in <see cref="ReviewQueue.Order"/> (seeded, so
/// reviewing its first N is an unbiased, reproducible sample), each marked reviewed when it has a label on that outcome
/// (by the reviewer, when one is named), and the first unreviewed one to go to next. Once the side index covers the
/// run, the fired units come from its outcomes table (seed 1's order stored, <see cref="UnitFacets.Queue"/>) rather than
/// from a scan of run.db; units written after it are added from run.db.
/// </summary>
public sealed class ReviewQueuePage(RunFiles files, UnitPages pages, SearchIndex index)
{
    private readonly Lock _lock = new();
    private (string Outcome, long Seed, long Units, long Covered, IReadOnlyList<string> Order)? _cached;

    public JsonObject Get(string outcome, long seed, string? reviewer, int from, int size)
    {
        using var lease = files.Read();
        var connection = lease.Connection;
        var order = Order(connection, outcome, seed);
        var reviewed = new HashSet<string>(StringComparer.Ordinal);
        if (pages.HasLabels(connection))
        {
            using var command = connection.CreateCommand();
            command.CommandText = $"SELECT DISTINCT unit_id FROM {ReviewLabels.Table} WHERE outcome = $outcome AND ($reviewer IS NULL OR reviewer = $reviewer);";
            command.Parameters.AddWithValue("$outcome", outcome);
            command.Parameters.AddWithValue("$reviewer", (object?)reviewer ?? DBNull.Value);
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                reviewed.Add(reader.GetString(0));
            }
        }
        var next = order.Select((id, i) => (id, i)).FirstOrDefault(p => !reviewed.Contains(p.id));
        return new JsonObject
        {
            ["outcome"] = outcome,
            ["seed"] = seed,
            ["total"] = order.Count,
            ["reviewed"] = order.Count(reviewed.Contains),
            ["next"] = next.id,
            ["nextPosition"] = next.id is null ? null : next.i + 1,
            ["from"] = from,
            ["units"] = new JsonArray(order.Skip(from).Take(size).Select((id, i) => (JsonNode)new JsonObject
            {
                ["position"] = from + i + 1,
                ["unitId"] = id,
                ["reviewed"] = reviewed.Contains(id),
            }).ToArray()),
        };
    }

    /// <summary>The queue, kept while the run has as many units (a growing run gets a new queue).</summary>
    private IReadOnlyList<string> Order(Microsoft.Data.Sqlite.SqliteConnection connection, string outcome, long seed)
    {
        using var count = connection.CreateCommand();
        count.CommandText = "SELECT COALESCE(MAX(rowid), 0) FROM units;"; // O(log n), unlike COUNT(*) over a gigabyte
        var units = Convert.ToInt64(count.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
        lock (_lock)
        {
            // A queue read from run.db while the index built is read again from the index once it covers the run.
            if (_cached is { } c && c.Outcome == outcome && c.Seed == seed && c.Units == units && c.Covered == index.Covered)
            {
                return c.Order;
            }
        }
        var covered = index.Covered;
        var order = covered == 0 ? ReviewQueue.Order(Fired(connection, outcome, 0), outcome, seed) : UnitFacets.Queue(connection, outcome, seed);
        if (covered > 0 && Fired(connection, outcome, covered) is { Count: > 0 } newer)
        {
            order = ReviewQueue.Order(order.Concat(newer), outcome, seed);
        }
        lock (_lock)
        {
            _cached = (outcome, seed, units, covered, order);
        }
        return order;
    }

    /// <summary>The done units of run.db whose outcome fired, after rowid <paramref name="after"/>.</summary>
    private static List<string> Fired(Microsoft.Data.Sqlite.SqliteConnection connection, string outcome, long after)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT unit_id FROM units WHERE rowid > $after AND status = 'done' AND json_extract(outcomes, $path) = 1;";
        command.Parameters.AddWithValue("$path", $"$.\"{outcome}\"");
        command.Parameters.AddWithValue("$after", after);
        var ids = new List<string>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            ids.Add(reader.GetString(0));
        }
        return ids;
    }
}
