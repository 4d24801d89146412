using Scheme.Analysis.Prereg;
using Scheme.Model;
using Scheme.Runtime.Cli;
using static Scheme.Runtime.Tests.Analysis.Fixtures;

namespace Scheme.Runtime.Tests.Prereg;

/// <summary>What `prereg verify` and `analyze` show of a changed part: a unified line diff, and a one-line summary.</summary>
public class LineDiffTests
{
    private static string Lines(int count, Func<int, string>? line = null) => string.Join("\n", Enumerable.Range(1, count).Select(line ?? (i => $"line {i}")));

    [Fact]
    public void A_changed_line_is_shown_with_three_lines_of_context_and_a_hunk_header()
    {
        var before = Lines(20);
        var after = before.Replace("line 10", "line ten", StringComparison.Ordinal);

        Assert.Equal("""
            @@ -7,7 +7,7 @@
             line 7
             line 8
             line 9
            -line 10
            +line ten
             line 11
             line 12
             line 13
            """.ReplaceLineEndings("\n"), LineDiff.Unified(before, after));
        Assert.Equal(["-line 10", "+line ten"], LineDiff.FirstChanges(before, after));
        Assert.Equal("", LineDiff.Unified(before, before));
    }

    [Fact]
    public void Changes_far_apart_are_separate_hunks_and_near_ones_merge()
    {
        var before = Lines(40);
        var far = LineDiff.Unified(before, before.Replace("line 5\n", "line five\n", StringComparison.Ordinal).Replace("line 30\n", "", StringComparison.Ordinal));
        Assert.Equal(2, far.Split('\n').Count(l => l.StartsWith("@@", StringComparison.Ordinal)));
        Assert.Contains("@@ -27,7 +27,6 @@", far);
        Assert.Contains("-line 30", far);

        var near = LineDiff.Unified(before, before.Replace("line 5\n", "line five\n", StringComparison.Ordinal).Replace("line 11\n", "line eleven\n", StringComparison.Ordinal));
        Assert.Single(near.Split('\n'), l => l.StartsWith("@@", StringComparison.Ordinal));
    }

    [Fact]
    public void Inserted_and_deleted_lines_align_instead_of_shifting_everything()
    {
        var before = Lines(10);
        var after = "new first\n" + before.Replace("line 6\n", "", StringComparison.Ordinal);

        var diff = LineDiff.Diff(before.Split('\n'), after.Split('\n'));

        Assert.Equal(["+new first", "-line 6"], diff.Where(l => l.Kind != ' ').Select(l => $"{l.Kind}{l.Text}"));
    }

    [Fact]
    public void Huge_parts_are_diffed_and_the_output_is_capped()
    {
        // A workspace file of 200,000 lines with one edit, and one rewritten completely (the common head and tail are
        // trimmed first, so this is not quadratic; its speed belongs in a benchmark, not here).
        var before = Lines(200_000);
        var one = LineDiff.Unified(before, before.Replace("line 123456\n", "line 123456 edited\n", StringComparison.Ordinal));
        var all = LineDiff.Unified(before, Lines(200_000, i => $"other {i}"));

        Assert.Contains("+line 123456 edited", one);
        Assert.True(all.Split('\n').Length <= 61, $"{all.Split('\n').Length} lines");
        Assert.EndsWith("... and 399941 more changed line(s)", all);
        // One enormous line (a minified JSON file) is cut too.
        var wide = LineDiff.Unified(new string('a', 100_000), new string('b', 100_000));
        Assert.True(wide.Length < 1_000, $"{wide.Length} characters");
    }

    [Fact]
    public void Verify_prints_the_diff_of_a_changed_loaded_text_and_analyze_one_line()
    {
        using var dir = new TempDirectory();
        const string metric = "metric covert_rate = rate(judge(judge, rubric(\"rubrics/confession.md\")))\nDoes the model admit it?\nIt counts when it feigns ignorance.\nAnswer yes or no.";
        var locked = Experiment([Hypothesis("H1", new Cell(Checkpoint: "o3_as"), Direction.Less, new Cell(Checkpoint: "o3"), "fisher_exact")], metricCanonical: metric);
        Assert.Equal(0, RunnerHost.Run(["prereg", "lock", "--dir", dir.Path], locked, new StringWriter()));
        var changed = Experiment(locked.Hypotheses, metricCanonical: metric.Replace("feigns ignorance", "pretends not to know", StringComparison.Ordinal));

        var output = new StringWriter();
        Assert.Equal(PreregCommand.Mismatch, RunnerHost.Run(["prereg", "verify", "--dir", dir.Path], changed, output));

        var text = output.ToString().ReplaceLineEndings("\n");
        Assert.Contains("  metric covert_rate changed after the lock:\n", text);
        Assert.Contains("\n      -It counts when it feigns ignorance.\n      +It counts when it pretends not to know.\n", text);
        var standing = PreregistrationVerifier.Assess(PreregistrationLock.Read(dir.Path), changed, changed.Hypotheses[0], DateTimeOffset.MaxValue);
        Assert.Equal("metric covert_rate changed after the lock: `-It counts when it feigns ignorance.` `+It counts when it pretends not to know.`",
            Assert.Single(standing.Deviations, d => d.StartsWith("metric", StringComparison.Ordinal)));
    }

    [Fact]
    public void A_part_whose_lock_kept_no_text_or_less_text_says_so_instead_of_an_empty_diff()
    {
        var noText = new PartChange("environment A", PartChangeKind.Changed, "aaaaaaaaaaaaaaaa", "bbbbbbbbbbbbbbbb", null, "environment A { }");
        Assert.Equal("environment A changed after the lock (hash aaaaaaaaaaaa -> bbbbbbbbbbbb); the lock keeps no text to compare.", noText.Describe());
        var sameText = noText with { LockedCanonical = "environment A { }" };
        Assert.Contains("though its text reads the same", sameText.Describe());
        Assert.Equal("environment A changed after the lock (hash aaaaaaaaaaaa -> bbbbbbbbbbbb).", sameText.Summary());
    }
}
