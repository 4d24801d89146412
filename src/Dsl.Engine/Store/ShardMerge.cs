using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Scheme.Engine.Design;

namespace Scheme.Engine.Store;

/// <summary>Why <see cref="ShardMerge"/> refused: each is a code of the runner's <c>merge</c> command.</summary>
public enum MergeRefusal
{
    NotAShard,
    ExperimentDiffers,
    ShardSetDiffers,
    PlanDiffers,
    MissingShard,
    Overlap,
    WrongShard,
    LockDiffers,
    SimulatedMixed,
    OutHoldsRun,
}

/// <summary>A merge refused before anything was written (or with everything written so far removed).</summary>
public sealed class MergeRefusedException(MergeRefusal reason, string message) : Exception(message)
{
    public MergeRefusal Reason { get; } = reason;
}

/// <summary>What a merge wrote: units per status, labels, and the shards' directories in index order.</summary>
public sealed record MergeSummary(long Units, long Done, long Failed, long Labels, IReadOnlyList<string> Shards, IReadOnlyList<int> UnfinishedShards,
    double SpentUsd = 0);

/// <summary>
/// Joins the run directories of every shard of a run (<c>run --shard I/N</c>) into one run directory, which analyses,
/// exports, reports and the viewer read as any other run.
/// </summary>
/// <remarks>
/// Everything is checked from the shards' manifests before anything is written: one experiment and hash, one shard
/// count, every shard exactly once, one preregistration lock, all simulated or all live, and an output that holds no
/// run. Rows are then copied by SQLite itself (<c>ATTACH</c> and <c>INSERT ... SELECT</c>, one transaction), never
/// through memory, so a million units merge in seconds; a unit id present in two shards fails the insert (the primary
/// key) and refuses the merge. The new database is built in a temporary folder inside the output and renamed to
/// <c>run.db</c> only when complete: a merge that is killed or refused leaves no run behind, only that folder (its name
/// starts with <c>.merge-</c>), which is safe to delete.
/// Provenance: <c>merged_from</c> holds each shard's directory and manifest (runtime version, git commit, command line,
/// start and end) and its counts; <c>unit_shard</c> holds each unit's shard. The merged manifest starts when the earliest
/// shard started, since preregistration compares the lock with the run's first unit.
/// </remarks>
public static class ShardMerge
{
    internal const string CreateSql = """
        CREATE TABLE IF NOT EXISTS merged_from (
            shard_index      INTEGER PRIMARY KEY,
            shard_count      INTEGER NOT NULL,
            directory        TEXT NOT NULL,
            experiment       TEXT NOT NULL,
            hash             TEXT NOT NULL,
            compiler_version TEXT NOT NULL,
            git_commit       TEXT,
            arguments        TEXT NOT NULL,
            started_at       TEXT NOT NULL,
            ended_at         TEXT,
            units            INTEGER NOT NULL,
            done             INTEGER NOT NULL,
            failed           INTEGER NOT NULL,
            labels           INTEGER NOT NULL
        );
        CREATE TABLE IF NOT EXISTS unit_shard (unit_id TEXT PRIMARY KEY, shard_index INTEGER NOT NULL) WITHOUT ROWID;
        """;

    /// <summary>Reads and checks the shards; <see cref="MergeRefusedException"/> says what is wrong. Writes nothing.</summary>
    /// <param name="planOf">What a shard's stored command line selects (run, checkpoints, environments, limit, offline), as
    /// comparable text, or null when it cannot be read; the runner gives it, since the command line is its own.</param>
    public static IReadOnlyList<(string Directory, RunManifest Manifest)> Check(string outDirectory, IReadOnlyList<string> directories, string? experiment = null,
        Func<RunManifest, string?>? planOf = null)
    {
        if (directories.Count == 0)
        {
            throw new MergeRefusedException(MergeRefusal.NotAShard, "merge needs the shard directories to join.");
        }
        var shards = new List<(string Directory, RunManifest Manifest)>();
        foreach (var directory in directories)
        {
            var database = Path.Combine(directory, SqliteRunStore.FileName);
            if (!File.Exists(database))
            {
                throw new MergeRefusedException(MergeRefusal.NotAShard, $"{directory} is not a run directory (no {SqliteRunStore.FileName}).");
            }
            RunManifest? manifest;
            try
            {
                manifest = RunDatabase.ReadManifest(database);
            }
            catch (InvalidDataException e)
            {
                throw new MergeRefusedException(MergeRefusal.NotAShard, e.Message);
            }
            if (manifest?.Shard is null)
            {
                throw new MergeRefusedException(MergeRefusal.NotAShard, manifest is null
                    ? $"{directory} has no manifest: it is not a shard of a run."
                    : $"{directory} holds a whole run, not a shard (run --shard I/N writes shard directories).");
            }
            shards.Add((directory, manifest));
        }
        var (first, reference) = shards[0];
        foreach (var (directory, manifest) in shards)
        {
            if (manifest.Experiment != reference.Experiment || manifest.Hash != reference.Hash)
            {
                throw new MergeRefusedException(MergeRefusal.ExperimentDiffers,
                    $"{directory} is a shard of {manifest.Experiment} ({manifest.Hash}), {first} of {reference.Experiment} ({reference.Hash}): " +
                    "shards of different experiments, or of the same experiment changed between shards, cannot be one run.");
            }
            if (manifest.Shard!.Count != reference.Shard!.Count)
            {
                throw new MergeRefusedException(MergeRefusal.ShardSetDiffers,
                    $"{directory} is shard {manifest.Shard} but {first} is shard {reference.Shard}: the shards of one run share their count.");
            }
        }
        if (experiment is not null && reference.Experiment != experiment)
        {
            throw new MergeRefusedException(MergeRefusal.ExperimentDiffers,
                $"{first} holds shards of {reference.Experiment}, not of this runner's {experiment}: merge them with that experiment's runner.");
        }
        foreach (var group in shards.GroupBy(s => s.Manifest.Shard!.Index).Where(g => g.Count() > 1))
        {
            throw new MergeRefusedException(MergeRefusal.ShardSetDiffers,
                $"shard {group.First().Manifest.Shard} is given twice: {string.Join(" and ", group.Select(s => s.Directory))}.");
        }
        var count = reference.Shard!.Count;
        var missing = Enumerable.Range(0, count).Except(shards.Select(s => s.Manifest.Shard!.Index)).ToList();
        if (missing.Count > 0)
        {
            // Trimmed: for `merge OUT run/shard-0-of-3/ ...` the parent is run, not the shard itself.
            var parent = Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(first))) ?? ".";
            throw new MergeRefusedException(MergeRefusal.MissingShard, string.Join("; ", missing.Take(10).Select(i =>
                string.Create(CultureInfo.InvariantCulture, $"missing shard {i} of {count} (expected {Path.Combine(parent, new ShardSpec(i, count).DirectoryName)})"))) +
                (missing.Count > 10 ? $"; and {missing.Count - 10} more" : "") + ".");
        }
        foreach (var (directory, manifest) in shards.Where(s => s.Manifest.PreregistrationHash != reference.PreregistrationHash))
        {
            throw new MergeRefusedException(MergeRefusal.LockDiffers,
                $"{directory} ran under the preregistration lock {manifest.PreregistrationHash ?? "(unrecorded)"}, {first} under " +
                $"{reference.PreregistrationHash ?? "(unrecorded)"}: a run has one lock. Rerun the odd shard under the run's lock.");
        }
        foreach (var (directory, manifest) in shards.Where(s => s.Manifest.IsSimulated != reference.IsSimulated))
        {
            throw new MergeRefusedException(MergeRefusal.SimulatedMixed,
                $"{(manifest.IsSimulated ? directory : first)} is SIMULATED and {(manifest.IsSimulated ? first : directory)} is live: " +
                "simulated and live units are never one run.");
        }
        if (planOf is not null)
        {
            // After the simulated check (an --offline shard among live ones says SCH9057). Shards of one run split one plan: a shard run with another --run, --checkpoint, --environment, --limit or
            // --offline holds units of another plan, and the merge would be neither.
            var plan = planOf(reference);
            foreach (var (directory, manifest) in shards)
            {
                if (planOf(manifest) is var other && other != plan)
                {
                    throw new MergeRefusedException(MergeRefusal.PlanDiffers,
                        $"{directory} ran the selection {other ?? "(unreadable)"}, {first} ran {plan ?? "(unreadable)"}: the shards of one run share one plan. " +
                        "Rerun the odd shard with the run's options.");
                }
            }
        }
        if (File.Exists(Path.Combine(outDirectory, SqliteRunStore.FileName)))
        {
            throw new MergeRefusedException(MergeRefusal.OutHoldsRun,
                $"{outDirectory} already holds a run ({SqliteRunStore.FileName}): merge into a new directory.");
        }
        return shards.OrderBy(s => s.Manifest.Shard!.Index).ToList();
    }

    /// <summary>Checks (<see cref="Check"/>) and merges the shards into <paramref name="outDirectory"/>.</summary>
    /// <param name="arguments">The merge's command line, for the merged manifest.</param>
    public static MergeSummary Merge(string outDirectory, IReadOnlyList<string> directories, IReadOnlyList<string> arguments, string? experiment = null,
        Func<RunManifest, string?>? planOf = null, IReadOnlySet<string>? simulatedCheckpoints = null)
    {
        var shards = Check(outDirectory, directories, experiment, planOf);
        // No runner may write a shard while it is copied (a shard still running would merge half done).
        var claims = new List<RunDirectoryLock>();
        try
        {
            foreach (var (directory, _) in shards)
            {
                RunDirectoryLock? claim;
                try
                {
                    claim = RunDirectoryLock.TryAcquire(directory);
                }
                catch (UnauthorizedAccessException)
                {
                    // A read-only shard (an archived copy) cannot be locked, and no runner of this user writes it either.
                    continue;
                }
                claims.Add(claim ?? throw new MergeRefusedException(MergeRefusal.NotAShard,
                    $"A runner is still using {directory} (it holds {Path.Combine(directory, RunDirectoryLock.FileName)}): wait for it to finish, then merge."));
            }
            using var outClaim = RunDirectoryLock.TryAcquire(outDirectory) ?? throw new MergeRefusedException(MergeRefusal.OutHoldsRun,
                $"Another runner or merge is using {outDirectory}.");
            return Write(outDirectory, shards, arguments, simulatedCheckpoints);
        }
        finally
        {
            claims.ForEach(c => c.Dispose());
        }
    }

    private static MergeSummary Write(string outDirectory, IReadOnlyList<(string Directory, RunManifest Manifest)> shards, IReadOnlyList<string> arguments,
        IReadOnlySet<string>? simulatedCheckpoints)
    {
        var temporary = Path.Combine(outDirectory, ".merge-" + Guid.NewGuid().ToString("N"));
        try
        {
            var manifests = shards.Select(s => s.Manifest).ToList();
            var first = manifests[0];
            using (var store = SqliteRunStore.Open(temporary))
            {
                store.WriteManifest(new RunManifest(first.Experiment, first.Hash, BuildInfo.CompilerVersion(), BuildInfo.GitCommit(), arguments,
                    manifests.Min(m => m.StartedAt),
                    manifests.All(m => m.EndedAt is not null) ? manifests.Max(m => m.EndedAt) : null,
                    first.PreregistrationHash, first.PreregistrationLockPath, first.Simulated ?? first.IsSimulated));
            }
            var summary = Copy(Path.Combine(temporary, SqliteRunStore.FileName), shards, simulatedCheckpoints);
            // Renamed only when complete: before this line there is no run in the output, after it a whole one.
            File.Move(Path.Combine(temporary, SqliteRunStore.FileName), Path.Combine(outDirectory, SqliteRunStore.FileName));
            // What the shards paid, as any run directory says it (the spend table holds it too, for --max-cost and the report).
            SpentFile.Write(outDirectory, summary.SpentUsd);
            return summary;
        }
        finally
        {
            if (Directory.Exists(temporary))
            {
                Directory.Delete(temporary, recursive: true);
            }
        }
    }

    /// <remarks>One transaction per shard (SQLite detaches a database only outside a transaction, and attaches at most
    /// ten at once): the merge is atomic by the final rename, not by a transaction.</remarks>
    private static MergeSummary Copy(string database, IReadOnlyList<(string Directory, RunManifest Manifest)> shards, IReadOnlySet<string>? simulatedCheckpoints)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = database, Pooling = false }.ToString());
        connection.Open();
        // No journal and no sync while copying: the file is a temporary one, thrown away whole if anything fails, and
        // synced once at the end before it is renamed into place (a third of the time at a million units).
        Execute(connection, "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA cache_size=-65536;");
        long units = 0, done = 0, failed = 0, labels = 0;
        var unfinished = new List<int>();
        foreach (var (directory, manifest) in shards)
        {
            var index = manifest.Shard!.Index;
            Execute(connection, "ATTACH DATABASE $path AS shard;", ("$path", Path.Combine(directory, SqliteRunStore.FileName)));
            try
            {
                using var transaction = connection.BeginTransaction();
                var present = RunDatabase.Columns(connection, "units");
                var theirs = RunDatabase.Columns(connection, "shard", "units");
                var columns = string.Join(", ", UnitColumns.Stored.Select(c => c.Name).Where(c => present.Contains(c) && theirs.Contains(c)));
                // Every unit must be one its shard draws (ShardSpec.Contains): a unit of another shard copied in (or a shard
                // directory renamed) would otherwise merge, and hide the shard it belongs to. Checked by SQLite calling back
                // over the ids, streamed, before the copy.
                var spec = manifest.Shard;
                connection.CreateFunction("scheme_in_shard", (string id) => spec.Contains(id), isDeterministic: true);
                var strangers = Ids(connection, "SELECT unit_id FROM shard.units WHERE NOT scheme_in_shard(unit_id) LIMIT 3;");
                if (strangers.Count > 0)
                {
                    throw new MergeRefusedException(MergeRefusal.WrongShard, $"{directory} is shard {spec} but holds units of other shards, e.g. " +
                        string.Join(", ", strangers) + ": was a shard's run.db copied or renamed? Each shard directory must hold only its own units.");
                }
                // The manifests agree (Check), but a shard re-run live into a directory of simulated units says live while its
                // rows are simulated: each row's mark must be its manifest's, except a live run's units of checkpoints that
                // are simulated by declaration (provider: simulated), which are simulated in any run.
                if (theirs.Contains(UnitColumns.Simulated) && (manifest.IsSimulated || simulatedCheckpoints is not null))
                {
                    var declared = simulatedCheckpoints ?? new HashSet<string>();
                    connection.CreateFunction("scheme_simulated_checkpoint", (string checkpoint) => declared.Contains(checkpoint), isDeterministic: true);
                    var odd = Ids(connection, manifest.IsSimulated
                        ? "SELECT unit_id FROM shard.units WHERE simulated = 0 LIMIT 3;"
                        : "SELECT unit_id FROM shard.units WHERE simulated = 1 AND NOT scheme_simulated_checkpoint(checkpoint) LIMIT 3;");
                    if (odd.Count > 0)
                    {
                        throw new MergeRefusedException(MergeRefusal.SimulatedMixed, $"{directory} is {(manifest.IsSimulated ? "SIMULATED" : "live")} but holds " +
                            $"{(manifest.IsSimulated ? "live" : "simulated")} units, e.g. {string.Join(", ", odd)} (was it run {(manifest.IsSimulated ? "offline" : "live")} " +
                            "into a directory of the other kind?): simulated and live units are never one run. Rerun that shard into a new directory.");
                    }
                }
                try
                {
                    // In id order (the shard's primary key), so the merged index grows in order rather than at random places.
                    Execute(connection, $"INSERT INTO main.units ({columns}) SELECT {columns} FROM shard.units ORDER BY unit_id;");
                }
                catch (SqliteException e) when (e.SqliteErrorCode == 19) // SQLITE_CONSTRAINT: a unit id already copied from another shard
                {
                    throw new MergeRefusedException(MergeRefusal.Overlap, $"{directory} holds units that another shard holds too, e.g. " +
                        string.Join(", ", Overlapping(connection)) + ": the shards of one run never overlap (was a shard directory copied, or renamed?).");
                }
                Execute(connection, "INSERT INTO main.unit_shard (unit_id, shard_index) SELECT unit_id, $index FROM shard.units ORDER BY unit_id;", ("$index", index));
                var (shardUnits, shardDone, shardFailed) = Counts(connection);
                long shardLabels = 0;
                if (RunDatabase.Columns(connection, "shard", ReviewLabels.Table).Count > 0)
                {
                    shardLabels = Execute(connection, $"INSERT INTO main.{ReviewLabels.Table} (unit_id, outcome, verdict, reviewer, note, at) " +
                        $"SELECT unit_id, outcome, verdict, reviewer, note, at FROM shard.{ReviewLabels.Table} ORDER BY seq;");
                }
                if (RunDatabase.Columns(connection, "shard", RunSpend.Table).Count > 0)
                {
                    // Every session of every shard, keyed by its shard too (sessions are unique per process, the prefix says
                    // where each was paid): the merged run's total is what the shards paid.
                    Execute(connection, $"INSERT INTO main.{RunSpend.Table} (session, started_at, updated_at, micro_usd) " +
                        $"SELECT 'shard-' || $index || '-of-' || $count || '/' || session, started_at, updated_at, micro_usd FROM shard.{RunSpend.Table} ORDER BY session;",
                        ("$index", index), ("$count", manifest.Shard.Count));
                }
                Execute(connection, """
                    INSERT INTO main.merged_from (shard_index, shard_count, directory, experiment, hash, compiler_version, git_commit, arguments,
                        started_at, ended_at, units, done, failed, labels)
                    VALUES ($index, $count, $directory, $experiment, $hash, $compiler, $commit, $arguments, $started, $ended, $units, $done, $failed, $labels);
                    """,
                    ("$index", index), ("$count", manifest.Shard.Count), ("$directory", Path.GetFullPath(directory)), ("$experiment", manifest.Experiment),
                    ("$hash", manifest.Hash), ("$compiler", manifest.CompilerVersion), ("$commit", manifest.GitCommit),
                    ("$arguments", JsonSerializer.Serialize(manifest.Arguments)), ("$started", manifest.StartedAt.ToString("O", CultureInfo.InvariantCulture)),
                    ("$ended", manifest.EndedAt?.ToString("O", CultureInfo.InvariantCulture)), ("$units", shardUnits), ("$done", shardDone),
                    ("$failed", shardFailed), ("$labels", shardLabels));
                transaction.Commit();
                units += shardUnits;
                done += shardDone;
                failed += shardFailed;
                labels += shardLabels;
                if (manifest.EndedAt is null)
                {
                    unfinished.Add(index);
                }
            }
            finally
            {
                Execute(connection, "DETACH DATABASE shard;");
            }
        }
        var spent = RunSpend.Total(connection, null);
        // A self-contained file in the store's ordinary mode (no -wal beside it) before the rename.
        Execute(connection, "PRAGMA journal_mode=DELETE;");
        connection.Close();
        using (var file = new FileStream(database, FileMode.Open, FileAccess.ReadWrite, FileShare.None))
        {
            file.Flush(flushToDisk: true);
        }
        return new MergeSummary(units, done, failed, labels, shards.Select(s => s.Directory).ToList(), unfinished, spent);
    }

    private static IEnumerable<string> Overlapping(SqliteConnection connection) =>
        Ids(connection, "SELECT s.unit_id FROM shard.units s JOIN main.units m ON m.unit_id = s.unit_id LIMIT 3;");

    private static List<string> Ids(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var ids = new List<string>();
        while (reader.Read())
        {
            ids.Add(reader.GetString(0));
        }
        return ids;
    }

    private static (long Units, long Done, long Failed) Counts(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*), COALESCE(SUM(status = 'done'), 0), COALESCE(SUM(status = 'failed'), 0) FROM shard.units;";
        using var reader = command.ExecuteReader();
        reader.Read();
        return (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2));
    }

    private static int Execute(SqliteConnection connection, string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }
        return command.ExecuteNonQuery();
    }
}
