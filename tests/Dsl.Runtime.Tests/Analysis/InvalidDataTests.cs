using System.Text;
using System.Text.Json;
using Scheme.Analysis;
using Scheme.Engine.Store;
using Scheme.Model;
using Scheme.Runtime.Cli;
using static Scheme.Runtime.Tests.Analysis.Fixtures;

namespace Scheme.Runtime.Tests.Analysis;

/// <summary>
/// Data that does not fit the design (duplicates, undeclared or foreign coordinates, epochs past the run's) is refused
/// with its line and nothing is written, or left out with --drop-invalid and accounted for; a run.db that is not a
/// readable run database is bad input (exit 2), not an internal error.
/// </summary>
public class InvalidDataTests
{
    private static readonly HypothesisDefinition H1 =
        Hypothesis("H1", new Cell(Checkpoint: "o3_as"), Direction.Less, new Cell(Checkpoint: "o3"), "fisher_exact");

    /// <summary>Main: o3, o3_as x A (two variants), B x baseline, EvalCue x 100 epochs; Extra: o3 x A x baseline x 5 epochs.</summary>
    private static ExperimentDefinition Design()
    {
        var experiment = Experiment([H1], runs:
        [
            new RunDefinition("Main", ["o3", "o3_as"], ["A", "B"], ["baseline", "EvalCue"], 100),
            new RunDefinition("Extra", ["o3"], ["A"], ["baseline"], 5),
        ]);
        return experiment with
        {
            Environments = [Environment("A") with { Params = [new ParamDefinition("goal", [true, false])] }, Environment("B")],
            Manipulations = [new ManipulationDefinition("EvalCue", [], [], null, null, [])],
        };
    }

    private static UnitRecord U(string id, string checkpoint = "o3", string environment = "B", string condition = "baseline", int epoch = 0,
        string run = "Main", string variant = "default", bool covert = false) =>
        Unit(checkpoint, environment, condition, epoch, covert, run, variant) with { UnitId = id };

    private static readonly (UnitRecord Unit, string? Reason)[] Lines =
    [
        (U("u1", covert: true), null),                                         // line 1
        (U("u2", checkpoint: "o3_as"), null),                                  // 2
        (U("u3", epoch: 1), null),                                             // 3
        (U("u1", epoch: 2), UnitValidator.DuplicateId),                         // 4: same unit_id as line 1
        (U("u5", epoch: 1), UnitValidator.DuplicateUnit),                       // 5: same coordinates as line 3
        (U("u6", checkpoint: "o3_AS"), UnitValidator.UndeclaredCheckpoint),     // 6
        (U("u7", run: "Mian"), UnitValidator.UndeclaredRun),                    // 7
        (U("u8", environment: "C"), UnitValidator.UndeclaredEnvironment),       // 8
        (U("u9", condition: "WithSpec"), UnitValidator.UndeclaredCondition),    // 9
        (U("u10", epoch: 100), UnitValidator.EpochOutOfRange),                 // 10: Main has epochs 0..99
        (U("u11", run: "Extra", environment: "A", variant: "goal=true", epoch: 5), UnitValidator.EpochOutOfRange), // 11: Extra has 0..4
        (U("u12", run: "Extra", checkpoint: "o3_as", environment: "A", variant: "goal=true"), UnitValidator.NotInRun), // 12
        (U("u13", run: "Extra", environment: "B"), UnitValidator.NotInRun),     // 13
        (U("u14", run: "Extra", environment: "A", variant: "goal=true", condition: "EvalCue"), UnitValidator.NotInRun), // 14
        (U("u15", environment: "A", variant: "goal=maybe"), UnitValidator.UnknownVariant), // 15
        (U("u16", environment: "A", variant: "goal=true", epoch: 99, covert: true), null), // 16
        (U("u17", epoch: -1), UnitValidator.EpochOutOfRange),                  // 17
    ];

    private static string WriteJsonl(string directory)
    {
        var path = Path.Combine(directory, "units.jsonl");
        using var stream = File.Create(path);
        UnitJsonl.Write(Lines.Select(l => l.Unit), stream);
        return path;
    }

    [Fact]
    public void Units_that_do_not_fit_the_design_are_refused_with_their_line_and_nothing_is_written()
    {
        using var temp = new TempDirectory();
        var data = WriteJsonl(temp.Path);
        var outDir = Path.Combine(temp.Path, "out");
        foreach (var command in new[] { "analyze", "report" })
        {
            var (exit, output, errors) = RunHost(Design(), command, "--data", data, "--out", outDir);
            Assert.Equal(RunnerHost.UsageError, exit);
            Assert.Equal("", output);
            for (var line = 1; line <= Lines.Length; line++)
            {
                var expected = Lines[line - 1].Reason is not null;
                Assert.True(errors.Contains($"units.jsonl({line}): unit {Lines[line - 1].Unit.UnitId}:") == expected, $"line {line} in:\n{errors}");
            }
            Assert.Contains("already read at line 1", errors);
            Assert.Contains("13 unit(s) do not fit the design", errors);
            Assert.Contains("--drop-invalid", errors);
            Assert.False(Directory.Exists(outDir) && Directory.EnumerateFileSystemEntries(outDir).Any(), "something was written");
        }
    }

    [Fact]
    public void Drop_invalid_leaves_them_out_and_says_how_many_and_why()
    {
        using var temp = new TempDirectory();
        var data = WriteJsonl(temp.Path);
        var (exit, output, errors) = RunHost(Design(), "analyze", "--data", data, "--out", temp.Path, "--drop-invalid");
        Assert.Equal((0, ""), (exit, errors));
        Assert.Contains("Dropped 13 unit(s) that do not fit the design (--drop-invalid): 3 epoch beyond the run's epochs, 3 not in its run, 1 duplicate unit, 1 duplicate unit_id,", output);

        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(temp.Path, "analysis.json")));
        var summary = json.RootElement.GetProperty("data");
        Assert.Equal(4, summary.GetProperty("units").GetInt64());
        Assert.Equal(13, summary.GetProperty("dropped").GetInt64());
        var byReason = summary.GetProperty("dropped_by_reason").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt64());
        var expected = Lines.Where(l => l.Reason is not null).GroupBy(l => l.Reason!).ToDictionary(g => g.Key, g => (long)g.Count());
        Assert.Equal(expected.OrderBy(p => p.Key), byReason.OrderBy(p => p.Key));
        Assert.Equal(4, summary.GetProperty("first_dropped")[0].GetProperty("line").GetInt64());
        // Only the valid units count: o3 has lines 1, 3 and 16 (two covert), o3_as line 2.
        var h1 = json.RootElement.GetProperty("hypotheses")[0];
        Assert.Equal((1, 3), (h1.GetProperty("left_n").GetInt64(), h1.GetProperty("right_n").GetInt64()));
    }

    [Fact]
    public void Rows_of_a_run_database_are_checked_the_same_way()
    {
        using var temp = new TempDirectory();
        var dir = Path.Combine(temp.Path, "run");
        RawRunDatabase.Create(dir, Lines.Select(l => l.Unit).Where(u => u.UnitId != "u1" || u.Epoch == 0));
        var (exit, output, errors) = RunHost(Design(), "analyze", dir);
        Assert.Equal(RunnerHost.UsageError, exit);
        Assert.Contains(Path.Combine(dir, "run.db"), errors);
        Assert.Contains("unit u10: epoch 100 is outside run Main's epochs 0 to 99.", errors);
        Assert.Contains("12 unit(s) do not fit the design", errors); // the duplicate unit_id cannot exist in run.db
        Assert.False(File.Exists(Path.Combine(dir, "analysis.json")));

        var dropped = RunHost(Design(), "analyze", dir, "--drop-invalid");
        Assert.Equal(0, dropped.Exit);
        Assert.Contains("Dropped 12 unit(s)", dropped.Output);
    }

    public static TheoryData<string> Malformed => new() { "text", "truncated", "no units table", "units table without columns", "empty" };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void A_malformed_run_database_is_bad_input_naming_the_file(string kind)
    {
        using var temp = new TempDirectory();
        var dir = Path.Combine(temp.Path, "run");
        Directory.CreateDirectory(dir);
        var db = Path.Combine(dir, "run.db");
        switch (kind)
        {
            case "text":
                File.WriteAllText(db, "this is not a database\n");
                break;
            case "truncated":
                RawRunDatabase.Create(dir, Enumerable.Range(0, 2_000).Select(e => U($"u{e}", epoch: e % 100, condition: e < 100 ? "baseline" : "EvalCue",
                    checkpoint: e / 200 % 2 == 0 ? "o3" : "o3_as") with { Error = new string('x', 300) }).DistinctBy(u => (u.Checkpoint, u.Condition, u.Epoch)));
                using (var stream = new FileStream(db, FileMode.Open)) stream.SetLength(stream.Length / 2);
                break;
            case "no units table":
                RawRunDatabase.Execute(db, "CREATE TABLE results (id TEXT);");
                break;
            case "units table without columns":
                RawRunDatabase.Execute(db, "CREATE TABLE units (unit_id TEXT, run TEXT);");
                break;
            case "empty":
                File.WriteAllBytes(db, []);
                break;
        }
        var bytes = File.ReadAllBytes(db);
        foreach (var command in new[] { "analyze", "report" })
        {
            var (exit, output, errors) = RunHost(Design(), command, dir);
            Assert.Equal(RunnerHost.UsageError, exit);
            Assert.StartsWith($"error: {db} is not a readable run database: ", errors);
            Assert.DoesNotContain("internal error", errors);
            Assert.Equal("", output);
            Assert.Equal(["run.db"], Directory.EnumerateFileSystemEntries(dir).Select(Path.GetFileName));
        }
        Assert.Equal(bytes, File.ReadAllBytes(db)); // read-only: the file is left as it was
    }
}
