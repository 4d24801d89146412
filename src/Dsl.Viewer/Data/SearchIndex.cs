using System.Globalization;
using Microsoft.Data.Sqlite;
using Scheme.Engine.Store;

namespace Scheme.Viewer.Data;

/// <summary>
/// The viewer's side index, <c>view-index.db</c> (SQLite, beside run.db): an FTS5 full-text index of each unit's
/// transcript text (<see cref="TranscriptText"/>), the judges' verdicts per unit, and each unit's pair key (run,
/// checkpoint, environment, variant, epoch) for the paired view. run.db is only read. The index is built in the
/// background, in rowid order and in batches (a page can search what is indexed so far and says how far that is), then
/// kept up to date: new units are added as the run writes them, and units rewritten in place (a failed unit that resume
/// ran again) are indexed again. It belongs to one run: the manifest's hash and start time are recorded, and an index of
/// another run is rebuilt. Deleting the file is always safe.
/// </summary>
public sealed class SearchIndex : IDisposable
{
    public const string FileName = "view-index.db";
    private const int Version = 2; // 2: the facet tables (UnitFacets)
    private const int Batch = 2_000;

    private readonly string _databasePath;
    private readonly TimeSpan _poll;
    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;
    private long _indexed;
    private long _total;
    private volatile bool _ready;
    private volatile string? _error;
    private TaskCompletionSource _pass = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public SearchIndex(string databasePath, string indexPath, TimeSpan poll)
    {
        _databasePath = databasePath;
        Path = indexPath;
        _poll = poll;
        CreateSchema();
    }

    public string Path { get; }

    /// <summary>Units indexed, units in run.db, whether every unit is indexed, and the error that stopped indexing.</summary>
    public (long Indexed, long Total, bool Ready, string? Error) State => (Interlocked.Read(ref _indexed), Interlocked.Read(ref _total), _ready, _error);

    /// <summary>
    /// The highest run.db rowid the index holds, once it has indexed every unit once (0 before): the facet queries
    /// (<see cref="UnitFacets"/>) answer for rowids up to it, and run.db for the units the run wrote after it.
    /// </summary>
    public long Covered => Volatile.Read(ref _covered);

    private long _covered;

    /// <summary>"search index building: 42%" while building, null when ready.</summary>
    public string? Building
    {
        get
        {
            var (indexed, total, ready, error) = State;
            if (error is not null)
            {
                return "search index stopped: " + error;
            }
            return ready ? null : string.Create(CultureInfo.InvariantCulture, $"search index building: {(total == 0 ? 0 : 100.0 * indexed / total):F0}%");
        }
    }

    /// <summary>Runs of at most this many units are indexed before the viewer answers: searchable from the first page.</summary>
    public const long SmallRun = 20_000;

    /// <summary>Indexes a small run at once (on the caller's thread), then keeps the index up to date in the background.</summary>
    public void Start()
    {
        using (var read = RunFiles.OpenReadOnly(_databasePath))
        {
            if (Scalar(read, "SELECT COUNT(*) FROM units;") <= SmallRun)
            {
                Pass(rewritten: false, _stop.Token);
            }
        }
        _loop = Task.Run(() => LoopAsync(_stop.Token));
    }

    /// <summary>Completes after the next full indexing pass (for tests and the benchmark: no polling in callers).</summary>
    public Task NextPass() => Volatile.Read(ref _pass).Task;

    private void CreateSchema()
    {
        using var connection = OpenWrite();
        var identity = Identity();
        using (var check = connection.CreateCommand())
        {
            check.CommandText = "CREATE TABLE IF NOT EXISTS info (key TEXT PRIMARY KEY, value TEXT NOT NULL); SELECT value FROM info WHERE key = 'run';";
            var stored = check.ExecuteScalar() as string;
            check.CommandText = "SELECT value FROM info WHERE key = 'version';";
            var version = check.ExecuteScalar() as string;
            if (stored is not null && (stored != identity || version != Version.ToString(CultureInfo.InvariantCulture)))
            {
                // Another run's index (the directory was reused), or an older viewer's: start again.
                Execute(connection, "DROP TABLE IF EXISTS fts; DROP TABLE IF EXISTS docs; DROP TABLE IF EXISTS verdicts; " + UnitFacets.Drop + " DELETE FROM info;");
            }
        }
        Execute(connection, """
            CREATE TABLE IF NOT EXISTS docs (rid INTEGER PRIMARY KEY, status TEXT NOT NULL, finished_at TEXT NOT NULL, pair TEXT NOT NULL);
            CREATE INDEX IF NOT EXISTS docs_pair ON docs (pair);
            CREATE TABLE IF NOT EXISTS verdicts (rid INTEGER NOT NULL, judge TEXT NOT NULL, verdict INTEGER NOT NULL);
            CREATE INDEX IF NOT EXISTS verdicts_judge ON verdicts (judge, verdict, rid);
            CREATE INDEX IF NOT EXISTS verdicts_rid ON verdicts (rid);
            CREATE VIRTUAL TABLE IF NOT EXISTS fts USING fts5(body, content='', contentless_delete=1);
            """ + UnitFacets.Schema);
        using var write = connection.CreateCommand();
        write.CommandText = "INSERT OR REPLACE INTO info (key, value) VALUES ('run', $run), ('version', $version);";
        write.Parameters.AddWithValue("$run", identity);
        write.Parameters.AddWithValue("$version", Version.ToString(CultureInfo.InvariantCulture));
        write.ExecuteNonQuery();
    }

    private string Identity()
    {
        var manifest = RunDatabase.ReadManifest(_databasePath);
        return manifest is null ? "no manifest" : $"{manifest.Hash}|{manifest.StartedAt:O}";
    }

    private SqliteConnection OpenWrite()
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Path, Pooling = false }.ToString());
        connection.Open();
        Execute(connection, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;");
        return connection;
    }

    private async Task LoopAsync(CancellationToken cancellationToken)
    {
        var passes = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                Pass(rewritten: passes % 12 == 1, cancellationToken);
                _error = null;
            }
            catch (OperationCanceledException)
            {
                break;
            }
            catch (Exception e) when (e is SqliteException or IOException or InvalidDataException or UnauthorizedAccessException)
            {
                // The run's file is being replaced, the disk is full...: the viewer keeps serving; the page says so.
                _error = e.Message;
            }
            passes++;
            Interlocked.Exchange(ref _pass, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
            try
            {
                await Task.Delay(_ready ? _poll : TimeSpan.FromMilliseconds(200), cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    /// <summary>Indexes the units added since the last pass (and, with <paramref name="rewritten"/>, those rewritten in place).</summary>
    private void Pass(bool rewritten, CancellationToken cancellationToken)
    {
        using var read = RunFiles.OpenReadOnly(_databasePath);
        using var write = OpenWrite();
        var columns = RunDatabase.Columns(read, "units");
        var transcript = columns.Contains(UnitColumns.TranscriptGz) ? UnitColumns.TranscriptGz : "NULL";
        var text = columns.Contains(UnitColumns.TranscriptText) ? UnitColumns.TranscriptText : "NULL";
        string Optional(string column) => columns.Contains(column) ? column : "NULL";
        var select = $"SELECT rowid, status, finished_at, run, checkpoint, environment, variant, epoch, {transcript}, {text}, unit_id, condition, " +
            $"{Optional(UnitColumns.Outcomes)}, {Optional(UnitColumns.Missing)}, {Optional(UnitColumns.Indeterminate)} FROM units";
        Interlocked.Exchange(ref _total, Scalar(read, "SELECT COUNT(*) FROM units;"));
        var last = Scalar(write, "SELECT COALESCE(MAX(rid), 0) FROM docs;");
        Interlocked.Exchange(ref _indexed, Scalar(write, "SELECT COUNT(*) FROM docs;"));
        while (!cancellationToken.IsCancellationRequested)
        {
            var rows = ReadRows(read, $"{select} WHERE rowid > $after ORDER BY rowid LIMIT {Batch};", last);
            if (rows.Count == 0)
            {
                break;
            }
            Write(write, rows, replace: false);
            last = rows[^1].Rid;
            Interlocked.Add(ref _indexed, rows.Count);
        }
        if (rewritten)
        {
            // Units the store rewrote in place (same rowid): a failed unit run again by resume, or a newer result.
            using var attach = read.CreateCommand();
            attach.CommandText = "ATTACH DATABASE $path AS vi;";
            attach.Parameters.AddWithValue("$path", Path);
            attach.ExecuteNonQuery();
            var changed = ReadRows(read, $"{select.Replace("FROM units", "FROM units u JOIN vi.docs d ON d.rid = u.rowid", StringComparison.Ordinal)
                .Replace("SELECT rowid, status, finished_at", "SELECT u.rowid, u.status, u.finished_at", StringComparison.Ordinal)} " +
                "WHERE u.status <> d.status OR u.finished_at <> d.finished_at;", 0);
            Write(write, changed, replace: true);
        }
        cancellationToken.ThrowIfCancellationRequested();
        _ready = Interlocked.Read(ref _indexed) >= Interlocked.Read(ref _total);
        if (_ready || Volatile.Read(ref _covered) > 0)
        {
            // Once the first full pass is done the facets answer; units written after `last` come from run.db.
            Volatile.Write(ref _covered, Math.Max(last, 1));
        }
    }

    private sealed record Row(long Rid, string Status, string FinishedAt, string Pair, TranscriptText.Extract Text, UnitFacets.Unit Facets);

    private static List<Row> ReadRows(SqliteConnection read, string sql, long after)
    {
        var raw = new List<(long Rid, string Status, string Finished, string Pair, byte[]? Gz, string? Text, UnitFacets.Unit Facets)>();
        using (var command = read.CreateCommand())
        {
            command.CommandText = sql;
            command.Parameters.AddWithValue("$after", after);
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                var pair = PairKey(reader.GetString(3), reader.GetString(4), reader.GetString(5), reader.GetString(6), reader.GetInt64(7));
                var facets = new UnitFacets.Unit(reader.GetString(10), reader.GetString(4), reader.GetString(5), reader.GetString(6), reader.GetString(11),
                    reader.GetInt64(7), reader.GetString(1), reader.IsDBNull(12) ? null : reader.GetString(12), !reader.IsDBNull(13), !reader.IsDBNull(14));
                raw.Add((reader.GetInt64(0), reader.GetString(1), reader.GetString(2), pair,
                    reader.IsDBNull(8) ? null : (byte[])reader.GetValue(8), reader.IsDBNull(9) ? null : reader.GetString(9), facets));
            }
        }
        // Decompressing and parsing is the cost of indexing: spread over the cores, in order.
        return raw.AsParallel().AsOrdered().Select(r => new Row(r.Rid, r.Status, r.Finished, r.Pair, TranscriptText.Of(Transcript(r.Gz, r.Text)), r.Facets)).ToList();
    }

    private static string? Transcript(byte[]? gz, string? text)
    {
        if (gz is null)
        {
            return text;
        }
        try
        {
            return TranscriptCompression.Decompress(gz);
        }
        catch (InvalidDataException)
        {
            return null; // A damaged blob: the unit is listed, its transcript is not searchable (its page says it cannot be read).
        }
    }

    /// <summary>The units a paired view puts side by side share this key (all coordinates but the condition).</summary>
    public static string PairKey(string run, string checkpoint, string environment, string variant, long epoch) =>
        string.Join('\u001f', run, checkpoint, environment, variant, epoch.ToString(CultureInfo.InvariantCulture));

    private static void Write(SqliteConnection write, List<Row> rows, bool replace)
    {
        if (rows.Count == 0)
        {
            return;
        }
        using var transaction = write.BeginTransaction();
        using var doc = Prepare(write, transaction, "INSERT OR REPLACE INTO docs (rid, status, finished_at, pair) VALUES ($rid, $status, $finished, $pair);", "$rid", "$status", "$finished", "$pair");
        using var fts = Prepare(write, transaction, "INSERT INTO fts (rowid, body) VALUES ($rid, $body);", "$rid", "$body");
        using var verdict = Prepare(write, transaction, "INSERT INTO verdicts (rid, judge, verdict) VALUES ($rid, $judge, $verdict);", "$rid", "$judge", "$verdict");
        using var forgetText = Prepare(write, transaction, "DELETE FROM fts WHERE rowid = $rid;", "$rid");
        using var forgetVerdicts = Prepare(write, transaction, "DELETE FROM verdicts WHERE rid = $rid;", "$rid");
        using var facets = new UnitFacets.Writer(write, transaction);
        foreach (var row in rows)
        {
            if (replace)
            {
                Run(forgetText, row.Rid);
                Run(forgetVerdicts, row.Rid);
                facets.Forget(row.Rid);
            }
            facets.Add(row.Rid, row.Facets);
            Run(doc, row.Rid, row.Status, row.FinishedAt, row.Pair);
            Run(fts, row.Rid, row.Text.Text);
            foreach (var (judge, value) in row.Text.Verdicts)
            {
                Run(verdict, row.Rid, judge, value ? 1 : 0);
            }
        }
        transaction.Commit();
    }

    internal static SqliteCommand Prepare(SqliteConnection connection, SqliteTransaction transaction, string sql, params string[] parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var name in parameters)
        {
            command.Parameters.Add(new SqliteParameter { ParameterName = name, Value = DBNull.Value });
        }
        command.Prepare();
        return command;
    }

    internal static void Run(SqliteCommand command, params object[] values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            command.Parameters[i].Value = values[i];
        }
        command.ExecuteNonQuery();
    }

    private static long Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(command.ExecuteScalar() ?? 0L, CultureInfo.InvariantCulture);
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    public void Dispose()
    {
        _stop.Cancel();
        try
        {
            _loop?.Wait(TimeSpan.FromSeconds(30));
        }
        catch (AggregateException)
        {
            // The loop records its own errors; stopping must not throw.
        }
        _stop.Dispose();
    }
}
