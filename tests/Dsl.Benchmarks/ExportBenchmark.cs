using System.Diagnostics;
using System.Globalization;
using Scheme.Runtime.Cli;

namespace Scheme.Benchmarks;

/// <summary>
/// <c>export-1m [DIR]</c>: <c>export</c> of a 1,000,000-unit run directory to JSONL, CSV and Parquet, and <c>analyze DIR</c>
/// of it, each in a child process so its peak resident memory (VmHWM) is its own. The run directory is made once by the
/// offline runner (<see cref="RuntimeOfflineSuite"/>: gzip transcripts in run.db, as a real run has) and kept for reruns
/// (default: the temp folder's scheme-export-1m). Targets: every export under 200 MB peak; analyze under 2 s.
/// </summary>
public sealed class ExportBenchmarkSuite : IBenchmarkSuite
{
    public const int Units = 1_000_000;

    public string Name => "export-1m";

    public string Description => "export (jsonl, csv, parquet) and analyze of a 1,000,000-unit run.db: wall time and peak memory of a child process";

    public async Task<int> RunAsync(string[] args)
    {
        var directory = args.Length > 0 ? args[0] : Path.Combine(Path.GetTempPath(), "scheme-export-1m");
        if (!File.Exists(Path.Combine(directory, "run.db")))
        {
            Console.WriteLine((await ChildProcess.RunAsync(["runtime-offline", Units.ToString(CultureInfo.InvariantCulture), directory])).Trim());
        }
        foreach (var format in new[] { "jsonl", "csv", "parquet" })
        {
            var file = Path.Combine(directory, "bench-export." + format);
            Console.WriteLine((await ChildProcess.RunAsync(["export-child", directory, "export", directory, "--format", format, "--output", file])).Trim()
                + string.Create(CultureInfo.InvariantCulture, $"; {new FileInfo(file).Length / 1e6:0} MB"));
        }
        Console.WriteLine((await ChildProcess.RunAsync(["export-child", directory, "analyze", directory, "--out", Path.Combine(directory, "bench-analysis")])).Trim());
        return 0;
    }
}

/// <summary>
/// Child process of <see cref="ExportBenchmarkSuite"/>: <c>export-child DIR COMMAND ARGS...</c> runs one runner command
/// over the 1M-unit experiment and prints its wall time and the process's peak resident memory (VmHWM).
/// </summary>
public sealed class ExportChildSuite : IBenchmarkSuite
{
    public string Name => "export-child";

    public string Description => "(internal) one runner command (export or analyze) over the export-1m run: wall time and VmHWM.";

    public Task<int> RunAsync(string[] args)
    {
        var command = args[1..];
        var clock = Stopwatch.StartNew();
        var output = new StringWriter();
        var code = RunnerHost.Run(command, RuntimeExperiments.Echo(ExportBenchmarkSuite.Units), output, output, CancellationToken.None);
        var wall = clock.Elapsed.TotalSeconds;
        var cpu = Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;
        var peak = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal))?.Split(':')[1].Trim() ?? "unknown";
        if (code != RunnerHost.Success)
        {
            Console.WriteLine(output.ToString());
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{string.Join(' ', command.Take(1).Concat(command.Skip(2).Take(2)))}: {wall:0.00} s (CPU {cpu:0.00} s), peak memory (VmHWM) {peak}, exit {code}"));
        return Task.FromResult(code);
    }
}

/// <summary>
/// <c>analyze-profile DIR</c>: where <c>analyze DIR</c>'s time goes, as a Stopwatch breakdown of its stages over the
/// export-1m run: reading the rows from run.db, then reading and validating against the design, then the whole analysis.
/// </summary>
public sealed class AnalyzeProfileSuite : IBenchmarkSuite
{
    public string Name => "analyze-profile";

    public string Description => "(diagnostic) stages of analyze DIR over the export-1m run: read rows, validate, analyze";

    public Task<int> RunAsync(string[] args)
    {
        var directory = args.Length > 0 ? args[0] : Path.Combine(Path.GetTempPath(), "scheme-export-1m");
        var experiment = RuntimeExperiments.Echo(ExportBenchmarkSuite.Units);
        var db = Path.Combine(directory, "run.db");
        var clock = Stopwatch.StartNew();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        string Cpu()
        {
            var now = Process.GetCurrentProcess().TotalProcessorTime;
            var text = string.Create(CultureInfo.InvariantCulture, $"CPU {(now - cpu).TotalSeconds:0.00} s");
            cpu = now;
            return text;
        }
        long n = 0;
        using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={db};Mode=ReadOnly;Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT unit_id, run, checkpoint, environment, variant, condition, epoch, seed, status, outcomes, metrics, missing, " +
                "indeterminate, tokens_in, tokens_out, cost_usd, latency_ms, error, finished_at, simulated FROM units NOT INDEXED ORDER BY unit_id;";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                n++;
            }
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"SQLite alone, {n} rows: {clock.Elapsed.TotalSeconds:0.00} s, {Cpu()}"));
        clock.Restart();
        n = 0;
        foreach (var _ in Scheme.Engine.Store.RunDatabase.ReadUnits(db, []))
        {
            n++;
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"read {n} rows: {clock.Elapsed.TotalSeconds:0.00} s, {Cpu()}"));
        clock.Restart();
        n = new Scheme.Analysis.UnitValidator(experiment).Filter(Scheme.Engine.Store.RunDatabase.ReadUnits(db, []), db, []).LongCount();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"read + validate {n} rows: {clock.Elapsed.TotalSeconds:0.00} s, {Cpu()}"));
        clock.Restart();
        var result = Scheme.Analysis.ExperimentAnalyzer.Analyze(experiment, Scheme.Engine.Store.RunDatabase.ReadUnits(db, []), new Scheme.Analysis.AnalysisOptions(directory));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"read + analyze {result.Data.Units} rows: {clock.Elapsed.TotalSeconds:0.00} s, {Cpu()}"));
        return Task.FromResult(0);
    }
}
