using System.Text.Json;
using Microsoft.Data.Sqlite;
using Scheme.Engine.Store;

namespace Scheme.Viewer.Data;

/// <summary>
/// The unit list's filters answered from the side index (view-index.db) instead of run.db: run.db's rows carry the
/// transcript, so a filter that matches few units late in the file reads most of a gigabyte, and json_extract runs on
/// every row. The index keeps two narrow tables, filled with the transcript text in the same pass:
/// <list type="bullet">
/// <item><c>facets</c>: one row per unit (rowid, checkpoint, environment, variant, condition, epoch, status, flags:
/// 1 missing, 2 indeterminate), indexed by (checkpoint, environment, condition, rid) so an exact coordinate filter
/// reads its matches in rowid order.</item>
/// <item><c>outcomes</c>: one row per unit and outcome (true 1, false 0, null not stored, as json_extract compares them)
/// with the unit's coordinates copied, indexed by (name, value, checkpoint, environment, condition, rid), so
/// "covert_action true of o3_as, Env24, EvalCue" is one index range; the fired ones also carry the unit id and
/// <see cref="ReviewQueue.Key"/> for seed 1, the default queue, so that queue is an index walk.</item>
/// </list>
/// Queries go here only for the rowids the index covers (<see cref="SearchIndex.Covered"/>); newer units come from run.db
/// with the same filter, so answers are the same before and after the index is ready (a test compares them).
/// </summary>
public static class UnitFacets
{
    /// <summary>The seed whose queue order is stored (the <c>review</c> and <c>view --outcome</c> default).</summary>
    public const long QueueSeed = 1;

    public const string Schema = """
        CREATE TABLE IF NOT EXISTS facets (rid INTEGER PRIMARY KEY, checkpoint TEXT NOT NULL, environment TEXT NOT NULL, variant TEXT NOT NULL,
            condition TEXT NOT NULL, epoch INTEGER NOT NULL, status TEXT NOT NULL, flags INTEGER NOT NULL);
        CREATE INDEX IF NOT EXISTS facets_coordinates ON facets (checkpoint, environment, condition, rid);
        CREATE INDEX IF NOT EXISTS facets_environment ON facets (environment, condition, rid);
        CREATE INDEX IF NOT EXISTS facets_status ON facets (status, rid);
        CREATE TABLE IF NOT EXISTS outcomes (rid INTEGER NOT NULL, name TEXT NOT NULL, value INTEGER NOT NULL, checkpoint TEXT NOT NULL,
            environment TEXT NOT NULL, variant TEXT NOT NULL, condition TEXT NOT NULL, epoch INTEGER NOT NULL, status TEXT NOT NULL,
            flags INTEGER NOT NULL, unit_id TEXT, queue_key TEXT);
        CREATE INDEX IF NOT EXISTS outcomes_rid ON outcomes (rid, name);
        CREATE INDEX IF NOT EXISTS outcomes_order ON outcomes (name, value, rid);
        CREATE INDEX IF NOT EXISTS outcomes_coordinates ON outcomes (name, value, checkpoint, environment, condition, rid);
        CREATE INDEX IF NOT EXISTS outcomes_queue ON outcomes (name, queue_key, unit_id) WHERE value = 1 AND status = 'done';
        """;

    public const string Drop = "DROP TABLE IF EXISTS facets; DROP TABLE IF EXISTS outcomes;";

    /// <summary>What the index keeps of one unit.</summary>
    public sealed record Unit(string UnitId, string Checkpoint, string Environment, string Variant, string Condition, long Epoch, string Status,
        string? Outcomes, bool Missing, bool Indeterminate)
    {
        public int Flags => (Missing ? 1 : 0) | (Indeterminate ? 2 : 0);
    }

    /// <summary>The outcomes json_extract would compare equal to 1 or 0 (true, false, or those numbers); the first of a repeated name.</summary>
    public static IReadOnlyList<(string Name, int Value)> Values(string? outcomes)
    {
        if (outcomes is null)
        {
            return [];
        }
        try
        {
            using var json = JsonDocument.Parse(outcomes);
            if (json.RootElement.ValueKind != JsonValueKind.Object)
            {
                return [];
            }
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var values = new List<(string, int)>();
            foreach (var outcome in json.RootElement.EnumerateObject())
            {
                int? value = outcome.Value.ValueKind switch
                {
                    JsonValueKind.True => 1,
                    JsonValueKind.False => 0,
                    JsonValueKind.Number when outcome.Value.TryGetDouble(out var d) && d is 0 or 1 => (int)d,
                    _ => null,
                };
                if (seen.Add(outcome.Name) && value is { } v)
                {
                    values.Add((outcome.Name, v));
                }
            }
            return values;
        }
        catch (JsonException)
        {
            return [];
        }
    }

    /// <summary>Writes units' facets inside the index's batch transaction.</summary>
    public sealed class Writer(SqliteConnection connection, SqliteTransaction transaction) : IDisposable
    {
        private readonly SqliteCommand _facet = SearchIndex.Prepare(connection, transaction,
            "INSERT OR REPLACE INTO facets VALUES ($rid, $checkpoint, $environment, $variant, $condition, $epoch, $status, $flags);",
            "$rid", "$checkpoint", "$environment", "$variant", "$condition", "$epoch", "$status", "$flags");
        private readonly SqliteCommand _outcome = SearchIndex.Prepare(connection, transaction,
            "INSERT INTO outcomes VALUES ($rid, $name, $value, $checkpoint, $environment, $variant, $condition, $epoch, $status, $flags, $unit, $key);",
            "$rid", "$name", "$value", "$checkpoint", "$environment", "$variant", "$condition", "$epoch", "$status", "$flags", "$unit", "$key");
        private readonly SqliteCommand _forget = SearchIndex.Prepare(connection, transaction,
            "DELETE FROM facets WHERE rid = $rid; DELETE FROM outcomes WHERE rid = $rid;", "$rid");

        public void Add(long rid, Unit unit)
        {
            SearchIndex.Run(_facet, rid, unit.Checkpoint, unit.Environment, unit.Variant, unit.Condition, unit.Epoch, unit.Status, unit.Flags);
            foreach (var (name, value) in Values(unit.Outcomes))
            {
                // Only fired outcomes are queued: the id and key are kept for them alone.
                SearchIndex.Run(_outcome, rid, name, value, unit.Checkpoint, unit.Environment, unit.Variant, unit.Condition, unit.Epoch, unit.Status,
                    unit.Flags, value == 1 ? unit.UnitId : DBNull.Value, value == 1 ? ReviewQueue.Key(unit.UnitId, name, QueueSeed) : DBNull.Value);
            }
        }

        public void Forget(long rid) => SearchIndex.Run(_forget, rid);

        public void Dispose()
        {
            _facet.Dispose();
            _outcome.Dispose();
            _forget.Dispose();
        }
    }

    /// <summary>
    /// The filter's FROM and WHERE over the index: driven by the first outcome's rows when it names one (its index holds
    /// the coordinates), by the facets otherwise. The driving table is <c>x</c> (its rowid column <c>x.rid</c>); a
    /// review filter needs run.db's unit id, so it is evaluated on <c>u</c>, the units row joined by the caller.
    /// </summary>
    /// <param name="ridOrder">Walk the table in rowid order (the outcome's (name, value, rid) index, or the facets' rowids)
    /// instead of letting SQLite pick the most selective index and sort: for a window of rowids, where a dense filter
    /// finds its page at once.</param>
    public static (string From, List<string> Where) Build(UnitFilter filter, SqliteCommand command, string reviewed, bool ridOrder)
    {
        var where = new List<string>();
        var p = command.Parameters;
        string from;
        if (filter.Outcomes.Count > 0)
        {
            from = ridOrder ? "vi.outcomes x INDEXED BY outcomes_order" : "vi.outcomes x";
            where.Add($"x.name = $outcome0 AND x.value = {(filter.Outcomes[0].Value ? 1 : 0)}");
            p.AddWithValue("$outcome0", filter.Outcomes[0].Name);
            for (var i = 1; i < filter.Outcomes.Count; i++)
            {
                where.Add($"EXISTS (SELECT 1 FROM vi.outcomes y WHERE y.rid = x.rid AND y.name = $outcome{i} AND y.value = {(filter.Outcomes[i].Value ? 1 : 0)})");
                p.AddWithValue($"$outcome{i}", filter.Outcomes[i].Name);
            }
        }
        else
        {
            from = ridOrder ? "vi.facets x NOT INDEXED" : "vi.facets x"; // NOT INDEXED still seeks by rowid
        }
        void Equal(string column, object? value)
        {
            if (value is not null)
            {
                where.Add($"x.{column} = ${column}");
                p.AddWithValue("$" + column, value);
            }
        }
        Equal("checkpoint", filter.Checkpoint);
        Equal("environment", filter.Environment);
        Equal("variant", filter.Variant);
        Equal("condition", filter.Condition);
        Equal("epoch", filter.Epoch);
        Equal("status", filter.Status);
        for (var i = 0; i < filter.Params.Count; i++)
        {
            where.Add($"(',' || x.variant || ',') LIKE $param{i} ESCAPE '\\'");
            p.AddWithValue($"$param{i}", "%," + UnitPages.EscapeLike($"{filter.Params[i].Name}={filter.Params[i].Value}") + ",%");
        }
        for (var i = 0; i < filter.Judges.Count; i++)
        {
            where.Add($"EXISTS (SELECT 1 FROM vi.verdicts v WHERE v.rid = x.rid AND v.judge = $judge{i} AND v.verdict = {(filter.Judges[i].Value ? 1 : 0)})");
            p.AddWithValue($"$judge{i}", filter.Judges[i].Id);
        }
        foreach (var flag in filter.Flags.Distinct())
        {
            where.Add(flag switch
            {
                "failed" => "x.status = 'failed'",
                "missing" => "(x.flags & 1) <> 0",
                _ => "(x.flags & 2) <> 0",
            });
        }
        if (filter.Review is { } review)
        {
            where.Add(review == "reviewed" ? reviewed : $"NOT {reviewed}");
        }
        return (from, where);
    }

    /// <summary>
    /// The default queue (seed 1) in order, read from its index; another seed orders the stored fired ids itself. Null
    /// when the index does not cover the run yet.
    /// </summary>
    public static IReadOnlyList<string> Queue(SqliteConnection connection, string outcome, long seed)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT unit_id FROM vi.outcomes INDEXED BY outcomes_queue WHERE name = $outcome AND value = 1 AND status = 'done' ORDER BY queue_key, unit_id;";
        command.Parameters.AddWithValue("$outcome", outcome);
        var ids = new List<string>();
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                ids.Add(reader.GetString(0));
            }
        }
        return seed == QueueSeed ? ids : ReviewQueue.Order(ids, outcome, seed);
    }
}
