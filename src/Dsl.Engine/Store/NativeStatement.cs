using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace Scheme.Engine.Store;

/// <summary>
/// One read-only query over a run.db on its own SQLite connection, called straight through e_sqlite3 (the library
/// Microsoft.Data.Sqlite loads): what <see cref="UnitRowReader"/> reads a million rows with. Two per-call costs of the
/// usual path dominated there, each about as large as reading the row: SQLitePCL's SafeHandle reference counting on every
/// column call, and SQLite's connection mutex taken by every column call of a connection opened "serialized". This
/// connection is opened SQLITE_OPEN_NOMUTEX (it is used by one reader at a time) and its handles are plain pointers.
/// </summary>
internal sealed class NativeStatement : IDisposable
{
    public const int Row = 100, Done = 101, Null = 5;

    private const string Library = "e_sqlite3";
    private const int OpenReadOnly = 0x1, OpenNoMutex = 0x8000;

    private IntPtr _db, _statement;

    public NativeStatement(string path, string sql)
    {
        try
        {
            Check(path, sqlite3_open_v2(Utf8(path), out _db, OpenReadOnly | OpenNoMutex, IntPtr.Zero));
            Check(path, sqlite3_busy_timeout(_db, 5000));
            Check(path, sqlite3_prepare_v2(_db, Utf8(sql), -1, out _statement, IntPtr.Zero));
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>Advances to the next row: true on a row, false at the end; an SQLite error (a damaged file) throws.</summary>
    public bool Step(string path)
    {
        var code = sqlite3_step(_statement);
        if (code == Row)
        {
            return true;
        }
        if (code != Done)
        {
            Check(path, code);
        }
        return false;
    }

    public bool IsNull(int column) => sqlite3_column_type(_statement, column) == Null;

    public long Int64(int column) => sqlite3_column_int64(_statement, column);

    public double Double(int column) => sqlite3_column_double(_statement, column);

    /// <summary>The column's bytes (UTF-8 for text), valid until the next call on this statement.</summary>
    public ReadOnlySpan<byte> Bytes(int column)
    {
        var data = sqlite3_column_blob(_statement, column);
        var length = sqlite3_column_bytes(_statement, column);
        // A pointer into SQLite's row buffer, as a span without copying (and without an unsafe block).
        return data == IntPtr.Zero || length == 0 ? [] : MemoryMarshal.CreateReadOnlySpan(ref Unsafe.AddByteOffset(ref Unsafe.NullRef<byte>(), data), length);
    }

    public string Text(int column) => Encoding.UTF8.GetString(Bytes(column));

    public void Dispose()
    {
        if (_statement != IntPtr.Zero)
        {
            sqlite3_finalize(_statement);
            _statement = IntPtr.Zero;
        }
        if (_db != IntPtr.Zero)
        {
            sqlite3_close_v2(_db);
            _db = IntPtr.Zero;
        }
    }

    private void Check(string path, int code)
    {
        if (code != 0)
        {
            var message = _db == IntPtr.Zero ? $"SQLite error {code}" : Marshal.PtrToStringUTF8(sqlite3_errmsg(_db)) ?? $"SQLite error {code}";
            throw RunDatabase.Failed(path, code, $"SQLite Error {code}: '{message}'.");
        }
    }

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text + "\0");

#pragma warning disable SYSLIB1054 // DllImport, not LibraryImport: the arguments are blittable, and LibraryImport needs unsafe code.
    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    private static extern int sqlite3_open_v2(byte[] filename, out IntPtr db, int flags, IntPtr vfs);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    private static extern int sqlite3_busy_timeout(IntPtr db, int milliseconds);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    private static extern int sqlite3_prepare_v2(IntPtr db, byte[] sql, int bytes, out IntPtr statement, IntPtr tail);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    private static extern int sqlite3_step(IntPtr statement);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    private static extern int sqlite3_column_type(IntPtr statement, int column);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    private static extern long sqlite3_column_int64(IntPtr statement, int column);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    private static extern double sqlite3_column_double(IntPtr statement, int column);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    private static extern IntPtr sqlite3_column_blob(IntPtr statement, int column);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    private static extern int sqlite3_column_bytes(IntPtr statement, int column);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    private static extern int sqlite3_finalize(IntPtr statement);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    private static extern int sqlite3_close_v2(IntPtr db);

    [DllImport(Library, CallingConvention = CallingConvention.Cdecl)]
    private static extern IntPtr sqlite3_errmsg(IntPtr db);
#pragma warning restore SYSLIB1054
}
