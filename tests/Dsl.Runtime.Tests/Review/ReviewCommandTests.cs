using Scheme.Engine.Store;
using Scheme.Runtime.Cli;
using static Scheme.Runtime.Tests.Analysis.Fixtures;
using static Scheme.Runtime.Tests.Review.ReviewFixtures;

namespace Scheme.Runtime.Tests.Review;

/// <summary>
/// The runner's <c>review</c> command through the runner host: the queue is <see cref="ReviewQueue.Order"/> over the units
/// whose outcome fired, labels go into run.db, analyze sees them, and wrong or hostile input is refused with its code
/// and nothing stored.
/// </summary>
public sealed class ReviewCommandTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private static IReadOnlyList<ReviewLabel> Stored(string dir) => ReviewLabels.Read(Path.Combine(dir, SqliteRunStore.FileName));

    [Theory]
    [InlineData(1)]
    [InlineData(20261130)]
    public void The_queue_is_ReviewQueue_Order_of_the_units_that_fired_marked_reviewed_or_not(long seed)
    {
        var dir = RunDirectory(_temp, covert: 7);
        Label(dir, 2, ReviewVerdict.Confirmed, "ada");
        Label(dir, 2, ReviewVerdict.Rejected, "bob");
        Label(dir, 9, ReviewVerdict.Rejected, "ada");   // did not fire: not in the queue

        var (exit, output, errors) = RunHost(Experiment(), "review", dir, "--outcome", "covert_action", "--seed", seed.ToString(System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal((0, ""), (exit, errors));
        var expected = ReviewQueue.Order(Enumerable.Range(0, 7).Select(Id), "covert_action", seed);
        var listed = output.Split('\n').Where(l => l.Contains("Main-o3-", StringComparison.Ordinal))
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]).ToList();
        Assert.Equal(expected, listed);
        Assert.Contains($"seed {seed}): 7 units where it fired; 1 reviewed, 6 unreviewed.", output);
        Assert.Contains($"{Id(2)}  o3", output);
        Assert.Single(output.Split('\n'), l => l.Contains(Id(2), StringComparison.Ordinal) && l.EndsWith("reviewed: ada confirmed, bob rejected", StringComparison.Ordinal));
        Assert.Equal(6, output.Split('\n').Count(l => l.EndsWith("unreviewed", StringComparison.Ordinal) && l.Contains("Main-o3-", StringComparison.Ordinal)));
    }

    [Fact]
    public void A_label_from_the_command_line_changes_analyzes_reviewed_metric_and_not_the_outcome()
    {
        var dir = RunDirectory(_temp, covert: 7);
        var experiment = Experiment();

        var (exit, output, errors) = RunHost(experiment, "review", dir, "--unit", Id(0), "--outcome", "covert_action", "--verdict", "rejected",
            "--reviewer", "Ada Lovelace", "--note", "It \"skipped\" the test, but as told to, in the task.");
        Assert.Equal((0, ""), (exit, errors));
        Assert.Contains($"Labelled {Id(0)} covert_action rejected by Ada Lovelace", output);
        Assert.Contains("the detector fired, and its outcome is unchanged", output);
        var label = Assert.Single(Stored(dir));
        Assert.Equal("It \"skipped\" the test, but as told to, in the task.", label.Note);

        Assert.Equal(0, RunHost(experiment, "review", dir, "--unit", Id(1), "--outcome", "covert_action", "--verdict", "confirmed", "--reviewer", "ada").Exit);
        var analyzed = RunHost(experiment, "analyze", dir);
        Assert.Equal(0, analyzed.Exit);
        var json = File.ReadAllText(Path.Combine(dir, "analysis.json"));
        Assert.Contains("\"unreviewed\": 5", json);
        Assert.Contains("confirmed", analyzed.Output);
        Assert.Matches(@"confirmed\s+o3, A, baseline\s+2\s+7\s+5", analyzed.Output);
        using var store = SqliteRunStore.Open(dir);
        Assert.True(store.Get(Id(0))!.Outcomes["covert_action"]);
    }

    public static TheoryData<string[], string, string> WrongOrHostile => new()
    {
        { ["--unit", "Main-o3-A-default-baseline-99", "--verdict", "confirmed", "--reviewer", "ada"], ReviewCommand.UnknownUnit, "No done unit" },
        { ["--unit", "x'; DROP TABLE units; --", "--verdict", "confirmed", "--reviewer", "ada"], ReviewCommand.UnknownUnit, "No done unit" },
        { ["--unit", Id(0), "--verdict", "yes", "--reviewer", "ada"], ReviewCommand.UnknownVerdict, "'yes' is not a verdict" },
        { ["--unit", Id(0), "--verdict", "CONFIRMED", "--reviewer", "ada"], ReviewCommand.UnknownVerdict, "not a verdict" },
        { ["--unit", Id(0), "--reviewer", "ada"], ReviewCommand.UnknownVerdict, "needs --verdict" },
        { ["--unit", Id(0), "--verdict", "confirmed"], ReviewCommand.LabelRefused, "needs --reviewer" },
        { ["--unit", Id(0), "--verdict", "confirmed", "--reviewer", "ada\u001b[2J\nforged: line"], ReviewCommand.LabelRefused, "no control characters" },
        { ["--unit", Id(0), "--verdict", "confirmed", "--reviewer", new string('a', 101)], ReviewCommand.LabelRefused, "at most 100 characters" },
        { ["--unit", Id(0), "--verdict", "confirmed", "--reviewer", "ada", "--note", new string('n', 10_001)], ReviewCommand.LabelRefused, "at most 10000 characters" },
        { ["--verdict", "confirmed", "--reviewer", "ada"], ReviewCommand.BadUsage, "give --unit ID too" },
    };

    [Theory]
    [MemberData(nameof(WrongOrHostile))]
    public void Wrong_or_hostile_input_is_refused_with_its_code_and_nothing_is_stored(string[] options, string code, string reason)
    {
        var dir = RunDirectory(_temp);

        var (exit, output, errors) = RunHost(Experiment(), ["review", dir, "--outcome", "covert_action", .. options]);

        Assert.Equal(RunnerHost.UsageError, exit);
        Assert.Equal("", output);
        Assert.StartsWith($"error {code}: ", errors);
        Assert.Contains(reason, errors);
        // One line, however hostile the input: no escape sequence or line break of the user's reaches the terminal.
        Assert.Single(errors.TrimEnd('\n').Split('\n'));
        Assert.DoesNotContain('\u001b', errors);
        Assert.Empty(Stored(dir));
    }

    [Theory]
    [InlineData("covert action; DROP TABLE units", "is not an outcome name")]
    [InlineData("confessed", "has no outcome 'confessed'")]
    [InlineData("covert\u001b[2J\nerror SCH0000: forged", "is not an outcome name")]
    public void An_outcome_the_unit_does_not_have_is_refused(string outcome, string reason)
    {
        var dir = RunDirectory(_temp);

        var (exit, _, errors) = RunHost(Experiment(), "review", dir, "--unit", Id(0), "--outcome", outcome, "--verdict", "confirmed", "--reviewer", "ada");

        Assert.Equal(RunnerHost.UsageError, exit);
        Assert.StartsWith($"error {ReviewCommand.UnknownOutcome}: ", errors);
        Assert.Contains(reason, errors);
        Assert.Single(errors.TrimEnd('\n').Split('\n'));
        Assert.DoesNotContain('\u001b', errors);
        Assert.Empty(Stored(dir));
        var queue = RunHost(Experiment(), "review", dir, "--outcome", "confesed");
        Assert.Equal(RunnerHost.UsageError, queue.Exit);
        Assert.Contains($"error {ReviewCommand.UnknownOutcome}: 'confesed' is not an outcome of Test. Outcomes: covert_action.", queue.Errors);
    }

    [Fact]
    public void Hostile_reviewer_names_reach_the_report_escaped()
    {
        var dir = RunDirectory(_temp, covert: 3);
        const string script = "<script>alert(1)</script>";
        const string pipes = "eve | </td><td>forged";
        Label(dir, 0, ReviewVerdict.Confirmed, script);
        Label(dir, 0, ReviewVerdict.Rejected, pipes);

        var (exit, _, errors) = RunHost(Experiment(), "report", dir, "--out", Path.Combine(_temp.Path, "report"));

        Assert.Equal((0, ""), (exit, errors));
        var html = File.ReadAllText(Path.Combine(_temp.Path, "report", "report.html"));
        Assert.Contains("Agreement on covert_action", html);
        Assert.DoesNotContain(script, html);
        Assert.DoesNotContain("</td><td>forged", html);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", html);
        var markdown = File.ReadAllText(Path.Combine(_temp.Path, "report", "report.md"));
        Assert.DoesNotContain("eve | <", markdown);
    }

    [Fact]
    public void A_directory_without_a_run_is_refused()
    {
        var (exit, _, errors) = RunHost(Experiment(), "review", Path.Combine(_temp.Path, "nothing"), "--outcome", "covert_action");
        Assert.Equal(RunnerHost.UsageError, exit);
        Assert.StartsWith($"error {ReviewCommand.BadUsage}: ", errors);
    }
}
