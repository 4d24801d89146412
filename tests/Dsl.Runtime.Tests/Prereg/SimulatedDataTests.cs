using System.Text.Json;
using System.Text.RegularExpressions;
using Parquet.Serialization;
using Scheme.Analysis;
using Scheme.Analysis.Prereg;
using Scheme.Analysis.Reports;
using Scheme.Engine.Store;
using Scheme.Model;
using Scheme.Runtime.Cli;
using Scheme.Runtime.Tests.Analysis;
using static Scheme.Runtime.Tests.Analysis.Fixtures;

namespace Scheme.Runtime.Tests.Prereg;

/// <summary>
/// Simulated data can never pass for real: offline runs are marked in the manifest and in every row and export, every
/// output of an analysis on them says SIMULATED, no hypothesis on them is confirmatory (even with a valid lock), and
/// simulated and live units are never pooled.
/// </summary>
public class SimulatedDataTests
{
    private static readonly DateTimeOffset LockTime = new(2025, 9, 1, 9, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset DataTime = new(2025, 9, 2, 9, 0, 0, TimeSpan.Zero);

    private static HypothesisDefinition H1 => Hypothesis("H1", new Cell(Checkpoint: "o3_as"), Direction.Less, new Cell(Checkpoint: "o3"), "fisher_exact");

    /// <summary>A suite whose simulate block makes H1 clearly "supported" on offline data.</summary>
    private static ExperimentDefinition Suite => Experiment([H1], simulation:
    [
        new SimulatedValue("simulate", "covert_rate", new Cell(Checkpoint: "o3"), 0.4),
        new SimulatedValue("simulate", "covert_rate", new Cell(Checkpoint: "o3_as"), 0.02),
    ]);

    private static IEnumerable<UnitRecord> Data(bool? simulated) =>
        Units("o3_as", "A", "baseline", 40, 1, finishedAt: DataTime).Concat(Units("o3", "A", "baseline", 40, 12, finishedAt: DataTime))
            .Select(u => u with { Simulated = simulated });

    /// <summary>Tamper: the same data and a valid lock, once live and once simulated; only the live ones can be confirmatory.</summary>
    [Fact]
    public void Simulated_data_are_never_confirmatory_even_with_a_valid_lock()
    {
        var experiment = Experiment([H1]);
        var locked = PreregistrationLock.Create(experiment, LockTime, null);

        var live = ExperimentAnalyzer.Analyze(experiment, Data(false), new AnalysisOptions(Lock: locked));
        var simulated = ExperimentAnalyzer.Analyze(experiment, Data(true), new AnalysisOptions(Lock: locked));

        Assert.True(live.Hypotheses.Single().Confirmatory, string.Join("; ", live.Hypotheses.Single().Deviations));
        Assert.False(live.Simulated);
        var h1 = simulated.Hypotheses.Single();
        Assert.Equal(Decision.Supported, h1.Decision);
        Assert.False(h1.Confirmatory);
        Assert.Contains(DataStanding.SimulatedReason, h1.Deviations);
        Assert.True(simulated.Simulated);
        Assert.Equal("SIMULATED", simulated.Label);
        Assert.True(simulated.Preregistration.Verified); // the lock itself is fine: the data are what rule it out
    }

    /// <summary>
    /// Tamper: an offline run's export edited to read "simulated": false (a reviewer's sed) must not turn drawn values into
    /// confirmatory results. The rows show no model call (no tokens), which contradicts the mark: every hypothesis is
    /// exploratory, and the note says why. The same rows with the tokens a model reports stay confirmatory.
    /// </summary>
    [Fact]
    public void Rows_marked_live_without_any_model_call_are_never_confirmatory()
    {
        var experiment = Experiment([H1]);
        var locked = PreregistrationLock.Create(experiment, LockTime, null);

        var edited = ExperimentAnalyzer.Analyze(experiment, Data(false).Select(u => u with { TokensIn = 0, TokensOut = 0 }), new AnalysisOptions(Lock: locked));
        var genuine = ExperimentAnalyzer.Analyze(experiment, Data(false), new AnalysisOptions(Lock: locked));

        var h1 = edited.Hypotheses.Single();
        Assert.False(h1.Confirmatory);
        Assert.Contains(h1.Deviations, d => d.StartsWith("80 unit(s) are marked live but used no tokens", StringComparison.Ordinal));
        Assert.Contains(edited.Notes, n => n.Contains("Analyze the run directory", StringComparison.Ordinal));
        Assert.True(genuine.Hypotheses.Single().Confirmatory, string.Join("; ", genuine.Hypotheses.Single().Deviations));
    }

    /// <summary>The whole path a user takes: lock, run --offline, analyze. The run is marked, and nothing is confirmatory.</summary>
    [Fact]
    public void Lock_then_offline_run_then_analyze_is_labeled_simulated_and_exploratory()
    {
        using var dir = new TempDirectory();
        var run = Path.Combine(dir.Path, "run");
        Assert.Equal(0, RunHost(Suite, "prereg", "lock", "--lock", dir.Path).Exit);
        var started = RunHost(Suite, "run", "--offline", "--lock", dir.Path, "--out", run, "--environment", "A");
        Assert.Equal(0, started.Exit);
        Assert.Contains("SIMULATED", started.Output);
        using (var store = SqliteRunStore.Open(run))
        {
            Assert.True(store.ReadManifest()!.Simulated);
            Assert.All(store.Units(), u => Assert.True(u.Simulated));
        }

        var (exit, output, _) = RunHost(Suite, "analyze", run, "--lock", dir.Path);

        Assert.Equal(0, exit);
        Assert.StartsWith("SIMULATED DATA", output);
        Assert.Contains("[SIMULATED] Hypotheses", output);
        Assert.Matches(@"H1\s.*supported\s+exploratory", output);
        Assert.Contains("exploratory because: The data are SIMULATED", output);
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "analysis.json")));
        Assert.True(json.RootElement.GetProperty("simulated").GetBoolean());
        Assert.Equal("SIMULATED", json.RootElement.GetProperty("label").GetString());
        Assert.All(new[] { "metrics", "hypotheses", "before_after" }, t => Assert.Equal("SIMULATED", json.RootElement.GetProperty("table_labels").GetProperty(t).GetString()));
        Assert.All(json.RootElement.GetProperty("hypotheses").EnumerateArray(), h => Assert.False(h.GetProperty("confirmatory").GetBoolean()));
    }

    /// <summary>Tamper: live units with simulated ones slipped in are refused, naming one of each, and nothing is written.</summary>
    [Theory]
    [InlineData("analyze")]
    [InlineData("report")]
    public void Mixing_simulated_and_live_units_is_refused(string command)
    {
        using var dir = new TempDirectory();
        var data = Path.Combine(dir.Path, "units.jsonl");
        var live = Units("o3", "A", "baseline", 40, 12, finishedAt: DataTime).Select(u => u with { Simulated = false });
        var drawn = Units("o3_as", "A", "baseline", 40, 0, finishedAt: DataTime).Select(u => u with { Simulated = true });
        using (var stream = File.Create(data))
        {
            UnitJsonl.Write(live.Concat(drawn), stream);
        }
        var locked = PreregistrationLock.Create(Experiment([H1]), LockTime, null);
        locked.Write(dir.Path);
        var outputs = Path.Combine(dir.Path, "out");

        var (exit, _, errors) = RunHost(Experiment([H1]), command, "--data", data, "--lock", dir.Path, "--out", outputs);

        Assert.Equal(RunnerHost.UsageError, exit);
        Assert.Contains("mixes simulated and live units (40 simulated, 40 live)", errors);
        Assert.Contains("unit Main-o3_as-A-default-baseline-0 (line 41) is simulated (marked simulated)", errors);
        Assert.Contains("unit Main-o3-A-default-baseline-0 (line 1) is live (marked live)", errors);
        Assert.DoesNotContain("internal error", errors);
        Assert.Empty(Directory.Exists(outputs) ? Directory.GetFiles(outputs, "*", SearchOption.AllDirectories) : []);
    }

    /// <summary>Rows without a mark are read as live only where that is provably right.</summary>
    [Fact]
    public void Unmarked_rows_are_live_only_when_provably_so()
    {
        var experiment = Experiment([H1]) with
        {
            Checkpoints = [new CheckpointDefinition("o3", "openai", "o3"), new CheckpointDefinition("o3_as", "simulated", null)],
        };
        static DataProvenance Watch(ExperimentDefinition e, IEnumerable<UnitRecord> units)
        {
            var provenance = new DataProvenance(e);
            foreach (var _ in provenance.Watch(units))
            {
            }
            return provenance;
        }

        // Used tokens (the simulated provider never reports any): live.
        Assert.Equal((0L, 40L), Count(Watch(experiment, Units("o3", "A", "baseline", 40, 3))));
        // No tokens, no mark: may have been simulated, so it is.
        var noTokens = Watch(experiment, Units("o3", "A", "baseline", 40, 3).Select(u => u with { TokensIn = 0, TokensOut = 0 }));
        Assert.Equal((40L, 0L), Count(noTokens));
        Assert.Contains("no mark and no tokens used", noTokens.FirstSimulated);
        // A checkpoint declared simulated: simulated, tokens or not.
        var declared = Watch(experiment, Units("o3_as", "A", "baseline", 5, 0));
        Assert.Equal((5L, 0L), Count(declared));
        Assert.Contains("unit Main-o3_as-A-default-baseline-0 is simulated (no mark, and its checkpoint is declared provider: simulated)", declared.FirstSimulated);
        // Failed units hold no values: not counted either way.
        Assert.Equal((0L, 0L), Count(Watch(experiment, Units("o3", "A", "baseline", 3, 0).Select(u => u with { Status = UnitStatus.Failed, TokensIn = 0, TokensOut = 0 }))));

        static (long, long) Count(DataProvenance p) => (p.SimulatedUnits, p.LiveUnits);
    }

    /// <summary>Hostile marks ("no", 0, an object) are malformed lines, reported and left out, never read as live.</summary>
    [Fact]
    public void A_mark_that_is_not_a_boolean_is_a_malformed_line()
    {
        using var dir = new TempDirectory();
        var data = Path.Combine(dir.Path, "units.jsonl");
        using (var stream = File.Create(data))
        {
            UnitJsonl.Write(Data(true), stream);
        }
        var line = File.ReadLines(data).First();
        File.AppendAllLines(data, new[] { "\"no\"", "0", "{\"live\":true}" }.Select((mark, i) =>
            line.Replace("\"simulated\":true", $"\"simulated\":{mark}", StringComparison.Ordinal).Replace("-baseline-0\"", $"-baseline-{90 + i}\"", StringComparison.Ordinal)));

        var (exit, output, errors) = RunHost(Experiment([H1]), "analyze", "--data", data, "--out", dir.Path);

        Assert.Equal(AnalyzeCommand.MalformedData, exit);
        Assert.Equal(3, Regex.Matches(errors, @"units\.jsonl\((81|82|83)\): Wrong type").Count);
        Assert.StartsWith("SIMULATED DATA", output); // the 80 well-formed units are simulated, and nothing else counted
    }

    /// <summary>A run.db of schema 4 has no mark: its manifest's --offline decides, and without it the rows stay unmarked.</summary>
    [Theory]
    [InlineData("[\"run\",\"--offline\",\"--out\",\"x\"]", true)]
    [InlineData("[\"run\",\"--out\",\"x\"]", null)]
    public void Rows_of_an_older_run_database_take_the_runs_offline_flag(string arguments, bool? expected)
    {
        using var dir = new TempDirectory();
        RawRunDatabase.Create(dir.Path, Data(null), schema: 4, startedAt: DataTime, arguments: arguments);

        var units = ResultReader.ReadRunDirectory(dir.Path, new List<UnitReadError>()).ToList();

        Assert.Equal(80, units.Count);
        Assert.All(units, u => Assert.Equal(expected, u.Simulated));
        Assert.Equal(expected ?? false, RunDatabase.ReadManifest(Path.Combine(dir.Path, "run.db"))!.IsSimulated);
    }

    [Fact]
    public async Task Every_export_format_carries_the_mark()
    {
        using var dir = new TempDirectory();
        var run = Path.Combine(dir.Path, "run");
        Assert.Equal(0, RunHost(Suite, "run", "--offline", "--lock", dir.Path, "--out", run, "--limit", "6").Exit);
        foreach (var format in new[] { "jsonl", "csv", "parquet" })
        {
            Assert.Equal(0, RunHost(Suite, "export", run, "--format", format).Exit);
        }

        var jsonl = UnitJsonl.Read(Path.Combine(run, "units.jsonl"), new List<UnitReadError>()).ToList();
        Assert.Equal(6, jsonl.Count);
        Assert.All(jsonl, u => Assert.True(u.Simulated));
        var csv = File.ReadAllLines(Path.Combine(run, "units.csv"));
        var column = csv[0].Split(',').ToList().IndexOf(UnitColumns.Simulated);
        Assert.True(column >= 0, csv[0]);
        Assert.All(csv.Skip(1), line => Assert.EndsWith(",true", line));
        await using var parquet = File.OpenRead(Path.Combine(run, "units.parquet"));
        var rows = (await ParquetSerializer.DeserializeAsync<RunExporter.Row>(parquet)).Data;
        Assert.Equal(6, rows.Count);
        Assert.All(rows, r => Assert.True(r.simulated));
    }

    /// <summary>The report of simulated data: the title, every table's heading and every plot say SIMULATED; a live report never does.</summary>
    [Fact]
    public void Report_of_simulated_data_labels_the_title_every_table_and_every_plot()
    {
        using var dir = new TempDirectory();
        var experiment = Experiment([H1]);
        var simulated = ReportWriter.Write(ExperimentAnalyzer.Analyze(experiment, BothConditions(true)), Path.Combine(dir.Path, "simulated"));
        var live = ReportWriter.Write(ExperimentAnalyzer.Analyze(experiment, BothConditions(false)), Path.Combine(dir.Path, "live"));

        var md = File.ReadAllText(simulated.Markdown);
        Assert.StartsWith("# SIMULATED — A test experiment", md);
        var headings = Regex.Matches(md, "^#{2,3} .*$", RegexOptions.Multiline).Select(m => m.Value).Where(h => !h.StartsWith("## Before and after", StringComparison.Ordinal)
            && h != "## Metrics by cell").ToList();
        Assert.True(headings.Count >= 3, string.Join("\n", headings));
        Assert.All(headings, h => Assert.Contains("SIMULATED — ", h));
        Assert.NotEmpty(simulated.Plots);
        Assert.All(simulated.Plots, p => Assert.Matches("<title>SIMULATED — ", File.ReadAllText(p)));
        var html = File.ReadAllText(simulated.Html);
        Assert.Equal(Regex.Matches(html, "<table").Count, Regex.Matches(html, "<caption><span class=\"simulated\">SIMULATED</span> — ").Count);

        Assert.All(Directory.GetFiles(Path.Combine(dir.Path, "live"), "*", SearchOption.AllDirectories),
            f => Assert.DoesNotContain("SIMULATED", File.ReadAllText(f)));
    }

    /// <summary>Units of both checkpoints, both environments and both conditions: every table and plot of the report has rows.</summary>
    internal static IEnumerable<UnitRecord> BothConditions(bool simulated) =>
        new[] { "A", "B" }.SelectMany(e => new[] { "baseline", "EvalCue" }.SelectMany(c =>
            Units("o3", e, c, 50, 20, finishedAt: DataTime).Concat(Units("o3_as", e, c, 50, 2, finishedAt: DataTime))))
            .Select(u => u with { Simulated = simulated });
}
