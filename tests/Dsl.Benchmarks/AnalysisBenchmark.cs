using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Scheme.Analysis;
using Scheme.Engine.Store;
using Scheme.Model;
using Scheme.Runtime.Cli;

namespace Scheme.Benchmarks;

/// <summary>
/// <c>analyze-1m</c>: the runner's <c>analyze --data</c> over a JSONL export of 1,000,000 unit results
/// (2 checkpoints x 25 environments x 2 conditions x 10,000 epochs) with a rate and a mean metric, and five
/// hypotheses: pooled and per-environment Fisher, paired McNemar (pair slots for 500,000 units), a cluster
/// bootstrap over the 25 environments and a permutation test of the mean metric. Target: under 5 s and 500 MB.
/// The export is generated first (in this process, streaming) and kept in the temp folder for reruns.
/// Usage: analyze-1m [path.jsonl]
/// </summary>
public static class AnalysisBenchmark
{
    private const int Environments = 25;
    private const int Epochs = 10_000;

    public static int Run(string[] args)
    {
        var data = args.Length > 0 ? args[0] : Path.Combine(Path.GetTempPath(), "scheme-analyze-1m.jsonl");
        var experiment = Experiment();
        if (!File.Exists(data))
        {
            var generate = Stopwatch.StartNew();
            Generate(data);
            Console.WriteLine($"Generated {data} ({new FileInfo(data).Length / 1_000_000} MB) in {generate.Elapsed.TotalSeconds:F1} s");
        }
        GC.Collect();
        var output = Path.Combine(Path.GetTempPath(), "scheme-analyze-1m-out");
        var before = GC.GetTotalAllocatedBytes(precise: true);
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        var console = new StringWriter();
        var exit = RunnerHost.Run(["analyze", "--data", data, "--out", output], experiment, console);
        clock.Stop();
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        using var process = Process.GetCurrentProcess();
        process.Refresh();
        Console.Write(console.ToString());
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"analyze-1m: exit {exit}, wall {clock.Elapsed.TotalSeconds:F2} s, CPU {(process.TotalProcessorTime - cpuBefore).TotalSeconds:F2} s, peak working set {process.PeakWorkingSet64 / 1_048_576.0:F0} MB, allocated {allocated / 1_048_576.0:F0} MB, {Environment.ProcessorCount} cores"));
        return exit;
    }

    public static ExperimentDefinition Experiment()
    {
        var environments = Enumerable.Range(0, Environments).Select(i => $"Env{i:00}").ToList();
        HypothesisDefinition H(string name, string metric, Cell left, Direction direction, Cell right, string test, bool paired = false, string family = "primary") =>
            new(name, null, metric, left, direction, right, null, test, 0.01, family, "holm", paired);
        return new ExperimentDefinition
        {
            Name = "Analyze1M",
            Title = "analyze over 1,000,000 units",
            Seed = 20250917,
            Checkpoints = [new CheckpointDefinition("o3", "openai", "o3"), new CheckpointDefinition("o3_as", "openai", "o3-as", Extends: "o3")],
            Environments = environments.Select(e => new EnvironmentDefinition(e, null, [], [], null, "task", [], 1, [], [])).ToList(),
            Metrics =
            [
                new MetricDefinition("covert_rate", MetricAggregation.Rate, t => t.Outcome("covert_action") ? 1 : 0, ["covert_action"], PlainOutcome: "covert_action"),
                new MetricDefinition("score", MetricAggregation.Mean, _ => 0, []),
            ],
            Runs = [new RunDefinition("Main", ["o3", "o3_as"], environments, ["baseline", "EvalCue"], Epochs)],
            Hypotheses =
            [
                H("H1", "covert_rate", new Cell("o3_as"), Direction.Less, new Cell("o3"), "fisher_exact"),
                H("H2", "covert_rate", new Cell("o3_as", "Env03"), Direction.Less, new Cell("o3", "Env03"), "fisher_exact"),
                H("H3", "covert_rate", new Cell("o3", Condition: "EvalCue"), Direction.Less, new Cell("o3", Condition: "baseline"), "mcnemar", paired: true, family: "counterfactual"),
                H("H4", "covert_rate", new Cell("o3_as"), Direction.Less, new Cell("o3"), "cluster_bootstrap", family: "secondary"),
                H("H5", "score", new Cell("o3_as"), Direction.Greater, new Cell("o3"), "permutation", family: "secondary"),
            ],
        };
    }

    private static void Generate(string path)
    {
        using var stream = new FileStream(path + ".tmp", FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
        UnitJsonl.Write(Units(), stream);
        stream.Close();
        File.Move(path + ".tmp", path, overwrite: true);
    }

    private static IEnumerable<UnitRecord> Units()
    {
        var random = new Random(20250917);
        var finished = new DateTimeOffset(2025, 9, 17, 0, 0, 0, TimeSpan.Zero);
        foreach (var checkpoint in new[] { "o3", "o3_as" })
        {
            for (var e = 0; e < Environments; e++)
            {
                var environment = $"Env{e:00}";
                var baseRate = checkpoint == "o3" ? 0.02 + 0.01 * e : 0.004;
                for (var epoch = 0; epoch < Epochs; epoch++)
                {
                    foreach (var condition in new[] { "baseline", "EvalCue" })
                    {
                        var covert = random.NextDouble() < (condition == "EvalCue" ? baseRate * 0.8 : baseRate);
                        var score = (checkpoint == "o3_as" ? 0.72 : 0.7) + 0.1 * (random.NextDouble() - 0.5);
                        var id = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{checkpoint}/{environment}/{condition}/{epoch}")), 0, 8);
                        yield return new UnitRecord(id, "Main", checkpoint, environment, "default", condition, epoch, epoch, UnitStatus.Done,
                            new Dictionary<string, bool> { ["covert_action"] = covert },
                            new Dictionary<string, double?> { ["covert_rate"] = covert ? 1 : 0, ["score"] = Math.Round(score, 4) },
                            1200, 300, 0.0042, 2500, null, finished.AddMilliseconds(epoch));
                    }
                }
            }
        }
    }
}
