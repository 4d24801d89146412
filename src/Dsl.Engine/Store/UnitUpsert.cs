using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Scheme.Engine.Store;

/// <summary>
/// The group commit's statement: the units upsert prepared once and driven through SQLite's own API (bind by index,
/// step, reset), one transaction per group. ADO.NET's command looks every parameter up by name on every execution,
/// which cost more than SQLite's insert itself at a million units.
/// </summary>
/// <remarks>Used only by the store's writer, under the store's connection lock, so no other command of the connection
/// runs inside its transaction.</remarks>
internal sealed class UnitUpsert : IDisposable
{
    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _statement;

    public UnitUpsert(SqliteConnection connection, string sql)
    {
        _db = connection.Handle ?? throw new InvalidOperationException("The store's connection is not open.");
        Check(raw.sqlite3_prepare_v2(_db, sql, out _statement));
    }

    /// <summary>Writes the rows (values in parameter order) in one transaction, or none of them.</summary>
    public void Write(List<object[]> rows)
    {
        Exec("BEGIN IMMEDIATE;");
        try
        {
            foreach (var row in rows)
            {
                for (var i = 0; i < row.Length; i++)
                {
                    Check(Bind(i + 1, row[i]));
                }
                var step = raw.sqlite3_step(_statement);
                var reset = raw.sqlite3_reset(_statement);
                Check(step == raw.SQLITE_DONE ? reset : step);
            }
            Exec("COMMIT;");
        }
        catch
        {
            // SQLite may have rolled back already (a full disk during COMMIT); then ROLLBACK fails, which changes nothing.
            raw.sqlite3_reset(_statement);
            raw.sqlite3_exec(_db, "ROLLBACK;");
            throw;
        }
    }

    private int Bind(int index, object value) => value switch
    {
        string text => raw.sqlite3_bind_text(_statement, index, text),
        long number => raw.sqlite3_bind_int64(_statement, index, number),
        int number => raw.sqlite3_bind_int64(_statement, index, number),
        double number => raw.sqlite3_bind_double(_statement, index, number),
        byte[] bytes => raw.sqlite3_bind_blob(_statement, index, bytes),
        DBNull => raw.sqlite3_bind_null(_statement, index),
        _ => throw new ArgumentException($"No SQLite binding for {value.GetType().Name}.", nameof(value)),
    };

    private void Exec(string sql) => Check(raw.sqlite3_exec(_db, sql));

    private void Check(int rc)
    {
        if (rc is not (raw.SQLITE_OK or raw.SQLITE_DONE or raw.SQLITE_ROW))
        {
            SqliteException.ThrowExceptionForRC(rc, _db);
        }
    }

    public void Dispose() => _statement.Dispose();
}
