using Microsoft.Data.Sqlite;
using Scheme.Engine.Store;

namespace Scheme.Viewer.Data;

/// <summary>
/// The viewer's connections: run.db opened read-only (never created, upgraded or locked for writing), with the search
/// index (view-index.db) attached as <c>vi</c>, read-only too. Connections are kept open in a small pool: opening one
/// parses both schemas, which costs more than a page query.
/// </summary>
public sealed class RunFiles : IDisposable
{
    private readonly System.Collections.Concurrent.ConcurrentBag<SqliteConnection> _pool = [];
    private bool _disposed;

    public RunFiles(string runDirectory, string indexPath)
    {
        RunDirectory = runDirectory;
        DatabasePath = Path.Combine(runDirectory, SqliteRunStore.FileName);
        IndexPath = indexPath;
    }

    public string RunDirectory { get; }

    public string DatabasePath { get; }

    public string IndexPath { get; }

    /// <summary>A connection for one request; dispose the lease to return it.</summary>
    public Lease Read()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!_pool.TryTake(out var connection))
        {
            connection = OpenReadOnly(DatabasePath);
            using var attach = connection.CreateCommand();
            attach.CommandText = "ATTACH DATABASE $path AS vi;";
            attach.Parameters.AddWithValue("$path", IndexPath);
            attach.ExecuteNonQuery();
        }
        return new Lease(this, connection);
    }

    public static SqliteConnection OpenReadOnly(string path)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadOnly,
            Pooling = false,
            DefaultTimeout = 30,
        }.ToString());
        connection.Open();
        using var pragma = connection.CreateCommand();
        pragma.CommandText = "PRAGMA busy_timeout = 5000; PRAGMA query_only = 1;";
        pragma.ExecuteNonQuery();
        return connection;
    }

    public void Dispose()
    {
        _disposed = true;
        while (_pool.TryTake(out var connection))
        {
            connection.Dispose();
        }
    }

    public readonly struct Lease(RunFiles owner, SqliteConnection connection) : IDisposable
    {
        public SqliteConnection Connection { get; } = connection;

        public void Dispose()
        {
            if (owner._disposed || owner._pool.Count >= 8)
            {
                Connection.Dispose();
            }
            else
            {
                owner._pool.Add(Connection);
            }
        }
    }
}
