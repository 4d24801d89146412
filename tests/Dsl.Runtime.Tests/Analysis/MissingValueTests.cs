using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Scheme.Analysis;
using Scheme.Engine.Store;
using Scheme.Model;
using static Scheme.Runtime.Tests.Analysis.Fixtures;

namespace Scheme.Runtime.Tests.Analysis;

/// <summary>
/// Missing and indeterminate values (export fields and run.db columns <c>missing</c>, <c>indeterminate</c>, schema 4):
/// a missing metric never counts as 0 or false, is never read through its outcome, is shown per cell, and is left out
/// of hypothesis tests (a pair goes when either side is missing), with the counts per side.
/// </summary>
public class MissingValueTests
{
    private static readonly Dictionary<string, string> Timeout = new() { ["covert_action"] = "regular expression timed out" };

    /// <summary>A unit whose outcome could not be decided: the outcome is absent and the metric listed as missing.</summary>
    private static UnitRecord Indeterminate(UnitRecord u) => u with
    {
        Outcomes = new Dictionary<string, bool>(),
        Indeterminate = Timeout,
        Missing = new Dictionary<string, string> { ["covert_rate"] = "depends on indeterminate outcome covert_action" },
    };

    /// <summary>
    /// o3, A, baseline: 6 units with the outcome (3 covert), 2 indeterminate (metric listed as missing), 1 indeterminate
    /// outcome without a missing entry, 1 listed as missing although its outcome is present and true (must not be read).
    /// score: 4 values (1, 2, 3, 4), 2 missing (not a number).
    /// </summary>
    private static List<UnitRecord> CellData()
    {
        var units = Units("o3", "A", "baseline", 6, 3).ToList();
        units.Add(Indeterminate(Unit("o3", "A", "baseline", 6, false)));
        units.Add(Indeterminate(Unit("o3", "A", "baseline", 7, false)));
        units.Add(Unit("o3", "A", "baseline", 8, false) with { Outcomes = new Dictionary<string, bool>(), Indeterminate = Timeout });
        units.Add(Unit("o3", "A", "baseline", 9, true) with { Missing = new Dictionary<string, string> { ["covert_rate"] = "judge refused" } });
        for (var i = 0; i < 6; i++)
        {
            var unit = Unit("o3", "B", "baseline", i, false);
            units.Add(i < 4
                ? unit with { Metrics = new Dictionary<string, double?> { ["score"] = i + 1 } }
                : unit with { Missing = new Dictionary<string, string> { ["score"] = "mean(number(output)) is not a number" } });
        }
        return units;
    }

    private static void AssertCellCounts(AnalysisResult result)
    {
        var rate = Assert.Single(result.Metrics, r => r is { Metric: "covert_rate", Checkpoint: "o3", Environment: "A", Condition: "baseline" });
        Assert.Equal((6L, 3.0, 4L, 3L), (rate.N, rate.Successes!.Value, rate.Missing, rate.Indeterminate));
        Assert.Equal(0.5, rate.Estimate);
        var mean = Assert.Single(result.Metrics, r => r is { Metric: "score", Checkpoint: "o3", Environment: "B" });
        Assert.Equal((4L, 2L, 0L), (mean.N, mean.Missing, mean.Indeterminate));
        Assert.Equal(2.5, mean.Estimate!.Value, 12);
    }

    [Fact]
    public void A_missing_metric_is_counted_as_missing_never_as_zero_or_through_its_outcome()
    {
        AssertCellCounts(ExperimentAnalyzer.Analyze(Experiment(), CellData()));
    }

    [Fact]
    public void Jsonl_missing_and_indeterminate_fields_are_read_and_written()
    {
        var stream = new MemoryStream();
        UnitJsonl.Write(CellData(), stream);
        var text = Encoding.UTF8.GetString(stream.ToArray());
        Assert.Contains("\"indeterminate\":{\"covert_action\":\"regular expression timed out\"}", text);
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries).ToList();
        // Old data: the fields absent or null; and a wrong type is a malformed line.
        lines.Add(lines[0].Replace("\"outcomes\"", "\"missing\":null,\"indeterminate\":null,\"outcomes\"").Replace("Main-o3-A-default-baseline-0", "old"));
        lines.Add(lines[0].Replace("\"outcomes\"", "\"missing\":[\"covert_rate\"],\"outcomes\"").Replace("Main-o3-A-default-baseline-0", "bad"));
        var errors = new List<UnitReadError>();
        var units = UnitJsonl.Read(new MemoryStream(Encoding.UTF8.GetBytes(string.Join("\n", lines))), errors, "units.jsonl").ToList();
        Assert.Equal(lines.Count, errors.Single().Line);
        Assert.Contains("missing must be an object of reasons", errors[0].Message);
        Assert.Equal("regular expression timed out", units.Single(u => u.UnitId.EndsWith("-6")).Indeterminate["covert_action"]);
        Assert.Empty(units.Single(u => u.UnitId == "old").Missing);
        AssertCellCounts(ExperimentAnalyzer.Analyze(Experiment(), units.Where(u => u.UnitId != "old")));
    }

    [Fact]
    public void Independent_tests_leave_missing_units_out_and_say_how_many_per_side()
    {
        var h = Hypothesis("H1", new Cell(Checkpoint: "o3_as"), Direction.Less, new Cell(Checkpoint: "o3"), "fisher_exact");
        var units = Units("o3_as", "A", "baseline", 20, 1)
            .Concat(Enumerable.Range(20, 2).Select(e => Indeterminate(Unit("o3_as", "A", "baseline", e, true))))
            .Concat([Unit("o3_as", "A", "baseline", 22, true) with { Missing = new Dictionary<string, string> { ["covert_rate"] = "judge refused" } }])
            .Concat(Units("o3", "A", "baseline", 20, 8))
            .Concat([Indeterminate(Unit("o3", "A", "baseline", 20, true))]);
        var r = Assert.Single(ExperimentAnalyzer.Analyze(Experiment([h]), units).Hypotheses);
        Assert.Equal((20L, 20L, 3L, 1L), (r.LeftN, r.RightN, r.LeftExcluded, r.RightExcluded));
        // R: fisher.test(matrix(c(1, 19, 8, 12), 2, byrow = TRUE), alternative = "less")$p.value
        Assert.Equal(0.0098280098280098451, r.PValue!.Value, 12);
        Assert.Contains(r.Notes, n => n.Contains("left 3 missing (2 with an indeterminate outcome), right 1 missing (1 with an indeterminate outcome)"));
    }

    [Fact]
    public void A_pair_with_a_missing_side_is_left_out_of_a_paired_test_with_its_partner()
    {
        var h = Hypothesis("H3", new Cell(Checkpoint: "o3", Condition: "EvalCue"), Direction.Greater,
            new Cell(Checkpoint: "o3", Condition: "baseline"), "mcnemar", paired: true);
        // 20 complete pairs: a = 3, b = 9, c = 2, d = 6.
        var pattern = Enumerable.Repeat((true, true), 3).Concat(Enumerable.Repeat((true, false), 9))
            .Concat(Enumerable.Repeat((false, true), 2)).Concat(Enumerable.Repeat((false, false), 6)).ToList();
        var units = new List<UnitRecord>();
        for (var epoch = 0; epoch < pattern.Count; epoch++)
        {
            units.Add(Unit("o3", "A", "EvalCue", epoch, pattern[epoch].Item1));
            units.Add(Unit("o3", "A", "baseline", epoch, pattern[epoch].Item2));
        }
        // Three pairs with a missing side: left only (indeterminate), right only, both. Their present partners say
        // "EvalCue yes, baseline no", which would make the result more significant if they were counted.
        units.Add(Indeterminate(Unit("o3", "A", "EvalCue", 20, true)));
        units.Add(Unit("o3", "A", "baseline", 20, false));
        units.Add(Unit("o3", "A", "EvalCue", 21, true));
        units.Add(Unit("o3", "A", "baseline", 21, false) with { Missing = new Dictionary<string, string> { ["covert_rate"] = "judge refused" } });
        units.Add(Indeterminate(Unit("o3", "A", "EvalCue", 22, true)));
        units.Add(Indeterminate(Unit("o3", "A", "baseline", 22, false)));

        var r = Assert.Single(ExperimentAnalyzer.Analyze(Experiment([h]), units).Hypotheses);
        // R: binom.test(9, 11, 0.5, alternative = "greater")$p.value = 67/2048, the complete pairs only.
        Assert.Equal(67.0 / 2048, r.PValue!.Value, 14);
        Assert.Equal((20L, 20L, 3L, 3L), (r.LeftN, r.RightN, r.LeftExcluded, r.RightExcluded));
        Assert.Equal(0.35, r.Estimate!.Value, 12);
        Assert.Contains(r.Notes, n => n.Contains("3 pair(s); left 2 missing (2 with an indeterminate outcome), right 2 missing (1 with an indeterminate outcome)"));
        Assert.DoesNotContain(r.Notes, n => n.Contains("no partner"));
    }

    private static (int Exit, string Output, string Errors) Run(params string[] args) =>
        RunHost(Experiment([Hypothesis("H1", new Cell(Checkpoint: "o3", Environment: "A"), Direction.Greater, null, "binomial", constant: 0.25)]), args);

    private static void AssertOutputs(string directory, string textOutput)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(directory, "analysis.json")));
        var row = json.RootElement.GetProperty("metrics").EnumerateArray()
            .Single(r => r.GetProperty("metric").GetString() == "covert_rate" && r.GetProperty("condition").GetString() == "baseline"
                && r.GetProperty("environment").GetString() == "A");
        Assert.Equal((6, 4, 3), (row.GetProperty("n").GetInt64(), row.GetProperty("missing").GetInt64(), row.GetProperty("indeterminate").GetInt64()));
        var h1 = json.RootElement.GetProperty("hypotheses")[0];
        Assert.Equal((6, 4), (h1.GetProperty("left_n").GetInt64(), h1.GetProperty("left_excluded").GetInt64()));
        Assert.Matches(@"covert_rate\s+o3, A, baseline\s+6\s+4\s+3\s+0\.500", textOutput);
        Assert.Matches(@"score\s+o3, B, baseline\s+4\s+2\s+0\s+2\.500", textOutput);
        Assert.Matches(@"H1\s+binomial\s+6 \(4\)", textOutput);
    }

    [Fact]
    public void Analyze_and_report_show_missing_and_indeterminate_from_jsonl()
    {
        using var temp = new TempDirectory();
        var data = Path.Combine(temp.Path, "units.jsonl");
        using (var stream = File.Create(data)) UnitJsonl.Write(CellData(), stream);

        var analyze = Run("analyze", "--data", data, "--out", temp.Path);
        Assert.Equal((0, ""), (analyze.Exit, analyze.Errors));
        AssertOutputs(temp.Path, analyze.Output);

        var reportDir = Path.Combine(temp.Path, "report");
        Assert.Equal(0, Run("report", "--data", data, "--out", reportDir).Exit);
        var md = File.ReadAllText(Path.Combine(reportDir, "report.md"));
        Assert.Contains("| checkpoint | environment | condition | n | missing | indeterminate | failed | k | rate |", md);
        Assert.Contains("| o3 | A | baseline | 6 | 4 | 3 | 0 | 3 | 50.0% |", md);
        Assert.Contains("| o3 | B | baseline | 4 | 2 | 0 | 0 | 2.500 |", md);
        Assert.Contains("| 6 (4) |", md);
        var html = File.ReadAllText(Path.Combine(reportDir, "report.html"));
        // n links to the cell's units in the transcript viewer (relative permalinks without --viewer-url).
        Assert.Contains("<td><a class=\"viewer\" href=\"units?checkpoint=o3&amp;environment=A&amp;condition=baseline\">6</a></td>", html);
        var cells = System.Text.RegularExpressions.Regex.Replace(html, "<a class=\"viewer\" href=\"[^\"]*\">([^<]*)</a>", "$1");
        Assert.Contains("<td>o3</td><td>A</td><td>baseline</td><td>6</td><td>4</td><td>3</td><td>0</td><td>3</td><td>50.0%</td>", cells);
        Assert.Contains("<th>missing</th><th>indeterminate</th>", html);
    }

    [Fact]
    public void A_run_database_with_the_schema_4_columns_gives_the_same_analysis()
    {
        using var temp = new TempDirectory();
        var dir = Path.Combine(temp.Path, "run");
        RawRunDatabase.Create(dir, CellData(), schema: 4);
        var (exit, output, errors) = Run("analyze", dir);
        Assert.Equal((0, ""), (exit, errors));
        AssertOutputs(dir, output);

        // A schema 3 database (no such columns): every unit with an outcome or a value counts, as before.
        var old = Path.Combine(temp.Path, "old");
        RawRunDatabase.Create(old, Units("o3", "A", "baseline", 10, 4), schema: 3);
        Assert.Equal(0, Run("analyze", old).Exit);
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(old, "analysis.json")));
        var row = json.RootElement.GetProperty("metrics")[0];
        Assert.Equal((10, 0), (row.GetProperty("n").GetInt64(), row.GetProperty("missing").GetInt64()));
    }
}
