using Scheme.Engine.Store;
using Scheme.Model;

namespace Scheme.Analysis;

/// <summary>
/// Where analyses read unit rows from: a JSONL export (<see cref="UnitJsonl"/>, streamed) or a run directory's
/// run.db (<see cref="RunDatabase"/>, read-only). One row type, <see cref="UnitRecord"/>, whatever the source.
/// </summary>
public static class ResultReader
{
    /// <summary>Reads a JSONL export. Blank lines are allowed; errors are added to <paramref name="errors"/>.</summary>
    /// <remarks>Both readers run a few thousand rows ahead of the analysis on a second thread (<see cref="ReadAhead"/>),
    /// in the same order, so the analysis is the same and a million rows take the reading's time rather than the sum.</remarks>
    public static IEnumerable<UnitRecord> ReadJsonl(string path, ICollection<UnitReadError> errors) => ReadAhead.Of(UnitJsonl.Read(path, errors));

    /// <summary>
    /// Reads the units table of a run directory's run.db, read-only. A row that cannot be read is reported through
    /// <paramref name="errors"/>; a file that is not a readable run database throws <see cref="InvalidDataException"/>
    /// (bad input) when enumerated.
    /// </summary>
    public static IEnumerable<UnitRecord> ReadRunDirectory(string runDirectory, ICollection<UnitReadError> errors) =>
        ReadAhead.Of(RunDatabase.ReadUnits(Path.Combine(runDirectory, SqliteRunStore.FileName), errors));

    /// <summary>When the run in this directory started, from its manifest (read-only); null without one.</summary>
    public static DateTimeOffset? ReadRunStart(string runDirectory) =>
        RunDatabase.StartedAt(Path.Combine(runDirectory, SqliteRunStore.FileName));
}
