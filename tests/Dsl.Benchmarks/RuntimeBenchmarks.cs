using System.Diagnostics;
using System.Globalization;
using Scheme.Engine.Grading;
using Scheme.Model;
using Scheme.Runtime.Cli;

namespace Scheme.Benchmarks;

/// <summary>
/// The runtime's figures, in one run: throughput at concurrency 64 against a loopback server with a fixed
/// 200 ms latency (as a fraction of the ideal 64 / 0.2 s = 320 units/s) and the runner's CPU time per unit;
/// the achieved request rate against a server enforcing N requests per minute (as a fraction of N, and
/// failed units); a 1,000,000-unit offline run's wall time and peak memory.
/// </summary>
/// <remarks>
/// The servers run in a child process (<see cref="RuntimeServeSuite"/>) so that the CPU time measured here is
/// the runner's alone, and the offline run runs in another child (<see cref="RuntimeOfflineSuite"/>) so that its
/// peak memory (VmHWM) is its own. The runner is driven through <see cref="RunnerHost"/>, as a generated
/// runner is, with the response cache off.
/// </remarks>
public sealed class RuntimeBenchmarkSuite : IBenchmarkSuite
{
    public string Name => "runtime";

    public string Description => "Engine throughput, CPU per unit, rate-limit utilization, 1M-unit offline run (options: --quick, --throughput-only).";

    public async Task<int> RunAsync(string[] args)
    {
        var quick = args.Contains("--quick");
        var throughputUnits = quick ? 640 : 3200;
        var rpm = quick ? 600 : 1200;
        var limitedUnits = quick ? 300 : 1500;
        var offlineUnits = quick ? 100_000 : 1_000_000;
        var key = string.Concat("sk-", "bench-", Guid.NewGuid().ToString("N"));
        Environment.SetEnvironmentVariable(RuntimeExperiments.KeyVariable, key);
        var temp = Path.Combine(Path.GetTempPath(), "scheme-bench-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(temp);
        Console.WriteLine($"runtime benchmarks: {Environment.ProcessorCount} CPUs, .NET {Environment.Version}, temp {temp}");
        try
        {
            // 1. Throughput and CPU per unit at concurrency 64, 200 ms latency.
            await using (var server = await ChildServer.StartAsync(latencyMs: 200, rpm: null))
            {
                Run(128, server.BaseUrl, Path.Combine(temp, "warmup"), 64);
                var cpu = Process.GetCurrentProcess().TotalProcessorTime;
                var clock = Stopwatch.StartNew();
                var code = Run(throughputUnits, server.BaseUrl, Path.Combine(temp, "throughput"), 64);
                var wall = clock.Elapsed.TotalSeconds;
                var cpuPerUnit = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds / throughputUnits;
                var rate = throughputUnits / wall;
                Console.WriteLine(Invariant($"throughput: {throughputUnits} units, concurrency 64, 200 ms latency: {wall:0.00} s, {rate:0.0} units/s = {rate / 320:P1} of ideal 320/s (exit {code})"));
                Console.WriteLine(Invariant($"runner CPU time per unit: {cpuPerUnit:0.000} ms (whole runner process: engine, SDK, HTTP, store)"));
            }

            if (args.Contains("--throughput-only"))
            {
                return 0;
            }

            // 2. Rate limit: the server rejects (429 + Retry-After) beyond rpm requests in any 60 s window.
            await using (var server = await ChildServer.StartAsync(latencyMs: 50, rpm: rpm))
            {
                var clock = Stopwatch.StartNew();
                var output = new StringWriter();
                var code = RunnerHost.Run(["run", "--endpoint", server.BaseUrl, "--out", Path.Combine(temp, "limited"), "--no-cache", "--concurrency", "64",
                    "--rpm", rpm.ToString(CultureInfo.InvariantCulture), "--limit", limitedUnits.ToString(CultureInfo.InvariantCulture), "--progress-interval", "3600"], RuntimeExperiments.Echo(limitedUnits), output, output, CancellationToken.None);
                var minutes = clock.Elapsed.TotalMinutes;
                var achieved = limitedUnits / minutes;
                var stats = await server.StatsAsync();
                var failed = output.ToString().Split('\n').FirstOrDefault(l => l.Contains(" units: ", StringComparison.Ordinal))?.Trim();
                Console.WriteLine(Invariant($"rate limit: server enforces {rpm}/min; {limitedUnits} units in {minutes * 60:0.0} s = {achieved:0.0}/min = {achieved / rpm:P1} of the limit; server saw {stats}; exit {code}; {failed}"));
            }

            // 3. One million units offline, in a child process for an honest peak memory figure.
            var offline = await ChildProcess.RunAsync(["runtime-offline", offlineUnits.ToString(CultureInfo.InvariantCulture), Path.Combine(temp, "offline")]);
            Console.WriteLine(offline.Trim());
            return 0;
        }
        finally
        {
            Directory.Delete(temp, recursive: true);
        }
    }

    private static int Run(int units, string endpoint, string directory, int concurrency)
    {
        var experiment = RuntimeExperiments.Echo(units);
        var output = new StringWriter();
        var code = RunnerHost.Run(["run", "--endpoint", endpoint, "--out", directory, "--no-cache", "--concurrency", concurrency.ToString(CultureInfo.InvariantCulture),
            "--progress-interval", "3600", "--limit", units.ToString(CultureInfo.InvariantCulture)], experiment, output, output, CancellationToken.None);
        if (code != RunnerHost.Success)
        {
            Console.WriteLine(output);
        }
        return code;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

/// <summary>Experiments shaped for the benchmarks.</summary>
public static class RuntimeExperiments
{
    public const string KeyVariable = "SCHEME_BENCH_KEY";

    /// <summary>One request per unit: a single-turn environment without tools, with at least <paramref name="units"/>
    /// units (variants x epochs, rounded up: runs pass --limit for an exact count).</summary>
    public static ExperimentDefinition Echo(int units)
    {
        var variants = Math.Min(units, 1000);
        var epochs = (units + variants - 1) / variants;
        var environment = new EnvironmentDefinition("Echo", null,
            [new ParamDefinition("n", Enumerable.Range(1, variants).Select(i => (object)i).ToList())],
            [], "You are terse.", "Say ok ({{ n }}).", [], 1,
            [new OutcomeDefinition("answered", t => t.Output.Length > 0)], []);
        return new ExperimentDefinition
        {
            Name = "RuntimeBench",
            Seed = 1,
            Checkpoints = [new CheckpointDefinition("model", "openai", "bench-model", ApiKeyVariable: KeyVariable)],
            Environments = [environment],
            Metrics = [new MetricDefinition("answer_rate", MetricAggregation.Rate, t => t.Outcome("answered") ? 1 : 0, ["answered"])],
            Runs = [new RunDefinition("Main", ["model"], ["Echo"], ["baseline"], epochs)],
            Simulation = [new SimulatedValue("simulate", "answer_rate", new Cell(), 0.37)],
        };
    }
}

/// <summary>The runner side of a child process: runs the benchmark assembly with a suite and returns its output.</summary>
internal static class ChildProcess
{
    public static ProcessStartInfo StartInfo(IEnumerable<string> args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardInput = true, UseShellExecute = false };
        start.ArgumentList.Add(typeof(Program).Assembly.Location);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        return start;
    }

    public static async Task<string> RunAsync(IEnumerable<string> args)
    {
        using var process = Process.Start(StartInfo(args))!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return output;
    }
}

/// <summary>A fake OpenAI server in a child process; disposing it stops the child.</summary>
internal sealed class ChildServer : IAsyncDisposable
{
    private readonly Process _process;

    private ChildServer(Process process, string baseUrl)
    {
        _process = process;
        BaseUrl = baseUrl;
    }

    public string BaseUrl { get; }

    public static async Task<ChildServer> StartAsync(int latencyMs, int? rpm)
    {
        var process = Process.Start(ChildProcess.StartInfo(["runtime-serve", latencyMs.ToString(CultureInfo.InvariantCulture), (rpm ?? 0).ToString(CultureInfo.InvariantCulture)]))!;
        var line = await process.StandardOutput.ReadLineAsync() ?? throw new InvalidOperationException("The server child printed nothing.");
        return new ChildServer(process, line.Trim());
    }

    /// <summary>What the server counted: requests answered and rejected.</summary>
    public async Task<string> StatsAsync()
    {
        await _process.StandardInput.WriteLineAsync("stats");
        await _process.StandardInput.FlushAsync();
        return await _process.StandardOutput.ReadLineAsync() ?? "";
    }

    public async ValueTask DisposeAsync()
    {
        _process.StandardInput.Close();
        if (!_process.WaitForExit(5000))
        {
            _process.Kill();
        }
        await _process.WaitForExitAsync();
        _process.Dispose();
    }
}
