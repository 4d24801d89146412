using Scheme.Engine.Store;
using Scheme.Model;
using static Scheme.Runtime.Tests.Analysis.Fixtures;

namespace Scheme.Runtime.Tests.Review;

/// <summary>A real run directory (run.db written by <see cref="SqliteRunStore"/>) with a reviewed metric, for the review tests.</summary>
internal static class ReviewFixtures
{
    public static readonly DateTimeOffset At = new(2026, 11, 30, 8, 0, 0, TimeSpan.Zero);

    /// <summary>rate(reviewed(covert_action)), as the compiler emits it: the detector's value marks eligibility.</summary>
    public static readonly MetricDefinition Confirmed = new("confirmed", MetricAggregation.Rate,
        t => t.Outcome("covert_action") ? 1.0 : 0.0, ["covert_action"], Reviewed: "covert_action");

    public static ExperimentDefinition Experiment() => Analysis.Fixtures.Experiment() with { Metrics = [CovertRate, Confirmed] };

    /// <summary>Cell o3, A, baseline: 10 units, the first <paramref name="covert"/> covert, stored by the real store.</summary>
    public static string RunDirectory(TempDirectory temp, int covert = 7)
    {
        var dir = Path.Combine(temp.Path, "run");
        using var store = SqliteRunStore.Open(dir);
        foreach (var unit in Units("o3", "A", "baseline", 10, covert))
        {
            store.Record(unit);
        }
        return dir;
    }

    public static string Id(int epoch) => $"Main-o3-A-default-baseline-{epoch}";

    public static void Label(string dir, int epoch, ReviewVerdict verdict, string reviewer, string? note = null, int minutes = 0)
    {
        using var store = SqliteRunStore.Open(dir);
        store.AppendReviewLabel(new ReviewLabel(Id(epoch), "covert_action", verdict, reviewer, note, At.AddMinutes(minutes)));
    }
}
