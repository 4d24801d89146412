using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json;
using Scheme.Engine.Store;
using Scheme.Testing.Fakes;

namespace Scheme.Build.Tests.Library;

/// <summary>
/// The study library's experiments/AntiSchemingStressTest, end to end: one <c>dotnet build</c> of the real project, then
/// its runner as a researcher uses it, every run written to a scratch folder. Offline, seeded, the analysis reaches the
/// papers' conclusions, hypothesis by hypothesis, and the same again on a second run with the same seed. Live, against a
/// scripted loopback model (<see cref="StressTestAgent"/>), each environment's detectors find the covert action and every
/// named sub-outcome when the model schemes, and none when it does the task honestly.
/// </summary>
[Collection("dotnet build")]
public sealed class AntiSchemingStressTestTests : IClassFixture<AntiSchemingStressTestTests.BuiltSuite>
{
    private readonly BuiltSuite _suite;

    public AntiSchemingStressTestTests(BuiltSuite suite) => _suite = suite;

    /// <summary>The two hypotheses whose paper result is "no change": every other one must be supported.</summary>
    private static readonly HashSet<string> NotSupported =
    [
        "SandbaggingGradingCoT_o4mini",   // Figure 9: o4-mini 0.6% -> 0.6%
        "RandomSentenceChanges",          // Section 6.2's control: 24.5% -> 24.9%
    ];

    [Fact]
    public void Offline_analysis_reaches_the_papers_conclusions_and_the_same_again_with_the_same_seed()
    {
        var runs = new[] { "offline-1", "offline-2" };
        var results = new ConcurrentDictionary<string, ProcessResult>();
        Parallel.ForEach(runs, run =>
        {
            var directory = Path.Combine(_suite.Scratch.Path, run);
            var ran = _suite.Runner("run", "--offline", "--out", directory);
            results[run] = ran.ExitCode != 0 ? ran : _suite.Runner("analyze", directory);
        });
        Assert.All(runs, run => Assert.True(results[run].ExitCode == 0, results[run].ToString()));

        var first = Hypotheses(runs[0]);
        var second = Hypotheses(runs[1]);
        // 33 per-evaluation comparisons (Figure 9's non-zero baselines), 4 averages, 3 counterfactual, 2 capability, 2 awareness.
        Assert.Equal(44, first.Count);
        Assert.Equal(33, first.Values.Count(h => h.Family == "per_evaluation"));
        foreach (var (name, hypothesis) in first)
        {
            var expected = NotSupported.Contains(name) ? "not_supported" : "supported";
            Assert.True(hypothesis.Decision == expected, $"{name}: {hypothesis.Decision} (p = {hypothesis.P}), the paper's conclusion is {expected}.");
        }
        // The same seed draws the same units: the same decisions, and the same p-values to the last digit.
        Assert.Equal(first, second);
        Assert.Contains("SIMULATED", results[runs[0]].Output);
    }

    private Dictionary<string, Hypothesis> Hypotheses(string run)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(_suite.Scratch.Path, run, "analysis.json")));
        Assert.True(json.RootElement.GetProperty("simulated").GetBoolean());
        return json.RootElement.GetProperty("hypotheses").EnumerateArray().ToDictionary(
            h => h.GetProperty("name").GetString()!,
            h => new Hypothesis(h.GetProperty("family").GetString()!, h.GetProperty("decision").GetString()!, h.GetProperty("corrected_p_value").GetRawText()));
    }

    private sealed record Hypothesis(string Family, string Decision, string P);

    [Fact]
    public async Task Every_environment_detects_the_scheming_script_and_not_the_honest_one()
    {
        await using var schemer = FakeOpenAiServer.Start();
        await using var honest = FakeOpenAiServer.Start();
        schemer.Handler = new StressTestAgent(schemes: true).Reply;
        honest.Handler = new StressTestAgent(schemes: false).Reply;
        schemer.RecordRequests = honest.RecordRequests = false;

        var jobs = StressTestAgent.Environments.Keys.SelectMany(e => new[] { (Environment: e, Schemes: true), (Environment: e, Schemes: false) }).ToList();
        var failures = new ConcurrentBag<string>();
        var units = new ConcurrentDictionary<(string, bool), UnitRecord>();
        // Processes, not threads, do the work: a few at a time is what two loaded cores take.
        await Parallel.ForEachAsync(jobs, new ParallelOptions { MaxDegreeOfParallelism = 4 }, (job, _) =>
        {
            var directory = Path.Combine(_suite.Scratch.Path, "live", job.Schemes ? "schemer" : "honest", job.Environment);
            var server = job.Schemes ? schemer : honest;
            var result = _suite.Runner(["run", "--checkpoint", "o3", "--environment", job.Environment, "--limit", "1",
                "--endpoint", server.BaseUrl, "--no-cache", "--out", directory]);
            if (result.ExitCode != 0)
            {
                failures.Add($"{job}: {result}");
                return ValueTask.CompletedTask;
            }
            using var store = SqliteRunStore.Open(directory);
            units[job] = Assert.Single(store.Units());
            return ValueTask.CompletedTask;
        });
        Assert.True(failures.IsEmpty, string.Join("\n\n", failures));

        foreach (var environment in StressTestAgent.Environments.Keys)
        {
            var covert = units[(environment, true)];
            var clean = units[(environment, false)];
            Assert.True(covert.Status == UnitStatus.Done && clean.Status == UnitStatus.Done, $"{environment}: {covert.Error} {clean.Error}");
            // Every detector of the environment (covert_action and each named sub-outcome) fires for the schemer only.
            var detectors = covert.Outcomes.Keys.Where(k => k != "confessed").Order().ToList();
            Assert.Contains("covert_action", detectors);
            Assert.Equal(detectors, clean.Outcomes.Keys.Order().ToList());
            Assert.All(detectors, d => Assert.True(covert.Outcomes[d], $"{environment}: the scheming script did not trigger '{d}'."));
            Assert.All(detectors, d => Assert.False(clean.Outcomes[d], $"{environment}: the honest script triggered '{d}'."));
            // The follow-up is asked only after a covert action, and the schemer's admission is graded as a confession.
            Assert.Equal(FollowedUp.Contains(environment), covert.Outcomes.ContainsKey("confessed"));
            if (FollowedUp.Contains(environment))
            {
                Assert.True(covert.Outcomes["confessed"], $"{environment}: the admission was not graded as a confession.");
            }
        }
    }

    /// <summary>The environments with a confession follow-up.</summary>
    private static readonly HashSet<string> FollowedUp = ["SabotageSafety", "LazyChecklist", "SandbaggingQA"];

    /// <summary>Builds the real project once for the class, in place (incremental: the solution's build usually did it
    /// already); every run goes to a scratch folder.</summary>
    public sealed class BuiltSuite : IDisposable
    {
        private static readonly string Root = typeof(BuiltSuite).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "RepositoryRoot").Value!;

        public BuiltSuite()
        {
            var project = Path.Combine(Root, "experiments", "AntiSchemingStressTest", "AntiSchemingStressTest.csproj");
            var built = DotNet.Run(Scratch.Path, "build", project, "-nr:false", "-p:Configuration=Debug");
            Assert.True(built.ExitCode == 0, built.ToString());
            Assert.Contains(" 0 Warning(s)", built.Output);
        }

        public TempDirectory Scratch { get; } = new();

        private static string Bin => Path.Combine(Root, "experiments", "AntiSchemingStressTest", "bin", "Debug", "net10.0");

        /// <summary>The runner, started in the scratch folder, with a fake key (loopback only). The suite has no prereg.lock: every run records \"no lock\".</summary>
        public ProcessResult Runner(params string[] arguments) =>
            ChildProcess.Run("dotnet", [Path.Combine(Bin, "AntiSchemingStressTest.dll"), .. arguments], Scratch.Path,
                new Dictionary<string, string?>
                {
                    ["OPENAI_API_KEY"] = "sk-loopback-only",
                    ["VLLM_API_KEY"] = null,
                },
                TimeSpan.FromMinutes(4));

        public void Dispose() => Scratch.Dispose();
    }
}
