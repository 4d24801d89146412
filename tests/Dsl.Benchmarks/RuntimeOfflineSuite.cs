using System.Diagnostics;
using System.Globalization;
using Scheme.Runtime.Cli;

namespace Scheme.Benchmarks;

/// <summary>
/// Child process of <see cref="RuntimeBenchmarkSuite"/>: <c>runtime-offline UNITS DIR</c> runs UNITS simulated units
/// into DIR through the runner's command line and prints wall time, rate and the process's peak resident
/// memory (VmHWM from /proc/self/status, which counts everything: runtime, SQLite, page cache of the store).
/// </summary>
public sealed class RuntimeOfflineSuite : IBenchmarkSuite
{
    public string Name => "runtime-offline";

    public string Description => "(internal) offline run of N simulated units.";

    public Task<int> RunAsync(string[] args)
    {
        var units = int.Parse(args[0], CultureInfo.InvariantCulture);
        var directory = args[1];
        var clock = Stopwatch.StartNew();
        var output = new StringWriter();
        var code = RunnerHost.Run(["run", "--offline", "--out", directory, "--progress-interval", "3600", "--limit", args[0]], RuntimeExperiments.Echo(units), output, output, CancellationToken.None);
        var wall = clock.Elapsed.TotalSeconds;
        var peak = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal))?.Split(':')[1].Trim() ?? "unknown";
        var mean = output.ToString().Split('\n').FirstOrDefault(l => l.StartsWith("answer_rate", StringComparison.Ordinal))?.Split(' ', StringSplitOptions.RemoveEmptyEntries)[^1];
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"offline: {units} simulated units in {wall:0.0} s ({units / wall:0} units/s), peak memory (VmHWM) {peak}, simulated rate {mean} (p = 0.37), exit {code}; " +
            $"store {new FileInfo(Path.Combine(directory, "run.db")).Length / 1e6:0} MB"));
        return Task.FromResult(code);
    }
}
