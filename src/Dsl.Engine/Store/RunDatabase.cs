using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace Scheme.Engine.Store;

/// <summary>
/// Reads a run directory's <c>run.db</c> read-only, so it never creates, upgrades or locks the file: what analyses
/// read. Rows are read by column name through <see cref="ReadRow"/>, which the store's own queries use too, and the
/// optional columns of <see cref="UnitColumns"/> are used when the file has them.
/// </summary>
public static class RunDatabase
{
    private static readonly string[] Required = UnitColumns.Exported.Where(c => !c.Optional).Select(c => c.Name).ToArray();

    /// <summary>
    /// Streams the units table in unit id order, forward-only (<see cref="UnitRowReader"/>): memory stays flat however many
    /// rows there are. A row that cannot be decoded is reported through <paramref name="errors"/> and skipped.
    /// </summary>
    /// <param name="transcripts">Also read each done unit's transcript (large: only for replay or a viewer).</param>
    /// <param name="resolveSimulated">Give rows without a simulated mark (written before schema 5) the run's, as analyses
    /// want; false reads the rows as stored, as <c>export</c> writes them.</param>
    public static IEnumerable<UnitRecord> ReadUnits(string path, ICollection<UnitReadError> errors, bool transcripts = false, bool resolveSimulated = true)
    {
        HashSet<string> columns;
        bool? runSimulated;
        using (var connection = Open(path))
        {
            columns = Guarded(path, () => Columns(connection, "units"));
            if (columns.Count == 0)
            {
                throw Unreadable(path, "it has no units table.");
            }
            var absent = Required.Where(c => !columns.Contains(c)).ToList();
            if (absent.Count > 0)
            {
                throw Unreadable(path, $"its units table lacks the column{(absent.Count > 1 ? "s" : "")} {string.Join(", ", absent)}.");
            }
            // Rows without a simulated mark (written before schema 5) take the run's: an offline run's units were all simulated.
            runSimulated = resolveSimulated && ReadManifest(connection, path) is { } manifest && manifest.IsSimulated ? true : null;
        }
        // Unit ids are hashes, so the primary key's order is random over the table: walking that index fetches every row
        // from a random page (a million page reads at a million units, most of analyze's time). NOT INDEXED makes SQLite
        // scan the table in storage order and sort the selected columns by unit_id (spilling to temp files beyond its
        // cache): the same order, at a fraction of the I/O. Transcripts, large, are read in index order rather than sorted.
        var sql = $"SELECT {UnitRowReader.Select(columns, transcripts)} FROM units {(transcripts ? "" : "NOT INDEXED ")}ORDER BY unit_id;";
        foreach (var unit in UnitRowReader.Read(path, sql, errors))
        {
            yield return unit.Simulated is null && runSimulated is not null ? unit with { Simulated = runSimulated } : unit;
        }
    }

    /// <summary>When the run started, from its manifest; null when the database has no manifest row.</summary>
    public static DateTimeOffset? StartedAt(string path)
    {
        using var connection = Open(path);
        if (!Guarded(path, () => Columns(connection, "manifest")).Contains("started_at"))
        {
            return null;
        }
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT started_at FROM manifest WHERE id = 1;";
        var text = Guarded(path, command.ExecuteScalar) as string;
        if (text is null)
        {
            return null;
        }
        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var started)
            ? started
            : throw Unreadable(path, $"its manifest's started_at '{text}' is not a time.");
    }

    /// <summary>The run's manifest, read-only; null when the database has none.</summary>
    public static RunManifest? ReadManifest(string path)
    {
        using var connection = Open(path);
        return ReadManifest(connection, path);
    }

    /// <summary>The manifest row, with the columns of older schemas read as unknown (null).</summary>
    internal static RunManifest? ReadManifest(SqliteConnection connection, string path)
    {
        var columns = Guarded(path, () => Columns(connection, "manifest"));
        if (!columns.Contains("started_at"))
        {
            return null;
        }
        string[] optional = ["git_commit", "ended_at", "prereg_hash", "prereg_lock", "simulated", "shard_index", "shard_count"];
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT experiment, hash, compiler_version, arguments, started_at, " +
            string.Join(", ", optional.Select(c => columns.Contains(c) ? c : "NULL")) + " FROM manifest WHERE id = 1;";
        using var reader = Guarded(path, command.ExecuteReader);
        if (!Guarded(path, reader.Read))
        {
            return null;
        }
        string? Text(int i) => reader.IsDBNull(i) ? null : reader.GetString(i);
        try
        {
            return new RunManifest(reader.GetString(0), reader.GetString(1), reader.GetString(2), Text(5),
                JsonSerializer.Deserialize<List<string>>(reader.GetString(3)) ?? [],
                Time(reader.GetString(4)), Text(6) is { } ended ? Time(ended) : null, Text(7), Text(8),
                reader.IsDBNull(9) ? null : reader.GetInt64(9) != 0,
                reader.IsDBNull(10) || reader.IsDBNull(11) ? null : new Design.ShardSpec(reader.GetInt32(10), reader.GetInt32(11)));
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidCastException)
        {
            throw Unreadable(path, $"its manifest cannot be read ({e.Message}).", e);
        }
    }

    private static DateTimeOffset Time(string text) => DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);

    /// <summary>One units row, by the names of the columns selected (<paramref name="at"/>: name to ordinal).</summary>
    public static UnitRecord ReadRow(SqliteDataReader reader, IReadOnlyDictionary<string, int> at)
    {
        bool Has(string column) => at.TryGetValue(column, out var i) && !reader.IsDBNull(i);
        string Text(string column) => reader.GetString(at[column]);
        string? Nullable(string column) => Has(column) ? Text(column) : null;
        var status = Text(UnitColumns.Status) switch
        {
            "done" => UnitStatus.Done,
            "failed" => UnitStatus.Failed,
            var other => throw new FormatException($"status must be 'done' or 'failed', not '{other}'."),
        };
        return new UnitRecord(Text(UnitColumns.UnitId), Text(UnitColumns.Run), Text(UnitColumns.Checkpoint), Text(UnitColumns.Environment),
            Text(UnitColumns.Variant), Text(UnitColumns.Condition), reader.GetInt32(at[UnitColumns.Epoch]), reader.GetInt64(at[UnitColumns.Seed]), status,
            JsonSerializer.Deserialize<Dictionary<string, bool>>(Text(UnitColumns.Outcomes)) ?? [],
            Nullable(UnitColumns.Metrics) is { } metrics ? JsonSerializer.Deserialize<Dictionary<string, double?>>(metrics) ?? [] : [],
            reader.GetInt64(at[UnitColumns.TokensIn]), reader.GetInt64(at[UnitColumns.TokensOut]),
            Has(UnitColumns.CostUsd) ? reader.GetDouble(at[UnitColumns.CostUsd]) : null, reader.GetInt64(at[UnitColumns.LatencyMs]),
            Nullable(UnitColumns.Error),
            DateTimeOffset.Parse(Text(UnitColumns.FinishedAt), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind))
        {
            Missing = Reasons(Nullable(UnitColumns.Missing)),
            Indeterminate = Reasons(Nullable(UnitColumns.Indeterminate)),
            Simulated = Has(UnitColumns.Simulated) ? reader.GetInt64(at[UnitColumns.Simulated]) != 0 : null,
            TranscriptJson = Has(UnitColumns.TranscriptGz) ? TranscriptCompression.Decompress((byte[])reader.GetValue(at[UnitColumns.TranscriptGz]))
                : Nullable(UnitColumns.TranscriptText),
        };
    }

    /// <summary>A JSON object {name: reason}; NULL (older rows) is empty, a null reason is "".</summary>
    private static Dictionary<string, string> Reasons(string? json) =>
        json is null ? [] : (JsonSerializer.Deserialize<Dictionary<string, string?>>(json) ?? []).ToDictionary(p => p.Key, p => p.Value ?? "", StringComparer.Ordinal);

    /// <summary>
    /// A run.db that cannot be read as a run's database (not an SQLite file, damaged, without the units table): bad
    /// input, reported with the file's path (exit 2), never an internal error.
    /// </summary>
    public static InvalidDataException Unreadable(string path, string reason, Exception? inner = null) =>
        new($"{path} is not a readable run database: {reason}", inner);

    /// <summary>
    /// An SQLite error while reading run.db. Most mean the file is not a run database; a few say nothing about the file
    /// (SQLITE_FULL while sorting in the temp directory, SQLITE_BUSY, SQLITE_IOERR) and are said as what they are, so
    /// that nobody takes a good run for a damaged one.
    /// </summary>
    public static InvalidDataException Failed(string path, int code, string message, Exception? inner = null) =>
        (code & 0xFF) switch
        {
            13 => new($"cannot read {path}: disk full (SQLite sorts in SQLITE_TMPDIR, default /tmp; free space there or point it elsewhere): {message}", inner),
            5 => new($"cannot read {path}: the database is busy (another process holds it locked); try again when it is done: {message}", inner),
            10 => new($"cannot read {path}: I/O error (the disk or file system failed while reading; the file may be fine): {message}", inner),
            _ => Unreadable(path, message, inner),
        };

    internal static SqliteConnection Open(string path)
    {
        if (!File.Exists(path))
        {
            throw Unreadable(path, "the file does not exist.");
        }
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadOnly,
            Pooling = false,
        }.ToString());
        try
        {
            connection.Open();
            return connection;
        }
        catch (SqliteException e)
        {
            connection.Dispose();
            throw Failed(path, e.SqliteErrorCode, e.Message, e);
        }
    }

    /// <summary>The columns of a table of the main schema (case-insensitive, as SQLite's names are).</summary>
    public static HashSet<string> Columns(SqliteConnection connection, string table) => Columns(connection, "main", table);

    /// <summary>The columns of a table of the given schema ("main", or an attached database such as a shard's).</summary>
    public static HashSet<string> Columns(SqliteConnection connection, string schema, string table)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT name FROM pragma_table_info($table, $schema);";
        command.Parameters.AddWithValue("$table", table);
        command.Parameters.AddWithValue("$schema", schema);
        using var reader = command.ExecuteReader();
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        while (reader.Read())
        {
            names.Add(reader.GetString(0));
        }
        return names;
    }

    /// <summary>Runs a step of SQLite; its errors (not a database, malformed, I/O) become <see cref="InvalidDataException"/>.</summary>
    private static T Guarded<T>(string path, Func<T> step)
    {
        try
        {
            return step();
        }
        catch (SqliteException e)
        {
            throw Failed(path, e.SqliteErrorCode, e.Message, e);
        }
    }
}
