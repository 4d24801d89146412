using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Scheme.Runtime.Store;

namespace Scheme.Runtime.Analysis;

/// <summary>
/// A run.db that cannot be read as a run's database: not an SQLite file, damaged (e.g. truncated), or without the
/// units table. This is bad input, reported with the file's path (exit 2), never an internal error.
/// </summary>
public sealed class RunDatabaseException(string path, string reason, Exception? inner = null)
    : Exception($"{path} is not a readable run database: {reason}", inner)
{
    public string FilePath { get; } = path;
}

/// <summary>
/// Reads the units of a run directory's <c>run.db</c> read-only, with plain SQL over the columns the analysis needs,
/// so it never creates, upgrades or locks the file (the store's own code would add tables to a file that lacks them).
/// Optional columns are used when present: <c>metrics</c> (schema 2) and <c>missing</c>, <c>indeterminate</c> (schema 4).
/// </summary>
internal static class RunDatabaseReader
{
    private static readonly string[] Required =
        ["unit_id", "run", "checkpoint", "environment", "variant", "condition", "epoch", "seed", "status", "outcomes",
         "tokens_in", "tokens_out", "cost_usd", "latency_ms", "error", "finished_at"];

    private static readonly string[] Optional = ["metrics", "missing", "indeterminate"];

    public static IEnumerable<UnitResult> Read(string path, ICollection<ResultReadError> errors)
    {
        using var connection = Open(path);
        var columns = Guarded(path, () => Columns(connection, "units"));
        if (columns.Count == 0)
        {
            throw new RunDatabaseException(path, "it has no units table.");
        }
        var absent = Required.Where(c => !columns.Contains(c)).ToList();
        if (absent.Count > 0)
        {
            throw new RunDatabaseException(path, $"its units table lacks the column{(absent.Count > 1 ? "s" : "")} {string.Join(", ", absent)}.");
        }
        var optional = Optional.Where(columns.Contains).ToList();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {string.Join(", ", Required.Concat(optional))} FROM units ORDER BY unit_id;";
        using var reader = Guarded(path, command.ExecuteReader);
        var at = optional.Select((name, i) => (name, i)).ToDictionary(p => p.name, p => Required.Length + p.i);
        long row = 0;
        while (Guarded(path, reader.Read))
        {
            row++;
            UnitResult? unit = null;
            string? error = null;
            try
            {
                unit = Unit(reader, at) with { Line = row };
            }
            catch (Exception e) when (e is JsonException or FormatException or InvalidCastException or InvalidOperationException or OverflowException)
            {
                error = $"Unreadable unit row{(reader.IsDBNull(0) ? "" : $" (unit_id {reader.GetValue(0)})")}: {e.Message}";
            }
            if (error is not null)
            {
                errors.Add(new ResultReadError(path, row, error));
            }
            else
            {
                yield return unit!;
            }
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
            : throw new RunDatabaseException(path, $"its manifest's started_at '{text}' is not a time.");
    }

    private static UnitResult Unit(SqliteDataReader reader, Dictionary<string, int> at)
    {
        string? Text(string column) => at.TryGetValue(column, out var i) && !reader.IsDBNull(i) ? reader.GetString(i) : null;
        var outcomes = JsonSerializer.Deserialize<Dictionary<string, bool>>(reader.GetString(9)) ?? [];
        var metrics = Text("metrics") is { } m ? JsonSerializer.Deserialize<Dictionary<string, double?>>(m) ?? [] : new Dictionary<string, double?>();
        var status = reader.GetString(8) switch
        {
            "done" => UnitStatus.Done,
            "failed" => UnitStatus.Failed,
            var other => throw new FormatException($"status must be 'done' or 'failed', not '{other}'."),
        };
        return new UnitResult(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
            reader.GetString(4), reader.GetString(5), reader.GetInt32(6), reader.GetInt64(7), status,
            outcomes, metrics, reader.GetInt64(10), reader.GetInt64(11),
            reader.IsDBNull(12) ? null : reader.GetDouble(12), reader.GetInt64(13),
            reader.IsDBNull(14) ? null : reader.GetString(14),
            DateTimeOffset.Parse(reader.GetString(15), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind))
        {
            Missing = Reasons(Text("missing")),
            Indeterminate = Reasons(Text("indeterminate")),
        };
    }

    /// <summary>A JSON object {name: reason}; NULL (older rows) is empty, a null reason is "".</summary>
    private static Dictionary<string, string> Reasons(string? json) =>
        json is null ? [] : (JsonSerializer.Deserialize<Dictionary<string, string?>>(json) ?? []).ToDictionary(p => p.Key, p => p.Value ?? "", StringComparer.Ordinal);

    private static SqliteConnection Open(string path)
    {
        if (!File.Exists(path))
        {
            throw new RunDatabaseException(path, "the file does not exist.");
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
            throw new RunDatabaseException(path, e.Message, e);
        }
    }

    private static HashSet<string> Columns(SqliteConnection connection, string table)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT name FROM pragma_table_info($table);";
        command.Parameters.AddWithValue("$table", table);
        using var reader = command.ExecuteReader();
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        while (reader.Read())
        {
            names.Add(reader.GetString(0));
        }
        return names;
    }

    /// <summary>Runs a step of SQLite; its errors (not a database, malformed, I/O) become <see cref="RunDatabaseException"/>.</summary>
    private static T Guarded<T>(string path, Func<T> step)
    {
        try
        {
            return step();
        }
        catch (SqliteException e)
        {
            throw new RunDatabaseException(path, e.Message, e);
        }
    }
}
