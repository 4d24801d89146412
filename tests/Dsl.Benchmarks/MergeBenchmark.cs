using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Scheme.Engine.Design;
using Scheme.Engine.Store;
using Scheme.Runtime.Cli;

namespace Scheme.Benchmarks;

/// <summary>
/// <c>merge-1m [shards]</c>: the runner's <c>merge</c> of N shard run directories (default 4) holding together 1,000,000
/// offline units of <see cref="AnalysisBenchmark.Experiment"/> (the split of <c>run --shard</c>, rows as an offline run
/// stores them, without transcripts). The shards are generated first with bulk SQL and kept in the temp folder for
/// reruns; the merged run is written anew each time. Prints wall time, CPU and peak memory of the merge (which copies
/// rows inside SQLite, so memory must not grow with the units; the peak covers the generation too when it ran).
/// </summary>
public sealed class MergeSuite : IBenchmarkSuite
{
    public string Name => "merge-1m";

    public string Description => "merge shard run directories holding 1,000,000 units: wall, CPU, peak memory";

    public Task<int> RunAsync(string[] args)
    {
        var shards = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 4;
        var experiment = AnalysisBenchmark.Experiment();
        var root = Path.Combine(Path.GetTempPath(), $"scheme-merge-1m-{shards}");
        var directories = Enumerable.Range(0, shards).Select(i => Path.Combine(root, new ShardSpec(i, shards).DirectoryName)).ToList();
        if (!directories.All(d => File.Exists(Path.Combine(d, SqliteRunStore.FileName))))
        {
            var generate = Stopwatch.StartNew();
            Generate(experiment, root, shards);
            Console.WriteLine($"Generated {shards} shards in {root} in {generate.Elapsed.TotalSeconds:F1} s");
        }
        var merged = Path.Combine(root, "merged");
        if (Directory.Exists(merged))
        {
            Directory.Delete(merged, recursive: true);
        }
        GC.Collect();
        using var process = Process.GetCurrentProcess();
        var cpu = process.TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        var output = new StringWriter();
        var errors = new StringWriter();
        var exit = RunnerHost.Run(["merge", merged, .. directories], experiment, output, errors, CancellationToken.None);
        clock.Stop();
        process.Refresh();
        Console.Write(output.ToString() + errors);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"merge-1m: exit {exit}, {shards} shards, wall {clock.Elapsed.TotalSeconds:F2} s, CPU {(process.TotalProcessorTime - cpu).TotalSeconds:F2} s, " +
            $"peak working set {process.PeakWorkingSet64 / 1_048_576.0:F0} MB (the process), run.db {new FileInfo(Path.Combine(merged, SqliteRunStore.FileName)).Length / 1_048_576.0:F0} MB, {Environment.ProcessorCount} cores"));
        return Task.FromResult(exit);
    }

    /// <summary>One shard directory per index, each with its manifest and its units, inserted in one transaction.</summary>
    private static void Generate(Scheme.Model.ExperimentDefinition experiment, string root, int shards)
    {
        var hash = ExperimentHash.Compute(experiment);
        var connections = new List<(SqliteConnection Connection, SqliteTransaction Transaction, SqliteCommand Insert)>();
        for (var i = 0; i < shards; i++)
        {
            var directory = Path.Combine(root, new ShardSpec(i, shards).DirectoryName);
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
            using (var store = SqliteRunStore.Open(directory))
            {
                store.WriteManifest(new RunManifest(experiment.Name, hash, "bench", null, ["run", "--offline", "--shard", $"{i}/{shards}", "--out", root],
                    DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, RunManifest.NoLock, null, true, new ShardSpec(i, shards)));
            }
            var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Path.Combine(directory, SqliteRunStore.FileName), Pooling = false }.ToString());
            connection.Open();
            using (var pragma = connection.CreateCommand())
            {
                pragma.CommandText = "PRAGMA synchronous=OFF;";
                pragma.ExecuteNonQuery();
            }
            var transaction = connection.BeginTransaction();
            var insert = connection.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = "INSERT INTO units (unit_id, run, checkpoint, environment, variant, condition, epoch, seed, status, outcomes, metrics, " +
                "tokens_in, tokens_out, cost_usd, latency_ms, finished_at, simulated) VALUES ($id, $run, $checkpoint, $environment, $variant, $condition, " +
                "$epoch, $seed, 'done', $outcomes, $metrics, 0, 0, NULL, 0, $finished, 1);";
            foreach (var name in (string[])["$id", "$run", "$checkpoint", "$environment", "$variant", "$condition", "$epoch", "$seed", "$outcomes", "$metrics", "$finished"])
            {
                insert.Parameters.Add(new SqliteParameter(name, DBNull.Value));
            }
            insert.Prepare();
            connections.Add((connection, transaction, insert));
        }
        var finished = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture);
        foreach (var unit in experiment.Runs.SelectMany(r => DesignExpander.Expand(experiment, r)))
        {
            var covert = (unit.Seed & 7) == 0;
            var p = connections[ShardSpec.Of(unit.Id, shards)].Insert.Parameters;
            p["$id"].Value = unit.Id;
            p["$run"].Value = unit.Run;
            p["$checkpoint"].Value = unit.Checkpoint;
            p["$environment"].Value = unit.Environment;
            p["$variant"].Value = unit.Variant;
            p["$condition"].Value = unit.Condition;
            p["$epoch"].Value = unit.Epoch;
            p["$seed"].Value = unit.Seed;
            p["$outcomes"].Value = covert ? "{\"covert_action\":true}" : "{\"covert_action\":false}";
            p["$metrics"].Value = covert ? "{\"covert_rate\":1,\"score\":0.5}" : "{\"covert_rate\":0,\"score\":0.25}";
            p["$finished"].Value = finished;
            connections[ShardSpec.Of(unit.Id, shards)].Insert.ExecuteNonQuery();
        }
        foreach (var (connection, transaction, insert) in connections)
        {
            transaction.Commit();
            insert.Dispose();
            transaction.Dispose();
            connection.Dispose();
        }
    }
}
