using Scheme.Analysis.Review;

namespace Scheme.Analysis.Reports;

/// <summary>The report's human review section: each reviewed metric's coverage per cell, and agreement per labelled outcome.</summary>
public static class ReviewTables
{
    public static IEnumerable<ReportTable> All(AnalysisResult result)
    {
        var reviewed = result.Metrics.Where(r => r.Unreviewed is not null).ToList();
        if (reviewed.Count > 0)
        {
            yield return new ReportTable("Review coverage",
                ["metric", "cell", "reviewed (n)", "eligible", "unreviewed", "rate"],
                reviewed.Select(r => (IReadOnlyList<string>)[r.Metric, r.CellLabel, Count(r.N), Count(r.Eligible ?? 0), Count(r.Unreviewed ?? 0), AnalysisText.Percent(r.Estimate)]).ToList(),
                ["A reviewed metric, rate(reviewed(outcome)), counts the units where the outcome fired (eligible) and the reviewers decided: confirmed counts 1, rejected 0.",
                 "Unreviewed units (no label, only unclear labels, or as many confirmed as rejected) are not counted; several reviewers decide by the majority of their latest decisive labels."]);
        }
        foreach (var a in result.Agreement ?? [])
        {
            var d = a.Detector;
            var rows = new List<IReadOnlyList<string>>
            {
                new[] { "detector vs reviewers", $"fired: {d.FiredConfirmed} confirmed, {d.FiredRejected} rejected; not fired: {d.NotFiredConfirmed} confirmed, {d.NotFiredRejected} rejected",
                    ReviewSummary.Kappa(d.Kappa),
                    d.Precision is null ? "-" : $"{AnalysisText.Percent(d.Precision)} [{AnalysisText.Percent(d.PrecisionLower)}, {AnalysisText.Percent(d.PrecisionUpper)}]" },
            };
            rows.AddRange(a.ReviewerPairs.Select(p => (IReadOnlyList<string>)new[] { $"{p.First} vs {p.Second}", $"{p.Agreed} of {p.N} agree", ReviewSummary.Kappa(p.Kappa), "-" }));
            yield return new ReportTable($"Agreement on {a.Outcome}", ["between", "counts", "Cohen's kappa [95%]", "precision of flags [95% Wilson]"], rows,
                [$"{a.Units} labelled unit(s); reviewers: {string.Join(", ", a.Reviewers)}. Each reviewer's latest label counts.",
                 $"Detector vs reviewers compares fired / not fired with the reviewers' decision; {d.Undecided} unit(s) undecided (only unclear, or tied) are left out" +
                 (d.NoDetectorValue > 0 ? $", and {d.NoDetectorValue} without a detector value." : "."),
                 "Reviewer pairs compare confirmed / rejected / unclear on the units both labelled. Kappa's interval: Fleiss, Cohen and Everitt's (1969) standard error, cut to [-1, 1]."]);
        }
    }

    private static string Count(long value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
