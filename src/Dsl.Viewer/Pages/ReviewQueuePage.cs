using System.Text.Json.Nodes;
using Scheme.Engine.Store;
using Scheme.Viewer.Data;

namespace Scheme.Viewer.Pages;

/// <summary>
/// The review queue of an outcome: the done units whose detector fired, in <see cref="ReviewQueue.Order"/> (seeded, so
/// reviewing its first N is an unbiased, reproducible sample), each marked reviewed when it has a label on that outcome
/// (by the reviewer, when one is named), and the first unreviewed one to go to next.
/// </summary>
public sealed class ReviewQueuePage(RunFiles files, UnitPages pages)
{
    private readonly Lock _lock = new();
    private (string Outcome, long Seed, long Units, IReadOnlyList<string> Order)? _cached;

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
        count.CommandText = "SELECT COUNT(*) FROM units;";
        var units = Convert.ToInt64(count.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
        lock (_lock)
        {
            if (_cached is { } c && c.Outcome == outcome && c.Seed == seed && c.Units == units)
            {
                return c.Order;
            }
        }
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT unit_id FROM units WHERE status = 'done' AND json_extract(outcomes, $path) = 1;";
        command.Parameters.AddWithValue("$path", $"$.\"{outcome}\"");
        var ids = new List<string>();
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                ids.Add(reader.GetString(0));
            }
        }
        var order = ReviewQueue.Order(ids, outcome, seed);
        lock (_lock)
        {
            _cached = (outcome, seed, units, order);
        }
        return order;
    }
}
