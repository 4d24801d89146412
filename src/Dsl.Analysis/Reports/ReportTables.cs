using System.Globalization;
using Scheme.Analysis;
using Scheme.Model;

namespace Scheme.Analysis.Reports;

/// <summary>A table of the report, rendered the same way in Markdown and HTML.</summary>
public sealed record ReportTable(string Title, IReadOnlyList<string> Headers, IReadOnlyList<IReadOnlyList<string>> Rows, IReadOnlyList<string> Notes);

/// <summary>The report's tables, built once from an analysis so both formats say exactly the same.</summary>
public static class ReportTables
{
    public static ReportTable Hypotheses(AnalysisResult result)
    {
        var rows = result.Hypotheses.Select(h => (IReadOnlyList<string>)
        [
            h.Name + (h.Title is null ? "" : $": {h.Title}"),
            h.Comparison,
            AnalysisText.Test(h),
            AnalysisText.Units(h),
            AnalysisText.Number(h.Estimate),
            AnalysisText.Interval(h),
            AnalysisText.PValue(h.PValue),
            $"{AnalysisText.PValue(h.CorrectedPValue)} ({h.Correction}, {h.Family})",
            h.Alpha.ToString(CultureInfo.InvariantCulture),
            AnalysisSummary.DecisionText(h.Decision),
            h.Confirmatory ? "confirmatory" : "exploratory",
        ]).ToList();
        var notes = result.Hypotheses.SelectMany(h =>
            h.Deviations.Select(d => $"{h.Name} is exploratory: {d}")
                .Concat(h.Notes.Select(n => $"{h.Name}: {n}"))
                .Concat(h.IntervalMethod is null ? [] : [$"{h.Name}: interval is {h.IntervalMethod}{(h.IntervalInvertsTest ? ", the test's own inversion" : "")}; " +
                    $"n = {h.LeftN} vs {(h.RightEstimate is null ? "constant" : h.RightN.ToString(CultureInfo.InvariantCulture))}."]))
            .ToList();
        return new ReportTable("Hypotheses",
            ["hypothesis", "comparison", "test", "n left/right (excluded)", "estimate", "interval (level and sides of the test)", "p", "corrected p", "alpha", "decision", "standing"], rows, notes);
    }

    public static IEnumerable<ReportTable> Metrics(AnalysisResult result)
    {
        foreach (var group in result.Metrics.GroupBy(r => r.Metric))
        {
            var rate = group.First().Aggregation == MetricAggregation.Rate;
            var rows = group.Select(r => (IReadOnlyList<string>)(rate
                ?
                [
                    Factor(r.Checkpoint), Variant(r), Factor(r.Condition), Count(r.N), Count(r.Missing), Count(r.Indeterminate),
                    Count(r.Failed), AnalysisText.Number(r.Successes, 0), AnalysisText.Percent(r.Estimate),
                    r.Lower is null ? "-" : $"[{AnalysisText.Percent(r.Lower)}, {AnalysisText.Percent(r.Upper)}]",
                    r.WilsonLower is null ? "-" : $"[{AnalysisText.Percent(r.WilsonLower)}, {AnalysisText.Percent(r.WilsonUpper)}]",
                ]
                :
                [
                    Factor(r.Checkpoint), Variant(r), Factor(r.Condition), Count(r.N), Count(r.Missing), Count(r.Indeterminate),
                    Count(r.Failed), AnalysisText.Number(r.Estimate), AnalysisText.Number(r.StandardDeviation),
                    r.Lower is null ? "-" : $"[{AnalysisText.Number(r.Lower)}, {AnalysisText.Number(r.Upper)}]",
                ])).ToList();
            IReadOnlyList<string> headers = rate
                ? ["checkpoint", "environment", "condition", "n", "missing", "indeterminate", "failed", "k", "rate", "95% Beta posterior", "95% Wilson"]
                : ["checkpoint", "environment", "condition", "n", "missing", "indeterminate", "failed", "mean", "sd", "95% t interval"];
            yield return new ReportTable($"Metric {group.Key} ({(rate ? "rate" : "mean")})", headers, rows,
                ["\"all\" means pooled over that factor; an environment with param values in parentheses is those of its variants only.",
                 "n counts the units with a value; missing, the units the metric applies to that have none (left out, never counted as 0); indeterminate, those of them where an outcome the metric requires could not be decided."]);
        }
    }

    /// <summary>The environment, with the param values a variant's row (or a hypothesis's cell) selects: "Env (nudge: false)".</summary>
    private static string Variant(MetricRow row) =>
        row.Params is not { Count: > 0 } parameters
            ? Factor(row.Environment)
            : $"{Factor(row.Environment)} ({string.Join(", ", parameters.Select(p => $"{p.Name}: {AnalysisText.Value(p.Value)}"))})";

    public static ReportTable BeforeAfter(BeforeAfterView view)
    {
        static string Cell(RateCell? c) => c is null ? "-" : $"{AnalysisText.Percent(c.Estimate)} [{AnalysisText.Percent(c.Lower)}, {AnalysisText.Percent(c.Upper)}] ({c.Successes}/{c.N})";
        var rows = view.Rows.Select(r => (IReadOnlyList<string>)[r.Environment, Cell(r.Before), Cell(r.After)]).ToList();
        if (view.AverageBefore is { } b && view.AverageAfter is { } a)
        {
            rows.Add([$"Average over {b.Environments} environments",
                $"{AnalysisText.Percent(b.Estimate)} [{AnalysisText.Percent(b.Lower)}, {AnalysisText.Percent(b.Upper)}]",
                $"{AnalysisText.Percent(a.Estimate)} [{AnalysisText.Percent(a.Lower)}, {AnalysisText.Percent(a.Upper)}]"]);
        }
        return new ReportTable($"{view.Metric}: {view.Before} vs {view.After}, condition {view.Condition}", ["environment", view.Before, view.After], rows,
            ["Rates k/n with 95% Beta(k+1, n-k+1) posterior intervals; the average is the unweighted mean of the k/n above over the environments with data for both checkpoints, with the 95% posterior interval of that mean (Monte Carlo)."]);
    }

    public static IReadOnlyList<string> Overview(AnalysisResult result)
    {
        var data = result.Data;
        var lines = new List<string>
        {
            $"Data: {data.Source} — {data.Units} units ({data.Done} done, {data.Failed} failed){(data.Malformed > 0 ? $", {data.Malformed} malformed lines left out" : "")}.",
            data.FirstUnitStartedAt is { } first ? $"First unit started {first.ToUniversalTime():u}." : "The time of the first unit is not recorded in the data.",
        };
        if (data.Dropped > 0)
        {
            lines.Insert(1, $"Dropped {data.Dropped} unit(s) that do not fit the design (--drop-invalid): {AnalysisText.Counts(data.DroppedByReason.Select(r => (r.Key, r.Value)))}.");
        }
        var prereg = result.Preregistration;
        lines.Add(prereg.LockHash is null
            ? "Preregistration: no lock was given, so every hypothesis is exploratory."
            : $"Preregistration: lock {prereg.LockHash[..12]} made {prereg.LockedAt?.ToUniversalTime():u}; the definition {(prereg.Verified ? "matches it" : $"differs from it in {prereg.Differences.Count} part(s)")}.");
        lines.AddRange(prereg.LockHash is null ? [] : prereg.Differences.Select(d => "  " + d));
        lines.AddRange(data.MetricSources.Select(s => $"Metric {s.Key}: values from the {s.Value}."));
        lines.AddRange(result.Notes);
        return lines;
    }

    private static string Factor(string? value) => value ?? "all";

    private static string Count(long value) => value.ToString(CultureInfo.InvariantCulture);
}
