using System.Diagnostics;
using System.Globalization;

namespace Scheme.Benchmarks;

/// <summary>
/// <c>scale [--base COMMIT] [--units N] [--quick] [--rounds R] [--keep]</c>: issue 13's before/after benchmark. It builds the
/// generated runner of one small suite twice, against the base commit's tree and against this checkout, and runs the
/// same commands with both, each in its own child process: <c>run --offline</c> of N units, <c>export</c> of that run
/// as JSONL, CSV and Parquet, <c>analyze</c> of it, and a live run at concurrency 64 against a loopback server with
/// 200 ms latency. It prints one table: base, current, their ratio and the goal.
/// </summary>
/// <remarks>
/// Fairness on a shared machine: within each measurement the two sides run back to back, and which goes first
/// alternates from one measurement to the next and from one round to the next; dirty pages are flushed (sync) before
/// each command; both sides use one server process; the load average is printed at the start and the end. Live
/// figures are taken in the engine's window (from the runner's "Running" line to its summary line), so process
/// start-up, which the offline, export and analyze figures include as a user pays it, does not dilute the
/// throughput or the CPU per unit.
/// </remarks>
public sealed class ScaleSuite : IBenchmarkSuite
{
    /// <summary>The commit before issue 13 (group commit, streaming export, faster analyze): the default "before".</summary>
    public const string DefaultBase = "67e4d9f";

    private const int LiveRepeats = 3;

    public string Name => "scale";

    public string Description => "before/after of issue 13: the base commit's generated runner vs this checkout's (offline run, export, analyze, live); --quick, --base, --units, --rounds, --keep";

    public async Task<int> RunAsync(string[] args)
    {
        if (ScaleOptions.Parse(args) is not { } options)
        {
            Console.Error.WriteLine("usage: scale [--base COMMIT] [--units N] [--quick] [--rounds R] [--keep]   (defaults: base " + DefaultBase + ", 1,000,000 units, 1 round)");
            return 2;
        }
        var work = Path.Combine(Path.GetTempPath(), "scheme-scale-" + Guid.NewGuid().ToString("N")[..8]);
        Console.WriteLine(Invariant($"scale: {options.Units:N0} units, live {options.LiveUnits:N0} units, {options.Rounds} round(s); {Environment.ProcessorCount} CPUs, .NET {Environment.Version}; load average at start {LoadAverage()}"));
        try
        {
            var clock = Stopwatch.StartNew();
            var (baseTree, current) = (SourceTree.Baseline(options.BaseCommit), SourceTree.Current());
            Console.WriteLine($"base    {baseTree.Describe()} at {baseTree.Root}");
            Console.WriteLine($"current {current.Describe()} at {current.Root}");
            baseTree.BuildCompiler();
            current.BuildCompiler();
            var planned = Math.Max(options.Units, options.LiveUnits);
            var sides = new[]
            {
                ScaleSuiteProject.Create("base", baseTree, Path.Combine(work, "base"), planned),
                ScaleSuiteProject.Create("current", current, Path.Combine(work, "current"), planned),
            };
            Console.WriteLine(Invariant($"set up in {clock.Elapsed.TotalSeconds:0} s; work folder {work}"));
            var results = await MeasureAsync(options, sides);
            Console.WriteLine();
            ScaleTable.Print(results, options);
            Console.WriteLine($"load average at end {LoadAverage()}");
            return results.Failures == 0 ? 0 : 1;
        }
        catch (ScaleSetupException e)
        {
            Console.Error.WriteLine("scale: " + e.Message);
            return 1;
        }
        finally
        {
            if (!options.Keep && Directory.Exists(work))
            {
                Directory.Delete(work, recursive: true);
            }
        }
    }

    private static async Task<ScaleResults> MeasureAsync(ScaleOptions options, ScaleSuiteProject[] sides)
    {
        var results = new ScaleResults();
        Environment.SetEnvironmentVariable(RuntimeExperiments.KeyVariable, string.Concat("sk-", "bench-", Guid.NewGuid().ToString("N")));
        foreach (var side in sides)
        {
            // Reads the runner's files once on each side before any clock starts.
            side.Run(["plan", "--summary"], side.Directory);
        }
        await using var server = await ChildServer.StartAsync(latencyMs: 200, rpm: null);
        for (var round = 0; round < options.Rounds; round++)
        {
            var steps = Steps(options, server.BaseUrl, round);
            for (var step = 0; step < steps.Count; step++)
            {
                var order = (round + step) % 2 == 0 ? sides : [sides[1], sides[0]];
                foreach (var side in order)
                {
                    var (name, arguments) = steps[step];
                    // The previous command's writes are flushed first, so no sample pays for another's writeback.
                    DotNetTool.Run("sync", side.Directory, []);
                    var sample = side.Run(arguments(side.Directory), side.Directory);
                    results.Add(name, side.Label, sample);
                    Console.WriteLine(Invariant($"  round {round + 1} {name,-14} {side.Label,-7} wall {sample.WallSeconds,7:0.00} s  CPU {sample.CpuSeconds,7:0.00} s  peak {sample.PeakMegabytes,6:0} MB  exit {sample.ExitCode}"));
                    if (!sample.Succeeded)
                    {
                        Console.WriteLine(string.Join('\n', sample.Output.Split('\n').TakeLast(30)));
                    }
                }
            }
            foreach (var side in sides)
            {
                DeleteRound(side.Directory, round);
            }
        }
        return results;
    }

    /// <summary>The commands of one round, in order; each takes the side's folder (run directories go under it).</summary>
    private static List<(string Name, Func<string, IReadOnlyList<string>> Arguments)> Steps(ScaleOptions options, string endpoint, int round)
    {
        string In(string directory, string name) => Path.Combine(directory, $"r{round}", name);
        var units = options.Units.ToString(CultureInfo.InvariantCulture);
        List<string> Live(string directory, string name, int count) =>
            ["run", "--endpoint", endpoint, "--out", In(directory, name), "--no-cache", "--concurrency", "64", "--progress-interval", "3600", "--limit", count.ToString(CultureInfo.InvariantCulture)];
        return
        [
            (ScaleResults.Offline, d => ["run", "--offline", "--out", In(d, "run"), "--progress-interval", "3600", "--limit", units]),
            .. new[] { "jsonl", "csv", "parquet" }.Select(format =>
                (ScaleResults.Export(format), (Func<string, IReadOnlyList<string>>)(d => ["export", In(d, "run"), "--format", format, "--output", In(d, "units." + format)]))),
            (ScaleResults.Analyze, d => ["analyze", In(d, "run"), "--out", In(d, "analysis")]),
            // Live figures are the noisiest on a shared machine and the cheapest: three of them, alternating, give a median.
            .. Enumerable.Range(0, LiveRepeats).Select(i =>
                (ScaleResults.LiveStep, (Func<string, IReadOnlyList<string>>)(d => Live(d, $"live-{i}", options.LiveUnits)))),
        ];
    }

    /// <summary>A round's runs and exports (about 1 GB per side at 1,000,000 units) are not needed once measured.</summary>
    private static void DeleteRound(string directory, int round)
    {
        var path = Path.Combine(directory, $"r{round}");
        if (Directory.Exists(path))
        {
            Directory.Delete(path, recursive: true);
        }
    }

    private static string LoadAverage() => string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

/// <summary>The command line of <see cref="ScaleSuite"/>.</summary>
internal sealed record ScaleOptions(string BaseCommit, int Units, int LiveUnits, int Rounds, bool Quick, bool Keep)
{
    /// <summary>The options, or null when they are not understood.</summary>
    public static ScaleOptions? Parse(string[] args)
    {
        var quick = args.Contains("--quick");
        var options = new ScaleOptions(ScaleSuite.DefaultBase, quick ? 20_000 : 1_000_000, quick ? 640 : 3_200, 1, quick, args.Contains("--keep"));
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--quick" or "--keep":
                    break;
                case "--base" when i + 1 < args.Length && args[i + 1].Length > 0 && !args[i + 1].StartsWith('-'):
                    options = options with { BaseCommit = args[++i] };
                    break;
                case "--units" when i + 1 < args.Length && int.TryParse(args[++i], NumberStyles.None, CultureInfo.InvariantCulture, out var units) && units > 0:
                    options = options with { Units = units };
                    break;
                case "--rounds" when i + 1 < args.Length && int.TryParse(args[++i], NumberStyles.None, CultureInfo.InvariantCulture, out var rounds) && rounds is > 0 and <= 20:
                    options = options with { Rounds = rounds };
                    break;
                default:
                    return null;
            }
        }
        return options;
    }
}
