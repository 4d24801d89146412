using Scheme.Analysis;
using Scheme.Analysis.Review;
using Scheme.Analysis.Statistics;
using Scheme.Engine.Store;
using Scheme.Model;
using static Scheme.Runtime.Tests.Review.ReviewFixtures;

namespace Scheme.Runtime.Tests.Review;

/// <summary>
/// rate(reviewed(outcome)) in analysis: it counts only the units where the detector fired and the reviewers decided,
/// says how many eligible units were not counted, follows the majority of each reviewer's latest decisive label, and
/// never changes the automated metric. The agreement tables are checked against counts made by hand.
/// </summary>
public sealed class ReviewedMetricTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private static AnalysisResult Analyze(string dir, IReadOnlyList<ReviewLabel>? labels) =>
        ExperimentAnalyzer.Analyze(Experiment(), RunDatabase.ReadUnits(Path.Combine(dir, SqliteRunStore.FileName), []),
            new AnalysisOptions(dir, Labels: labels));

    private static MetricRow Row(AnalysisResult result, string metric) =>
        result.Metrics.Single(r => r.Metric == metric && r.IsFullCell);

    [Fact]
    public void Counts_only_decided_flags_and_states_the_coverage()
    {
        var dir = RunDirectory(_temp, covert: 7);
        Label(dir, 0, ReviewVerdict.Confirmed, "ada");
        Label(dir, 1, ReviewVerdict.Confirmed, "ada");
        Label(dir, 2, ReviewVerdict.Confirmed, "ada");
        Label(dir, 3, ReviewVerdict.Rejected, "ada");
        Label(dir, 4, ReviewVerdict.Unclear, "ada");                 // reviewed, not decided: not counted
        Label(dir, 5, ReviewVerdict.Confirmed, "ada");               // a tie: not counted
        Label(dir, 5, ReviewVerdict.Rejected, "bob");
        Label(dir, 8, ReviewVerdict.Confirmed, "ada");               // the detector did not fire: not eligible
        // epoch 6 fired and is unlabelled.

        var result = Analyze(dir, ReviewLabels.Read(Path.Combine(dir, SqliteRunStore.FileName)));

        var row = Row(result, "confirmed");
        Assert.Equal((4L, 3.0, 0.75), (row.N, row.Successes!.Value, row.Estimate!.Value));
        Assert.Equal((3L, 7L), (row.Unreviewed!.Value, row.Eligible!.Value));
        Assert.Contains(result.Notes, n => n.Contains("4 of 7 eligible units reviewed", StringComparison.Ordinal));
        var json = AnalysisJson.Serialize(result);
        Assert.Contains("\"unreviewed\": 3", json);
        Assert.Contains("\"eligible\": 7", json);
        // Only the reviewed metric carries coverage: the automated one's rows are as before.
        Assert.Null(Row(result, "covert_rate").Unreviewed);
    }

    [Fact]
    public void Labels_change_the_reviewed_metric_and_never_the_automated_one()
    {
        var dir = RunDirectory(_temp, covert: 7);
        var before = Analyze(dir, ReviewLabels.Read(Path.Combine(dir, SqliteRunStore.FileName)));
        Assert.Equal((0L, 7L), (Row(before, "confirmed").N, Row(before, "confirmed").Unreviewed!.Value));

        Label(dir, 0, ReviewVerdict.Rejected, "ada");
        Label(dir, 1, ReviewVerdict.Rejected, "ada");
        Label(dir, 2, ReviewVerdict.Confirmed, "ada");
        var after = Analyze(dir, ReviewLabels.Read(Path.Combine(dir, SqliteRunStore.FileName)));

        Assert.Equal((3L, 1.0), (Row(after, "confirmed").N, Row(after, "confirmed").Successes!.Value));
        Assert.Equal(Row(before, "covert_rate"), Row(after, "covert_rate"));
        Assert.Equal((10L, 7.0), (Row(after, "covert_rate").N, Row(after, "covert_rate").Successes!.Value));
    }

    [Fact]
    public void Several_reviewers_decide_by_the_majority_of_their_latest_decisive_labels()
    {
        var dir = RunDirectory(_temp, covert: 4);
        // Unit 0: two confirm, one rejects -> confirmed.
        Label(dir, 0, ReviewVerdict.Confirmed, "ada");
        Label(dir, 0, ReviewVerdict.Confirmed, "bob");
        Label(dir, 0, ReviewVerdict.Rejected, "cy");
        // Unit 1: ada changed her mind (latest counts once), bob unclear -> rejected.
        Label(dir, 1, ReviewVerdict.Confirmed, "ada");
        Label(dir, 1, ReviewVerdict.Rejected, "ada", minutes: 5);
        Label(dir, 1, ReviewVerdict.Unclear, "bob");
        // Unit 2: ada twice confirmed (counts once), bob rejected -> a tie: undecided.
        Label(dir, 2, ReviewVerdict.Confirmed, "ada");
        Label(dir, 2, ReviewVerdict.Confirmed, "ada", minutes: 1);
        Label(dir, 2, ReviewVerdict.Rejected, "bob");
        var labels = ReviewLabels.Read(Path.Combine(dir, SqliteRunStore.FileName));

        var decisions = new ReviewDecisions(labels);
        Assert.Equal(ReviewDecision.Confirmed, decisions.Decide(Id(0), "covert_action"));
        Assert.Equal(ReviewDecision.Rejected, decisions.Decide(Id(1), "covert_action"));
        Assert.Equal(ReviewDecision.Undecided, decisions.Decide(Id(2), "covert_action"));
        Assert.Equal(ReviewDecision.Unreviewed, decisions.Decide(Id(3), "covert_action"));
        Assert.Equal(ReviewDecision.Unreviewed, decisions.Decide(Id(0), "other_outcome"));

        var row = Row(Analyze(dir, labels), "confirmed");
        Assert.Equal((2L, 1.0, 2L), (row.N, row.Successes!.Value, row.Unreviewed!.Value));
    }

    [Fact]
    public void Agreement_counts_the_detector_against_the_reviewers_and_every_two_reviewers()
    {
        var dir = RunDirectory(_temp, covert: 5);
        // Fired (0-4): ada confirms 0, 1, 2 and rejects 3; bob confirms 0, 1, rejects 2 and 3, is unclear on 4.
        foreach (var (epoch, a, b) in new[] { (0, ReviewVerdict.Confirmed, ReviewVerdict.Confirmed), (1, ReviewVerdict.Confirmed, ReviewVerdict.Confirmed),
                     (2, ReviewVerdict.Confirmed, ReviewVerdict.Rejected), (3, ReviewVerdict.Rejected, ReviewVerdict.Rejected) })
        {
            Label(dir, epoch, a, "ada");
            Label(dir, epoch, b, "bob");
        }
        Label(dir, 4, ReviewVerdict.Unclear, "bob");
        // Not fired (5-9): ada rejects 5 and 6 (agreeing with the detector), confirms 7 (a miss).
        Label(dir, 5, ReviewVerdict.Rejected, "ada");
        Label(dir, 6, ReviewVerdict.Rejected, "ada");
        Label(dir, 7, ReviewVerdict.Confirmed, "ada");

        var result = Analyze(dir, ReviewLabels.Read(Path.Combine(dir, SqliteRunStore.FileName)));

        var agreement = Assert.Single(result.Agreement!);
        Assert.Equal(("covert_action", 8L), (agreement.Outcome, agreement.Units));
        Assert.Equal(["ada", "bob"], agreement.Reviewers);
        var d = agreement.Detector;
        // Decisions: 0, 1 confirmed; 2 tie (undecided); 3 rejected; 4 only unclear (undecided); 5, 6 rejected; 7 confirmed.
        Assert.Equal((2L, 1L, 1L, 2L, 2L), (d.FiredConfirmed, d.FiredRejected, d.NotFiredConfirmed, d.NotFiredRejected, d.Undecided));
        var expected = CohensKappa.Compute(new long[,] { { 2, 1 }, { 1, 2 } });
        Assert.Equal(expected, d.Kappa);
        Assert.Equal(1.0 / 3, d.Kappa.Kappa!.Value, 12);
        Assert.Equal(2.0 / 3, d.Precision!.Value, 12);
        Assert.Equal(WilsonInterval.Compute(2, 3).Lower, d.PrecisionLower!.Value, 12);

        var pair = Assert.Single(agreement.ReviewerPairs);
        Assert.Equal(("ada", "bob", 4L, 3L), (pair.First, pair.Second, pair.N, pair.Agreed));
        // Rows ada, columns bob, over confirmed / rejected / unclear.
        Assert.Equal(CohensKappa.Compute(new long[,] { { 2, 1, 0 }, { 0, 1, 0 }, { 0, 0, 0 } }), pair.Kappa);

        var text = new StringWriter();
        AnalysisSummary.Print(result, text);
        Assert.Contains("fired & confirmed 2, fired & rejected 1, not fired & confirmed 1, not fired & rejected 2; undecided 2", text.ToString());
        Assert.Contains("ada vs bob: 3 of 4 agree", text.ToString());
        Assert.Contains("\"agreement\"", AnalysisJson.Serialize(result));
    }

    [Fact]
    public void Without_labels_every_flag_is_unreviewed_and_the_analysis_says_why()
    {
        var dir = RunDirectory(_temp, covert: 3);

        var result = Analyze(dir, labels: null);

        var row = Row(result, "confirmed");
        Assert.Equal((0L, 3L), (row.N, row.Unreviewed!.Value));
        Assert.Null(result.Agreement);
        Assert.Contains(result.Notes, n => n.Contains("none were read", StringComparison.Ordinal));
        Assert.DoesNotContain("\"agreement\"", AnalysisJson.Serialize(result));
    }
}
