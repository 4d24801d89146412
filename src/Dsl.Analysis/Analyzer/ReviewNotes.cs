using Scheme.Engine.Store;
using Scheme.Model;

namespace Scheme.Analysis;

/// <summary>What the analysis says about reviewed metrics: their coverage, and what a test over one rests on.</summary>
internal static class ReviewNotes
{
    /// <summary>One note per reviewed metric: how many eligible units (its detector fired) were reviewed, over every full cell.</summary>
    public static IEnumerable<string> For(ExperimentDefinition experiment, IReadOnlyList<ReviewLabel>? labels, IReadOnlyList<MetricRow> rows)
    {
        foreach (var metric in experiment.Metrics.Where(m => m.Reviewed is not null))
        {
            var cells = rows.Where(r => r.Metric == metric.Name && r.IsFullCell).ToList();
            long reviewed = cells.Sum(r => r.N), eligible = cells.Sum(r => r.Eligible ?? 0);
            yield return labels is null
                ? $"Metric {metric.Name} counts human review labels of '{metric.Reviewed}', and none were read (analyze a run directory, " +
                  $"or pass the export's labels with --labels): all {eligible} eligible units are unreviewed."
                : $"Metric {metric.Name} counts the units where '{metric.Reviewed}' fired and reviewers decided it: {reviewed} of {eligible} " +
                  $"eligible units reviewed ({eligible - reviewed} not counted: unreviewed, unclear, tied or missing).";
        }
    }

    /// <summary>The note every hypothesis over a reviewed metric carries: what it counts per side, and what it rests on.</summary>
    public static string Hypothesis(HypothesisDefinition h, string reviewed, HypothesisData data)
    {
        var right = h.Right is null ? "" : $", right {data.Right.N} of {data.Right.N + data.RightMissing + data.RightUnreviewed}";
        return $"{h.Metric} counts only human-reviewed flags of '{reviewed}' (reviewed of eligible: left {data.Left.N} of " +
            $"{data.Left.N + data.LeftMissing + data.LeftUnreviewed}{right}). The labels were added after the run: the test is fair " +
            "only if units were reviewed in the review queue's order (an unbiased sample) and blind to checkpoint and condition.";
    }
}
