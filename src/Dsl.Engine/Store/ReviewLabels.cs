using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Scheme.Engine.Store;

/// <summary>
/// Human review labels in a run's <c>run.db</c> (table <c>review_labels</c>, schema 6): appended by the viewer or the
/// runner's review command, read by analyses and exports. Append-only: triggers refuse UPDATE and DELETE, so a label,
/// once written, is part of the run's record like its units.
/// </summary>
public static class ReviewLabels
{
    public const string Table = "review_labels";

    /// <summary>Longest reviewer name and note kept; longer input is refused, never cut silently.</summary>
    public const int MaxReviewerLength = 100;
    public const int MaxNoteLength = 10_000;

    internal const string CreateSql = $"""
        CREATE TABLE IF NOT EXISTS {Table} (
            seq      INTEGER PRIMARY KEY AUTOINCREMENT,
            unit_id  TEXT NOT NULL,
            outcome  TEXT NOT NULL,
            verdict  TEXT NOT NULL CHECK (verdict IN ('confirmed', 'rejected', 'unclear')),
            reviewer TEXT NOT NULL,
            note     TEXT,
            at       TEXT NOT NULL
        );
        CREATE INDEX IF NOT EXISTS review_labels_unit ON {Table} (unit_id, outcome);
        CREATE TRIGGER IF NOT EXISTS review_labels_no_update BEFORE UPDATE ON {Table}
            BEGIN SELECT RAISE(ABORT, 'review labels are append-only'); END;
        CREATE TRIGGER IF NOT EXISTS review_labels_no_delete BEFORE DELETE ON {Table}
            BEGIN SELECT RAISE(ABORT, 'review labels are append-only'); END;
        """;

    /// <summary>
    /// Why a label cannot be stored (a reviewer name that is empty, too long or has control characters; a note too
    /// long; an outcome that is not a name), or null when it can. The unit's existence is checked by <see cref="SqliteRunStore.AppendReviewLabel"/>.
    /// </summary>
    public static string? Problem(string unitId, string outcome, string reviewer, string? note)
    {
        if (string.IsNullOrWhiteSpace(reviewer))
        {
            return "A review label needs a reviewer's name.";
        }
        if (reviewer.Length > MaxReviewerLength || reviewer.Any(char.IsControl))
        {
            return $"A reviewer's name has at most {MaxReviewerLength} characters and no control characters.";
        }
        if (reviewer.Trim() != reviewer)
        {
            // "alice " would be a second reviewer beside "alice" and give one person two votes.
            return "A reviewer's name has no leading or trailing spaces.";
        }
        if (note is { Length: > MaxNoteLength })
        {
            return $"A review note has at most {MaxNoteLength} characters.";
        }
        if (outcome is null || outcome.Length is 0 or > 200 || !outcome.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
        {
            return $"'{outcome}' is not an outcome name.";
        }
        return string.IsNullOrEmpty(unitId) ? "A review label needs a unit id." : null;
    }

    /// <summary>Every label of the run, in the order they were stored; empty for a run.db without labels (older schemas).</summary>
    public static IReadOnlyList<ReviewLabel> Read(string databasePath)
    {
        using var connection = RunDatabase.Open(databasePath);
        return Read(connection, databasePath);
    }

    /// <summary>The sequence number of the last label stored (0 when there is none): changes whenever a label is added.</summary>
    public static long LastSequence(string databasePath)
    {
        using var connection = RunDatabase.Open(databasePath);
        if (RunDatabase.Columns(connection, Table).Count == 0)
        {
            return 0;
        }
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT COALESCE(MAX(seq), 0) FROM {Table};";
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    internal static IReadOnlyList<ReviewLabel> Read(SqliteConnection connection, string path)
    {
        var labels = new List<ReviewLabel>();
        if (RunDatabase.Columns(connection, Table).Count == 0)
        {
            return labels;
        }
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT seq, unit_id, outcome, verdict, reviewer, note, at FROM {Table} ORDER BY seq;";
        try
        {
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                if (!ReviewLabel.TryParse(reader.GetString(3), out var verdict))
                {
                    throw RunDatabase.Unreadable(path, $"review label {reader.GetInt64(0)} has the verdict '{reader.GetString(3)}'.");
                }
                labels.Add(new ReviewLabel(reader.GetString(1), reader.GetString(2), verdict, reader.GetString(4),
                    reader.IsDBNull(5) ? null : reader.GetString(5),
                    DateTimeOffset.Parse(reader.GetString(6), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind), reader.GetInt64(0)));
            }
        }
        catch (Exception e) when (e is SqliteException or FormatException or InvalidCastException)
        {
            throw RunDatabase.Unreadable(path, $"its review labels cannot be read ({e.Message}).", e);
        }
        return labels;
    }

    /// <summary>
    /// The labels analyses use: per (unit, outcome, reviewer) the latest one. Earlier labels stay in the store (the
    /// history a viewer shows) but a reviewer who changed their mind counts once, with their last verdict.
    /// </summary>
    /// <remarks>
    /// Reviewers are one person whatever the case of their name ("Alice" and "alice"), so nobody votes twice or is
    /// compared with themselves; each is named by the spelling of their first label.
    /// </remarks>
    public static IReadOnlyList<ReviewLabel> Current(IEnumerable<ReviewLabel> labels)
    {
        var ordered = labels.OrderBy(l => l.Sequence).ToList();
        var spelling = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var label in ordered)
        {
            spelling.TryAdd(label.Reviewer, label.Reviewer);
        }
        return ordered.Select(l => l with { Reviewer = spelling[l.Reviewer] })
            .GroupBy(l => (l.UnitId, l.Outcome, l.Reviewer))
            .Select(g => g.MaxBy(l => l.Sequence)!)
            .OrderBy(l => l.Sequence)
            .ToList();
    }
}
