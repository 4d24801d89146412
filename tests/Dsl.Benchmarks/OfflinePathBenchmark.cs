using System.Diagnostics;
using System.Globalization;
using Scheme.Engine;
using Scheme.Engine.Providers;
using Scheme.Engine.Store;
using Scheme.Runtime.Cli;

namespace Scheme.Benchmarks;

/// <summary>
/// <c>offline-path [UNITS] [GROUPS...]</c>: where an offline run's time goes, stage by stage, in process (wall and CPU
/// of this process): expanding the design, drawing the simulated outcomes, making the rows, then storing them with
/// each group-commit size given (default 1, 64, 256, 1024, 4096 units per group, 20 ms).
/// </summary>
public sealed class OfflinePathSuite : IBenchmarkSuite
{
    public string Name => "offline-path";

    public string Description => "offline run stages (expand, draw, row, store by group size): wall and CPU per unit";

    public Task<int> RunAsync(string[] args)
    {
        var units = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 200_000;
        var groups = args.Length > 1 ? args[1..].Select(a => int.Parse(a, CultureInfo.InvariantCulture)).ToArray() : [1, 64, 256, 1024, 4096];
        var experiment = RuntimeExperiments.Echo(units);
        var design = RunSession.Select(experiment.Runs, experiment, [], [], units);
        var simulated = new SimulatedExecutor(experiment);
        var scrubber = SecretScrubber.For(experiment);
        Console.WriteLine($"offline path, {units} units, {Environment.ProcessorCount} CPUs");
        Measure("expand", units, () => design.Count());
        Measure("expand + draw", units, () => design.Select(simulated.Draw).Count());
        Measure("expand + draw + record", units, () => design.Select(u => Record(simulated.Draw(u), scrubber)).Count());
        var records = design.Select(u => Record(simulated.Draw(u), scrubber)).ToList();
        var temp = Path.Combine(Path.GetTempPath(), "scheme-offline-path-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            foreach (var size in groups)
            {
                var directory = Path.Combine(temp, size.ToString(CultureInfo.InvariantCulture));
                Measure($"store (row + commit), groups of {size}", units, () =>
                {
                    using var store = SqliteRunStore.Open(directory, new GroupCommit(size, TimeSpan.FromMilliseconds(20)));
                    foreach (var record in records)
                    {
                        store.Record(record);
                    }
                    store.Flush();
                });
                Measure("metric summary (json_extract by name)", units, () =>
                {
                    using var store = SqliteRunStore.Open(directory);
                    store.MetricSummary(["answer_rate"]);
                });
                Measure("metric summary (json_each)", units, () =>
                {
                    using var store = SqliteRunStore.Open(directory);
                    store.MetricSummary();
                });
            }
        }
        finally
        {
            Directory.Delete(temp, recursive: true);
        }
        return Task.FromResult(0);
    }

    private static UnitRecord Record(Scheme.Engine.Episodes.EpisodeResult result, SecretScrubber scrubber)
    {
        var record = UnitRecord.Done(result, DateTimeOffset.UtcNow, 0);
        return record with { TranscriptJson = scrubber.Scrub(record.TranscriptJson) };
    }

    private static void Measure(string stage, int units, Action action)
    {
        GC.Collect();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        action();
        var wall = clock.Elapsed;
        var used = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{stage,-44} wall {wall.TotalSeconds,6:0.00} s  CPU {used.TotalSeconds,6:0.00} s  = {used.TotalMilliseconds * 1000 / units,6:0.0} us CPU/unit"));
    }
}
