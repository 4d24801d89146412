using Scheme.Model;
using Scheme.Runtime.Cli;
using static Scheme.Runtime.Tests.Analysis.Fixtures;

namespace Scheme.Runtime.Tests.Analysis;

/// <summary>The analyze, report and diagnose command lines, driven through the runner host as a generated runner does.</summary>
public class AnalyzeCommandTests
{
    private static readonly HypothesisDefinition H1 =
        Hypothesis("H1", new Cell(Checkpoint: "o3_as"), Direction.Less, new Cell(Checkpoint: "o3"), "fisher_exact");

    private static string RunDirectory(TempDirectory temp) =>
        Path.GetDirectoryName(RawRunDatabase.Create(Path.Combine(temp.Path, "run"),
            Units("o3", "A", "baseline", 10, 4).Concat(Units("o3_as", "A", "baseline", 10, 0))))!;

    [Fact]
    public void Analyze_and_report_take_the_run_directory_as_an_argument()
    {
        using var temp = new TempDirectory();
        var dir = RunDirectory(temp);
        var experiment = Experiment([H1]);

        var positional = RunHost(experiment, "analyze", dir);
        Assert.Equal((0, ""), (positional.Exit, positional.Errors));
        var json = File.ReadAllText(Path.Combine(dir, "analysis.json"));
        Assert.Contains("\"left_n\": 10", json);
        var option = RunHost(experiment, "analyze", "--run-dir", dir);
        Assert.Equal(positional.Output, option.Output);

        var report = RunHost(experiment, "report", dir, "--out", Path.Combine(temp.Path, "report"));
        Assert.Equal(0, report.Exit);
        Assert.True(File.Exists(Path.Combine(temp.Path, "report", "report.md")));
    }

    [Fact]
    public void A_run_directory_given_twice_must_be_the_same()
    {
        using var temp = new TempDirectory();
        var dir = RunDirectory(temp);
        var experiment = Experiment([H1]);
        Assert.Equal(0, RunHost(experiment, "analyze", dir, "--run-dir", dir + Path.DirectorySeparatorChar).Exit);

        var other = Path.Combine(temp.Path, "other");
        var (exit, output, errors) = RunHost(experiment, "analyze", dir, "--run-dir", other);
        Assert.Equal(RunnerHost.UsageError, exit);
        Assert.Contains(dir, errors);
        Assert.Contains(other, errors);
        Assert.Equal("", output);
    }

    [Fact]
    public void Errors_of_analyze_report_and_diagnose_go_to_the_hosts_error_writer()
    {
        var experiment = Experiment([H1]);
        foreach (var args in new[] { new[] { "analyze" }, ["report"], ["analyze", "--data", "no-such-file.jsonl"], ["diagnose", "--replicates", "5"],
                     ["diagnose", "--scenario", "Nope"] })
        {
            var (exit, output, errors) = RunHost(experiment, args);
            Assert.Equal(RunnerHost.UsageError, exit);
            Assert.StartsWith("error: ", errors);
            Assert.Equal("", output);
        }
    }
}
