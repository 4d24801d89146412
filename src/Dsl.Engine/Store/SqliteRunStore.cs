using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace Scheme.Engine.Store;

/// <summary>
/// The results of one run directory, in its <c>run.db</c>: one row per finished work unit. Finished units are committed
/// in groups (<see cref="GroupCommit"/>: every 1,024 units or 20 ms, whichever comes first) by one writer thread, so a
/// killed run loses at most the units of the group not yet committed (finished less than 20 ms before the kill, or fewer
/// than one group), which resume runs again, and skips every unit committed.
/// </summary>
/// <remarks>
/// <para>Writing a unit again is an upsert keyed by unit id: a retry replaces a failed row, and rewriting a done
/// row replaces it with the newer result. A failed result never replaces a done one, so a late failure of
/// a duplicate attempt cannot lose data. Rows of a group are written in the order they were recorded.</para>
/// <para>Consistency: every read of this store (completed ids, rows, the metric summary, status counts, review labels)
/// first commits everything recorded before it, so a caller always reads its own writes. Other processes (analyze, a
/// viewer) read committed groups only. A group that cannot be written (disk full) is not retried: its failure
/// (<see cref="RunStoreWriteException"/>) is thrown by the next <see cref="Record"/>, read, <see cref="Flush"/> or
/// <see cref="Dispose"/>, which stops the run with its reason.</para>
/// <para>WAL lets readers run while the runner writes; synchronous=NORMAL is durable against a killed process, which is
/// the failure resume is for (only a power cut can lose the last transactions). One connection is shared under a lock:
/// SQLite has one writer anyway.</para>
/// </remarks>
public sealed class SqliteRunStore : IDisposable
{
    public const string FileName = "run.db";

    private const int SchemaVersion = 7;

    private readonly SqliteConnection _connection;
    private readonly Lock _lock = new();
    private readonly GroupCommitQueue<object[]> _writer;
    private UnitUpsert? _upsert;

    private SqliteRunStore(string path, GroupCommit policy)
    {
        Path = path;
        // No pooling: a closed store must release the file so the directory can be moved or deleted.
        _connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        try
        {
            _connection.Open();
            Migrate(path);
        }
        catch (InvalidDataException)
        {
            _connection.Dispose();
            throw;
        }
        catch (SqliteException ex)
        {
            _connection.Dispose();
            // Someone else's file or a damaged one: bad input, said plainly, never an internal error.
            throw new InvalidDataException($"{path} is not a usable run database ({ex.Message.TrimEnd('.')}). " +
                "Use another run directory, or restore the file.", ex);
        }
        _writer = new GroupCommitQueue<object[]>(policy, Commit, WriteFailure);
    }

    private void Migrate(string path)
    {
        Execute("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;");
        // Unit ids are hashes, so each upsert lands at a random place of the unit_id index: a 64 MB page cache (the
        // default is 2 MB) keeps a million-unit index in memory instead of re-reading its pages from the OS.
        Execute("PRAGMA cache_size=-65536;");
        // Every commit appends each page it dirtied to the WAL, and a checkpoint copies them back: checkpointing every
        // 32 MB rather than 4 MB copies a page changed by several groups once, with one fsync instead of eight.
        Execute("PRAGMA wal_autocheckpoint=8192;");
        var version = Convert.ToInt32(Scalar("PRAGMA user_version;"), CultureInfo.InvariantCulture);
        if (version > SchemaVersion)
        {
            throw new InvalidDataException($"{path} was written by a newer runtime (schema {version}, this one reads {SchemaVersion}).");
        }
        Execute($"CREATE TABLE IF NOT EXISTS units ({string.Join(", ", UnitColumns.Stored.Select(c => $"{c.Name} {c.SqlType}"))});");
        Execute("""
            CREATE TABLE IF NOT EXISTS manifest (
                id               INTEGER PRIMARY KEY CHECK (id = 1),
                experiment       TEXT NOT NULL,
                hash             TEXT NOT NULL,
                compiler_version TEXT NOT NULL,
                git_commit       TEXT,
                arguments        TEXT NOT NULL,
                started_at       TEXT NOT NULL,
                ended_at         TEXT,
                prereg_hash      TEXT,
                prereg_lock      TEXT,
                simulated        INTEGER
            );
            """);
        // Columns added after schema 1 (metrics in 2; missing, indeterminate and transcript_gz in 4): an older store
        // gains them and keeps its rows, which read as empty there.
        var present = RunDatabase.Columns(_connection, "units");
        foreach (var column in UnitColumns.Stored.Where(c => c.Optional && !present.Contains(c.Name)))
        {
            Execute($"ALTER TABLE units ADD COLUMN {column.Name} {column.SqlType};");
        }
        // Schema 3 records the preregistration lock's hash in the manifest; schema 5 where the lock was looked for and
        // whether the run is simulated (and the units' simulated column above). Older rows read them as unknown.
        var manifestColumns = RunDatabase.Columns(_connection, "manifest");
        foreach (var (column, type) in new[] { ("prereg_hash", "TEXT"), ("prereg_lock", "TEXT"), ("simulated", "INTEGER") })
        {
            if (!manifestColumns.Contains(column))
            {
                Execute($"ALTER TABLE manifest ADD COLUMN {column} {type};");
            }
        }
        // Schema 6: human review labels, append-only (see ReviewLabels).
        Execute(ReviewLabels.CreateSql);
        // Schema 7 (money): what each runner session paid, so --max-cost covers resumes (see RunSpend).
        Execute(RunSpend.CreateSql);
        // Schema 7 (shards): the manifest says which shard of how many a run directory is (null: the whole run), and a
        // merged run keeps where each unit came from (see ShardMerge). Older stores gain them, reading as unsharded.
        foreach (var (column, type) in new[] { ("shard_index", "INTEGER"), ("shard_count", "INTEGER") })
        {
            if (!manifestColumns.Contains(column))
            {
                Execute($"ALTER TABLE manifest ADD COLUMN {column} {type};");
            }
        }
        Execute(ShardMerge.CreateSql);
        // Schema 7 (batch): the batches of run --batch (see BatchLedger).
        Execute(BatchLedger.CreateSql);
        Execute($"PRAGMA user_version = {SchemaVersion};");
    }

    public string Path { get; }

    /// <summary>Opens (creating if needed) the store of a run directory.</summary>
    /// <param name="groupCommit">How finished units are grouped into transactions (<see cref="GroupCommit.Default"/>).</param>
    public static SqliteRunStore Open(string runDirectory, GroupCommit? groupCommit = null)
    {
        Directory.CreateDirectory(runDirectory);
        return new SqliteRunStore(System.IO.Path.Combine(runDirectory, FileName), groupCommit ?? GroupCommit.Default);
    }

    /// <summary>
    /// Queues a finished unit's row and returns; the row is committed with its group within <see cref="GroupCommit.MaxDelay"/>
    /// (or sooner, when the group fills). Throws the reason when an earlier group could not be written (<see cref="RunStoreWriteException"/>).
    /// Every read of this store (and <see cref="Flush"/>, <see cref="Dispose"/>) first commits what was queued before it.
    /// </summary>
    public void Record(UnitRecord record) =>
        // The row is made here, on the caller's thread (JSON, compression), so the writer thread only binds and steps.
        _writer.Add(Row(record));

    /// <summary>Commits every queued unit and waits for it; throws <see cref="RunStoreWriteException"/> if a group could not be written.</summary>
    public void Flush() => _writer.Flush();

    /// <summary>One unit's values in the order of <see cref="UnitColumns.Stored"/>.</summary>
    private static object[] Row(UnitRecord record)
    {
        var row = new object[UnitColumns.Stored.Count];
        row[Column.UnitId] = record.UnitId;
        row[Column.Run] = record.Run;
        row[Column.Checkpoint] = record.Checkpoint;
        row[Column.Environment] = record.Environment;
        row[Column.Variant] = record.Variant;
        row[Column.Condition] = record.Condition;
        row[Column.Epoch] = record.Epoch;
        row[Column.Seed] = record.Seed;
        row[Column.Status] = Status(record.Status);
        row[Column.Outcomes] = RowJson.Outcomes(record.Outcomes);
        // The engine never stores a metric without a finite value (those are in Missing); null values (older exports) are kept.
        row[Column.Metrics] = RowJson.Metrics(record.Metrics);
        row[Column.Missing] = Reasons(record.Missing);
        row[Column.Indeterminate] = Reasons(record.Indeterminate);
        row[Column.TokensIn] = record.TokensIn;
        row[Column.TokensOut] = record.TokensOut;
        row[Column.CostUsd] = (object?)record.CostUsd ?? DBNull.Value;
        row[Column.LatencyMs] = record.LatencyMs;
        row[Column.Error] = (object?)record.Error ?? DBNull.Value;
        row[Column.FinishedAt] = (record.FinishedAt ?? DateTimeOffset.UtcNow).ToString("O", CultureInfo.InvariantCulture);
        row[Column.Simulated] = record.Simulated is { } simulated ? (simulated ? 1 : 0) : DBNull.Value;
        row[Column.TranscriptText] = DBNull.Value;
        row[Column.TranscriptGz] = record.TranscriptJson is null ? DBNull.Value : TranscriptCompression.Compress(record.TranscriptJson);
        return row;
    }

    /// <summary>Writes one group in one transaction with the prepared upsert (on the writer thread).</summary>
    private void Commit(List<object[]> group)
    {
        lock (_lock)
        {
            // One prepared statement for the life of the store: preparing this upsert costs more than running it.
            (_upsert ??= new UnitUpsert(_connection, UpsertSql())).Write(group);
        }
    }

    private static string UpsertSql()
    {
        var columns = UnitColumns.Stored.Select(c => c.Name).ToList();
        // Parameters numbered in the order of the columns, so a row's values bind by index.
        return $"""
            INSERT INTO units ({string.Join(", ", columns)})
            VALUES ({string.Join(", ", columns.Select((_, i) => "?" + (i + 1).ToString(CultureInfo.InvariantCulture)))})
            ON CONFLICT (unit_id) DO UPDATE SET {string.Join(", ", columns.Skip(1).Select(c => $"{c} = excluded.{c}"))}
            WHERE units.status <> 'done' OR excluded.status = 'done';
            """;
    }

    private Exception WriteFailure(Exception cause, int lost) => new RunStoreWriteException(
        $"cannot write {Path} ({cause.Message.TrimEnd('.')}). The run stopped; the last {lost} finished unit(s) were not stored " +
        "and resume runs them again once the cause is fixed.", cause);

    public bool IsDone(string unitId)
    {
        Flush();
        lock (_lock)
        {
            using var command = _connection.CreateCommand();
            command.CommandText = "SELECT 1 FROM units WHERE unit_id = $id AND status = 'done';";
            Add(command, "$id", unitId);
            return command.ExecuteScalar() is not null;
        }
    }

    /// <summary>Ids of the units resume must not run again.</summary>
    public IReadOnlySet<string> CompletedIds()
    {
        Flush();
        lock (_lock)
        {
            using var command = _connection.CreateCommand();
            command.CommandText = "SELECT unit_id FROM units WHERE status = 'done';";
            using var reader = command.ExecuteReader();
            var ids = new HashSet<string>(StringComparer.Ordinal);
            while (reader.Read())
            {
                ids.Add(reader.GetString(0));
            }
            return ids;
        }
    }

    public UnitRecord? Get(string unitId) => Query("WHERE unit_id = $id", unitId).SingleOrDefault();

    /// <summary>Every stored unit, ordered by id so that exports are deterministic.</summary>
    public IReadOnlyList<UnitRecord> Units() => Query("", null);

    /// <summary>
    /// Per cell (checkpoint, environment, condition) and metric: how many done units the metric counts and its
    /// mean over them (a rate for rate metrics). Computed in SQLite so that a million-unit run is never loaded.
    /// </summary>
    /// <param name="metrics">The metrics to summarize: one pass reading each by name, twice as fast as expanding every
    /// row's metrics object. Without it, every metric any row has.</param>
    public IReadOnlyList<CellMetric> MetricSummary(IReadOnlyCollection<string>? metrics = null)
    {
        Flush();
        lock (_lock)
        {
            using var command = _connection.CreateCommand();
            if (metrics is null)
            {
                command.CommandText = """
                    SELECT u.checkpoint, u.environment, u.condition, m.key, COUNT(*), AVG(m.value)
                    FROM units u, json_each(u.metrics) m
                    WHERE u.status = 'done' AND u.metrics IS NOT NULL AND m.type <> 'null'
                    GROUP BY u.checkpoint, u.environment, u.condition, m.key
                    ORDER BY m.key, u.checkpoint, u.environment, u.condition;
                    """;
            }
            else
            {
                // json_extract gives NULL for an absent metric and for a JSON null, which COUNT and AVG skip: the same
                // units as json_each's m.type <> 'null'. Each path is a parameter, never SQL text (metric names are identifiers).
                var names = metrics.Order(StringComparer.Ordinal).ToList();
                var columns = string.Concat(names.Select((_, i) => $", COUNT(json_extract(metrics, $p{i})), AVG(json_extract(metrics, $p{i}))"));
                command.CommandText = $"SELECT checkpoint, environment, condition{columns} FROM units WHERE status = 'done' AND metrics IS NOT NULL " +
                    "GROUP BY checkpoint, environment, condition ORDER BY checkpoint, environment, condition;";
                for (var i = 0; i < names.Count; i++)
                {
                    Add(command, $"$p{i}", $"$.\"{names[i]}\"");
                }
                using var cells = command.ExecuteReader();
                var summary = new List<CellMetric>();
                while (cells.Read())
                {
                    for (var i = 0; i < names.Count; i++)
                    {
                        if (cells.GetInt64(3 + (2 * i)) is var units and > 0)
                        {
                            summary.Add(new CellMetric(cells.GetString(0), cells.GetString(1), cells.GetString(2), names[i], units, cells.GetDouble(4 + (2 * i))));
                        }
                    }
                }
                return summary.OrderBy(r => r.Metric, StringComparer.Ordinal).ToList();
            }
            using var reader = command.ExecuteReader();
            var rows = new List<CellMetric>();
            while (reader.Read())
            {
                rows.Add(new CellMetric(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetInt64(4), reader.GetDouble(5)));
            }
            return rows;
        }
    }

    /// <summary>Units per status, over the whole store.</summary>
    public (long Done, long Failed) StatusCounts()
    {
        Flush();
        lock (_lock)
        {
            using var command = _connection.CreateCommand();
            command.CommandText = "SELECT COALESCE(SUM(status = 'done'), 0), COALESCE(SUM(status = 'failed'), 0) FROM units;";
            using var reader = command.ExecuteReader();
            reader.Read();
            return (reader.GetInt64(0), reader.GetInt64(1));
        }
    }

    /// <summary>
    /// Appends a human review label (the reviewer's verdict on one outcome of one done unit) and returns it with its
    /// sequence number. Refused with <see cref="ArgumentException"/> (its message says why) for a unit that is not
    /// done here or has no such outcome, or a label <see cref="ReviewLabels.Problem"/> refuses.
    /// </summary>
    public ReviewLabel AppendReviewLabel(ReviewLabel label)
    {
        if (ReviewLabels.Problem(label.UnitId, label.Outcome, label.Reviewer, label.Note) is { } problem)
        {
            throw new ArgumentException(problem, nameof(label));
        }
        Flush();
        lock (_lock)
        {
            // A label judges an automated outcome a done unit has (true, false or indeterminate), never one it lacks. The
            // outcome is a plain name (Problem checked it), so it can stand in the JSON path.
            using (var check = _connection.CreateCommand())
            {
                check.CommandText = "SELECT json_type(outcomes, $path) IS NOT NULL OR json_type(indeterminate, $path) IS NOT NULL " +
                    "FROM units WHERE unit_id = $unit AND status = 'done';";
                Add(check, "$unit", label.UnitId);
                Add(check, "$path", $"$.\"{label.Outcome}\"");
                switch (check.ExecuteScalar())
                {
                    case null:
                        throw new ArgumentException($"No done unit '{label.UnitId}' in this run.", nameof(label));
                    case long has when has == 0:
                        throw new ArgumentException($"Unit '{label.UnitId}' has no automated outcome '{label.Outcome}' to review.", nameof(label));
                }
            }
            using var command = _connection.CreateCommand();
            command.CommandText = $"INSERT INTO {ReviewLabels.Table} (unit_id, outcome, verdict, reviewer, note, at) " +
                "VALUES ($unit, $outcome, $verdict, $reviewer, $note, $at) RETURNING seq;";
            Add(command, "$unit", label.UnitId);
            Add(command, "$outcome", label.Outcome);
            Add(command, "$verdict", ReviewLabel.Text(label.Verdict));
            Add(command, "$reviewer", label.Reviewer);
            Add(command, "$note", label.Note);
            Add(command, "$at", label.At.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture));
            return label with { Sequence = Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture) };
        }
    }

    /// <summary>Every review label of this run, in the order they were stored.</summary>
    public IReadOnlyList<ReviewLabel> ReviewLabelsInOrder()
    {
        Flush();
        lock (_lock)
        {
            return ReviewLabels.Read(_connection, Path);
        }
    }

    /// <summary>Sets what one runner session has paid so far (its row is created on first call, replaced after).</summary>
    public void RecordSpend(string session, DateTimeOffset startedAt, double usd)
    {
        lock (_lock)
        {
            RunSpend.Write(_connection, session, startedAt, usd);
        }
    }

    /// <summary>USD paid by every session of this run directory, or by all but <paramref name="exceptSession"/>.</summary>
    public double TotalSpentUsd(string? exceptSession = null)
    {
        lock (_lock)
        {
            return RunSpend.Total(_connection, exceptSession);
        }
    }

    public void WriteManifest(RunManifest manifest)
    {
        lock (_lock)
        {
            using var command = _connection.CreateCommand();
            command.CommandText = """
                INSERT INTO manifest (id, experiment, hash, compiler_version, git_commit, arguments, started_at, ended_at, prereg_hash, prereg_lock, simulated,
                    shard_index, shard_count)
                VALUES (1, $experiment, $hash, $compiler, $commit, $arguments, $started, $ended, $prereg, $lock, $simulated, $shard_index, $shard_count)
                ON CONFLICT (id) DO UPDATE SET experiment = excluded.experiment, hash = excluded.hash,
                    compiler_version = excluded.compiler_version, git_commit = excluded.git_commit, arguments = excluded.arguments,
                    started_at = excluded.started_at, ended_at = excluded.ended_at, prereg_hash = excluded.prereg_hash,
                    prereg_lock = excluded.prereg_lock, simulated = excluded.simulated,
                    shard_index = excluded.shard_index, shard_count = excluded.shard_count;
                """;
            Add(command, "$experiment", manifest.Experiment);
            Add(command, "$hash", manifest.Hash);
            Add(command, "$compiler", manifest.CompilerVersion);
            Add(command, "$commit", manifest.GitCommit);
            Add(command, "$arguments", JsonSerializer.Serialize(manifest.Arguments));
            Add(command, "$started", manifest.StartedAt.ToString("O", CultureInfo.InvariantCulture));
            Add(command, "$ended", manifest.EndedAt?.ToString("O", CultureInfo.InvariantCulture));
            Add(command, "$prereg", manifest.PreregistrationHash);
            Add(command, "$lock", manifest.PreregistrationLockPath);
            Add(command, "$simulated", manifest.Simulated is { } simulated ? (simulated ? 1 : 0) : null);
            Add(command, "$shard_index", manifest.Shard?.Index);
            Add(command, "$shard_count", manifest.Shard?.Count);
            command.ExecuteNonQuery();
        }
    }

    public RunManifest? ReadManifest()
    {
        lock (_lock)
        {
            return RunDatabase.ReadManifest(_connection, Path);
        }
    }

    /// <summary>Records a batch (see <see cref="BatchLedger"/>); returns its sequence number.</summary>
    public long AddBatch(BatchRow row)
    {
        lock (_lock)
        {
            return BatchLedger.Add(_connection, row);
        }
    }

    public void UpdateBatch(long seq, string? batchId, string state, string? note = null)
    {
        lock (_lock)
        {
            BatchLedger.Update(_connection, seq, batchId, state, note);
        }
    }

    public IReadOnlyList<BatchRow> Batches()
    {
        lock (_lock)
        {
            return BatchLedger.Read(_connection);
        }
    }

    /// <summary>Commits what is queued, then closes the file. Throws a write failure no caller has seen yet.</summary>
    public void Dispose()
    {
        try
        {
            _writer.Dispose();
        }
        finally
        {
            lock (_lock)
            {
                _upsert?.Dispose();
                _connection.Dispose();
            }
        }
    }

    private List<UnitRecord> Query(string where, string? unitId)
    {
        Flush();
        lock (_lock)
        {
            var columns = UnitColumns.Stored.Select(c => c.Name).ToList();
            using var command = _connection.CreateCommand();
            command.CommandText = $"SELECT {string.Join(", ", columns)} FROM units {where} ORDER BY unit_id;";
            if (unitId is not null)
            {
                Add(command, "$id", unitId);
            }
            var at = columns.Select((name, i) => (name, i)).ToDictionary(p => p.name, p => p.i, StringComparer.Ordinal);
            using var reader = command.ExecuteReader();
            var records = new List<UnitRecord>();
            while (reader.Read())
            {
                records.Add(RunDatabase.ReadRow(reader, at));
            }
            return records;
        }
    }

    /// <summary>A name -> reason object as JSON, or NULL when there is none.</summary>
    private static object Reasons(IReadOnlyDictionary<string, string>? reasons) =>
        reasons is { Count: > 0 } ? RowJson.Reasons(reasons) : DBNull.Value;

    /// <summary>Where each column's value is in a row (and its parameter in the upsert): the order of <see cref="UnitColumns.Stored"/>.</summary>
    private static class Column
    {
        public static readonly int UnitId = At(UnitColumns.UnitId), Run = At(UnitColumns.Run), Checkpoint = At(UnitColumns.Checkpoint),
            Environment = At(UnitColumns.Environment), Variant = At(UnitColumns.Variant), Condition = At(UnitColumns.Condition),
            Epoch = At(UnitColumns.Epoch), Seed = At(UnitColumns.Seed), Status = At(UnitColumns.Status), Outcomes = At(UnitColumns.Outcomes),
            Metrics = At(UnitColumns.Metrics), Missing = At(UnitColumns.Missing), Indeterminate = At(UnitColumns.Indeterminate),
            TokensIn = At(UnitColumns.TokensIn), TokensOut = At(UnitColumns.TokensOut), CostUsd = At(UnitColumns.CostUsd),
            LatencyMs = At(UnitColumns.LatencyMs), Error = At(UnitColumns.Error), FinishedAt = At(UnitColumns.FinishedAt),
            Simulated = At(UnitColumns.Simulated), TranscriptText = At(UnitColumns.TranscriptText), TranscriptGz = At(UnitColumns.TranscriptGz);

        private static int At(string name)
        {
            for (var i = 0; i < UnitColumns.Stored.Count; i++)
            {
                if (UnitColumns.Stored[i].Name == name)
                {
                    return i;
                }
            }
            throw new InvalidOperationException($"No stored column {name}.");
        }
    }

    private static string Status(UnitStatus status) => status switch
    {
        UnitStatus.Done => "done",
        UnitStatus.Failed => "failed",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "Unknown unit status."),
    };

    private static DateTimeOffset Time(string text) => DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);

    private static void Add(SqliteCommand command, string name, object? value) =>
        command.Parameters.AddWithValue(name, value ?? DBNull.Value);

    private void Execute(string sql)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private object? Scalar(string sql)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }
}
