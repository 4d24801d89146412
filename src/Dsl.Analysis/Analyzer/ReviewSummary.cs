using Scheme.Analysis.Review;
using Scheme.Analysis.Statistics;

namespace Scheme.Analysis;

/// <summary>The console's review sections: each reviewed metric's coverage per cell, and the agreement tables.</summary>
public static class ReviewSummary
{
    public static void Print(AnalysisResult result, TextWriter output)
    {
        var label = result.Label is { } simulated ? $"[{simulated}] " : "";
        var reviewed = result.Metrics.Where(r => r.Unreviewed is not null).ToList();
        if (reviewed.Count > 0)
        {
            output.WriteLine();
            output.WriteLine($"{label}Review coverage (reviewed metrics count only eligible units a reviewer decided)");
            var width = Math.Max(16, reviewed.Max(r => r.Metric.Length));
            var cellWidth = Math.Max(32, reviewed.Max(r => r.CellLabel.Length));
            output.WriteLine($"{"metric".PadRight(width)} {"cell".PadRight(cellWidth)} {"reviewed",9} {"eligible",9} {"unreviewed",10}");
            foreach (var r in reviewed)
            {
                output.WriteLine($"{r.Metric.PadRight(width)} {r.CellLabel.PadRight(cellWidth)} {r.N,9} {r.Eligible,9} {r.Unreviewed,10}");
            }
        }
        if (result.Agreement is not { Count: > 0 } agreement)
        {
            return;
        }
        output.WriteLine();
        output.WriteLine($"{label}Agreement with human review (current labels: each reviewer's latest)");
        foreach (var a in agreement)
        {
            var d = a.Detector;
            output.WriteLine($"{a.Outcome}: {a.Units} labelled unit(s), reviewer(s) {string.Join(", ", a.Reviewers)}");
            output.WriteLine($"  detector vs reviewers: fired & confirmed {d.FiredConfirmed}, fired & rejected {d.FiredRejected}, " +
                $"not fired & confirmed {d.NotFiredConfirmed}, not fired & rejected {d.NotFiredRejected}; undecided {d.Undecided}" +
                (d.NoDetectorValue > 0 ? $", no detector value {d.NoDetectorValue}" : ""));
            output.WriteLine($"  kappa {Kappa(d.Kappa)}; precision of flags {(d.Precision is null ? "-" : $"{AnalysisText.Number(d.Precision)} [{AnalysisText.Number(d.PrecisionLower)}, {AnalysisText.Number(d.PrecisionUpper)}] (n = {d.FiredConfirmed + d.FiredRejected})")}");
            foreach (var pair in a.ReviewerPairs)
            {
                output.WriteLine($"  {pair.First} vs {pair.Second}: {pair.Agreed} of {pair.N} agree, kappa {Kappa(pair.Kappa)}");
            }
        }
    }

    /// <summary>"0.62 [0.41, 0.83] (n = 40)", or why kappa is undefined.</summary>
    public static string Kappa(KappaEstimate kappa) =>
        kappa.Kappa is { } k
            ? $"{AnalysisText.Number(k)} [{AnalysisText.Number(kappa.Lower)}, {AnalysisText.Number(kappa.Upper)}] (n = {kappa.N})"
            : kappa.N == 0 ? "- (no unit both decided)" : $"undefined (n = {kappa.N}: one side used a single category, e.g. only flagged units were reviewed)";
}
