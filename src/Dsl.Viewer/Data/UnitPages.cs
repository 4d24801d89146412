using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Scheme.Engine.Store;

namespace Scheme.Viewer.Data;

/// <summary>One row of the unit list.</summary>
public sealed record UnitSummary(long Position, string UnitId, string Checkpoint, string Environment, string Variant, string Condition, int Epoch,
    string Status, IReadOnlyList<string> Fired, bool Missing, bool Indeterminate, int Labels, string? Error);

/// <summary>A page of the unit list: its rows and the cursors of the pages before and after it.</summary>
/// <param name="Partial">The filter needs the search index, which has not indexed every unit yet.</param>
public sealed record UnitPage(IReadOnlyList<UnitSummary> Units, long? Next, long? Previous, bool Partial, string? Index);

/// <summary>
/// The unit list's queries over run.db (read-only) and the side index. Paging is by keyset on run.db's rowid (the order
/// units finished in), so page 20,000 of a million units costs what page 1 does; filters on the row's own columns are
/// evaluated in that rowid order and stop at a page's worth of matches; search and judge verdicts go through the
/// side index (<see cref="SearchIndex"/>), whose FTS5 table yields matches in rowid order too. Once the index covers the
/// run, the other filters and counts go to its narrow facet tables (<see cref="UnitFacets"/>) for the rowids it covers and
/// to run.db for the units written since, so a rare filter or a count no longer reads every transcript.
/// </summary>
/// <param name="window">How many rowids a page over the index walks in order first (<see cref="Window"/>; tests use a small one).</param>
public sealed class UnitPages(RunFiles files, SearchIndex index, long window = UnitPages.Window)
{
    private HashSet<string>? _columns;
    private bool? _hasLabels;

    public UnitPage List(UnitFilter filter)
    {
        using var lease = files.Read();
        var connection = lease.Connection;
        var backwards = filter.Before is not null && filter.After is null;
        var limit = filter.Size + 1;
        var covered = Covered(filter);
        List<UnitSummary> rows;
        if (covered == 0)
        {
            rows = Query(connection, filter, indexed: false, backwards ? null : filter.After, backwards ? filter.Before : null, backwards, limit);
        }
        else if (!backwards)
        {
            // The index answers up to `covered`; units the run wrote since come from run.db, after them.
            rows = filter.After >= covered ? [] : Indexed(connection, filter, filter.After ?? 0, covered + 1, backwards, limit);
            if (rows.Count < limit)
            {
                rows.AddRange(Query(connection, filter, indexed: false, Math.Max(filter.After ?? 0, covered), null, backwards, limit - rows.Count));
            }
        }
        else
        {
            rows = filter.Before <= covered + 1 ? [] : Query(connection, filter, indexed: false, covered, filter.Before, backwards, limit);
            if (rows.Count < limit)
            {
                rows.AddRange(Indexed(connection, filter, 0, Math.Min(filter.Before!.Value, covered + 1), backwards, limit - rows.Count));
            }
        }
        var more = rows.Count > filter.Size;
        if (more)
        {
            rows.RemoveAt(rows.Count - 1);
        }
        if (backwards)
        {
            rows.Reverse();
        }
        var hasBefore = backwards ? more : filter.After is not null;
        var hasAfter = backwards || more;
        var partial = filter.NeedsIndex && !index.State.Ready;
        return new UnitPage(rows, hasAfter && rows.Count > 0 ? rows[^1].Position : null, hasBefore && rows.Count > 0 ? rows[0].Position : null,
            partial, index.Building);
    }

    /// <summary>
    /// The rowid up to which the side index's facets answer this filter (0: run.db answers all of it). A search goes
    /// through FTS5 joined to run.db's rows as before: it is fast already and the words pick few units.
    /// </summary>
    private long Covered(UnitFilter filter) => filter.Search is null ? index.Covered : 0;

    /// <summary>Rowids a page first walks in order through the index before it lets SQLite choose the most selective index.</summary>
    public const long Window = 20_000;

    /// <summary>
    /// A page from the index between lower and upper (exclusive): first the <c>window</c> rowids next to the cursor in
    /// rowid order (a filter that matches many units fills its page there), then the rest through the filter's most
    /// selective index, sorted (a rare filter: few matches to sort, wherever they are in the run).
    /// </summary>
    private List<UnitSummary> Indexed(SqliteConnection connection, UnitFilter filter, long lower, long upper, bool backwards, int limit)
    {
        var (windowLower, windowUpper) = backwards ? (Math.Max(lower, upper - window - 1), upper) : (lower, Math.Min(upper, lower + window + 1));
        var rows = Query(connection, filter, indexed: true, windowLower, windowUpper, backwards, limit, ridOrder: true);
        var (restLower, restUpper) = backwards ? (lower, windowLower + 1) : (windowUpper - 1, upper);
        if (rows.Count < limit && restLower + 1 < restUpper)
        {
            rows.AddRange(Query(connection, filter, indexed: true, restLower, restUpper, backwards, limit - rows.Count));
        }
        return rows;
    }

    /// <summary>Up to <paramref name="limit"/> matching rows with lower &lt; rowid &lt; upper, in rowid order (descending when backwards).</summary>
    private List<UnitSummary> Query(SqliteConnection connection, UnitFilter filter, bool indexed, long? lower, long? upper, bool backwards, int limit,
        bool ridOrder = false)
    {
        using var command = connection.CreateCommand();
        var labels = HasLabels(connection) ? $"(SELECT COUNT(*) FROM {ReviewLabels.Table} r WHERE r.unit_id = u.unit_id)" : "0";
        var (missing, indeterminate) = (Column(connection, UnitColumns.Missing), Column(connection, UnitColumns.Indeterminate));
        var (from, where, rowid) = Source(filter, command, connection, indexed, ridOrder);
        Bounds(where, command, rowid, lower, upper);
        command.CommandText = $"""
            SELECT u.rowid, u.unit_id, u.checkpoint, u.environment, u.variant, u.condition, u.epoch, u.status, u.outcomes,
                   {missing} IS NOT NULL, {indeterminate} IS NOT NULL, {labels}, u.error
            FROM {from}
            {(where.Count == 0 ? "" : "WHERE " + string.Join(" AND ", where))}
            ORDER BY {rowid} {(backwards ? "DESC" : "ASC")}
            LIMIT {limit};
            """;
        var rows = new List<UnitSummary>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            rows.Add(new UnitSummary(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                reader.GetString(5), reader.GetInt32(6), reader.GetString(7), Fired(reader.GetString(8)), reader.GetBoolean(9), reader.GetBoolean(10),
                reader.GetInt32(11), reader.IsDBNull(12) ? null : reader.GetString(12)));
        }
        return rows;
    }

    /// <summary>The FROM, WHERE and rowid column of a query: over the index's facets (joined to run.db's row, driven by the index), or over run.db.</summary>
    private (string From, List<string> Where, string Rowid) Source(UnitFilter filter, SqliteCommand command, SqliteConnection connection, bool indexed,
        bool ridOrder = false)
    {
        if (!indexed)
        {
            var from = filter.Search is not null ? "vi.fts f JOIN units u ON u.rowid = f.rowid" : "units u";
            return (from, Where(filter, command, connection), "u.rowid");
        }
        var (drive, where) = UnitFacets.Build(filter, command, Reviewed(connection), ridOrder);
        // CROSS JOIN keeps the index's table as the outer loop: SQLite does not reorder it.
        return ($"{drive} CROSS JOIN units u ON u.rowid = x.rid", where, "x.rid");
    }

    private static void Bounds(List<string> where, SqliteCommand command, string rowid, long? lower, long? upper)
    {
        if (lower is { } l)
        {
            where.Add($"{rowid} > $lower");
            command.Parameters.AddWithValue("$lower", l);
        }
        if (upper is { } h)
        {
            where.Add($"{rowid} < $upper");
            command.Parameters.AddWithValue("$upper", h);
        }
    }

    /// <summary>How many units match (a separate request: counting a million rows is slower than a page).</summary>
    public long Count(UnitFilter filter)
    {
        using var lease = files.Read();
        var connection = lease.Connection;
        var covered = Covered(filter);
        long Counted(bool indexed, long? lower, long? upper)
        {
            using var command = connection.CreateCommand();
            var (from, where, rowid) = Source(filter, command, connection, indexed);
            if (indexed && filter.Review is null)
            {
                from = from[..from.IndexOf(" CROSS JOIN", StringComparison.Ordinal)]; // only the review filter reads run.db's row
            }
            Bounds(where, command, rowid, lower, upper);
            command.CommandText = $"SELECT COUNT(*) FROM {from} {(where.Count == 0 ? "" : "WHERE " + string.Join(" AND ", where))};";
            return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
        }
        return covered == 0 ? Counted(false, null, null) : Counted(true, null, covered + 1) + Counted(false, covered, null);
    }

    private string Reviewed(SqliteConnection connection) =>
        HasLabels(connection) ? $"EXISTS (SELECT 1 FROM {ReviewLabels.Table} r WHERE r.unit_id = u.unit_id)" : "0";

    private List<string> Where(UnitFilter filter, SqliteCommand command, SqliteConnection connection)
    {
        var where = new List<string>();
        var p = command.Parameters;
        void Equal(string column, object? value)
        {
            if (value is not null)
            {
                where.Add($"u.{column} = ${column}");
                p.AddWithValue("$" + column, value);
            }
        }
        Equal(UnitColumns.Checkpoint, filter.Checkpoint);
        Equal(UnitColumns.Environment, filter.Environment);
        Equal(UnitColumns.Variant, filter.Variant);
        Equal(UnitColumns.Condition, filter.Condition);
        Equal(UnitColumns.Epoch, filter.Epoch);
        Equal(UnitColumns.Status, filter.Status);
        for (var i = 0; i < filter.Params.Count; i++)
        {
            // A variant label is "a=1,b=x": the param matches one comma-separated part, with LIKE's wildcards escaped.
            where.Add($"(',' || u.variant || ',') LIKE $param{i} ESCAPE '\\'");
            p.AddWithValue($"$param{i}", "%," + EscapeLike($"{filter.Params[i].Name}={filter.Params[i].Value}") + ",%");
        }
        for (var i = 0; i < filter.Outcomes.Count; i++)
        {
            where.Add($"json_extract(u.outcomes, $outcome{i}) = {(filter.Outcomes[i].Value ? 1 : 0)}");
            p.AddWithValue($"$outcome{i}", $"$.\"{filter.Outcomes[i].Name}\"");
        }
        for (var i = 0; i < filter.Judges.Count; i++)
        {
            where.Add($"EXISTS (SELECT 1 FROM vi.verdicts v WHERE v.rid = u.rowid AND v.judge = $judge{i} AND v.verdict = {(filter.Judges[i].Value ? 1 : 0)})");
            p.AddWithValue($"$judge{i}", filter.Judges[i].Id);
        }
        foreach (var flag in filter.Flags.Distinct())
        {
            where.Add(flag switch
            {
                "failed" => "u.status = 'failed'",
                "missing" => $"{Column(connection, UnitColumns.Missing)} IS NOT NULL",
                _ => $"{Column(connection, UnitColumns.Indeterminate)} IS NOT NULL",
            });
        }
        if (filter.Review is { } review)
        {
            var reviewed = Reviewed(connection);
            where.Add(review == "reviewed" ? reviewed : $"NOT {reviewed}");
        }
        if (filter.Search is { } search)
        {
            where.Add("f.fts MATCH $search");
            p.AddWithValue("$search", UnitFilter.FtsQuery(search) ?? "\"\"");
        }
        return where;
    }

    internal static string EscapeLike(string text) =>
        text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);

    /// <summary>The outcomes that are true, from the row's JSON.</summary>
    public static IReadOnlyList<string> Fired(string outcomes)
    {
        try
        {
            using var json = JsonDocument.Parse(outcomes);
            return json.RootElement.ValueKind == JsonValueKind.Object
                ? json.RootElement.EnumerateObject().Where(o => o.Value.ValueKind == JsonValueKind.True).Select(o => o.Name).ToList()
                : [];
        }
        catch (JsonException)
        {
            return [];
        }
    }

    /// <summary>The column, or NULL when this run.db predates it.</summary>
    private string Column(SqliteConnection connection, string name)
    {
        _columns ??= RunDatabase.Columns(connection, "units");
        return _columns.Contains(name) ? "u." + name : "NULL";
    }

    /// <summary>Whether run.db has the review labels table (schema 6); an older run.db gains it with its first label.</summary>
    public bool HasLabels(SqliteConnection connection)
    {
        if (_hasLabels != true)
        {
            _hasLabels = Names(connection, $"SELECT name FROM sqlite_master WHERE type = 'table' AND name = '{ReviewLabels.Table}';").Count > 0;
        }
        return _hasLabels.Value;
    }

    private static HashSet<string> Names(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        while (reader.Read())
        {
            names.Add(reader.GetString(0));
        }
        return names;
    }
}
