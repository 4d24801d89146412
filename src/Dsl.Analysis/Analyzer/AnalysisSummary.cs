using Scheme.Model;

namespace Scheme.Analysis;

/// <summary>The console summary of an analysis: data, the metric table (units counted, missing, indeterminate per cell),
/// then one line per hypothesis with the units it used and left out per side.</summary>
public static class AnalysisSummary
{
    public static void Print(AnalysisResult result, TextWriter output)
    {
        var data = result.Data;
        var label = result.Label is { } simulated ? $"[{simulated}] " : "";
        if (result.Simulated)
        {
            output.WriteLine($"{DataStanding.SimulatedLabel} DATA: these results were drawn from the simulate block, not produced by a model. Nothing here is evidence or confirmatory.");
        }
        output.WriteLine($"{label}{result.Experiment}: {data.Units} units ({data.Done} done, {data.Failed} failed){(data.Malformed > 0 ? $", {data.Malformed} malformed lines skipped" : "")} from {data.Source}");
        if (data.Dropped > 0)
        {
            output.WriteLine($"Dropped {data.Dropped} unit(s) that do not fit the design (--drop-invalid): {AnalysisText.Counts(data.DroppedByReason.Select(r => (r.Key, r.Value)))}.");
        }
        var prereg = result.Preregistration;
        output.WriteLine(prereg.LockHash is null
            ? "Preregistration: no lock; every hypothesis is exploratory."
            : $"Preregistration: lock {prereg.LockHash[..12]} of {prereg.LockedAt:u} {(prereg.Verified ? "matches the definition" : $"differs in {prereg.Differences.Count} part(s)")}.");
        if (result.Metrics.Count > 0)
        {
            output.WriteLine();
            // Columns as wide as their widest entry: variant cells ("o3, Env, baseline, goal: false") run long.
            var metricWidth = Math.Max(16, result.Metrics.Max(r => r.Metric.Length));
            var cellWidth = Math.Max(32, result.Metrics.Max(r => r.CellLabel.Length));
            output.WriteLine($"{label}Metrics by cell");
            output.WriteLine($"{"metric".PadRight(metricWidth)} {"cell".PadRight(cellWidth)} {"n",8} {"missing",8} {"indet.",8} {"estimate",9} 95% interval");
            foreach (var r in result.Metrics)
            {
                var interval = r.Lower is null ? "-" : $"[{AnalysisText.Number(r.Lower)}, {AnalysisText.Number(r.Upper)}]";
                output.WriteLine($"{r.Metric.PadRight(metricWidth)} {r.CellLabel.PadRight(cellWidth)} {r.N,8} {r.Missing,8} {r.Indeterminate,8} {AnalysisText.Number(r.Estimate),9} {interval}");
            }
        }
        ReviewSummary.Print(result, output);
        if (result.Hypotheses.Count > 0)
        {
            output.WriteLine();
            output.WriteLine($"{label}Hypotheses");
            output.WriteLine($"{"hypothesis",-12} {"test",-17} {"n L/R (excluded)",-22} {"estimate",9} {"interval (as the test)",-30} {"p",9} {"p adj",9}  {"decision",-14} standing");
            foreach (var h in result.Hypotheses)
            {
                output.WriteLine($"{h.Name,-12} {AnalysisText.Test(h),-17} {AnalysisText.Units(h),-22} {AnalysisText.Number(h.Estimate),9} {AnalysisText.Interval(h),-30} {AnalysisText.PValue(h.PValue),9} {AnalysisText.PValue(h.CorrectedPValue),9}  {DecisionText(h.Decision),-14} {(h.Confirmatory ? "confirmatory" : "exploratory")}");
                foreach (var deviation in h.Deviations)
                {
                    output.WriteLine($"    exploratory because: {deviation}");
                }
                foreach (var note in h.Notes)
                {
                    output.WriteLine($"    note: {note}");
                }
            }
        }
        foreach (var note in result.Notes)
        {
            output.WriteLine($"Note: {note}");
        }
    }

    public static string DecisionText(Decision decision) => decision switch
    {
        Decision.Supported => "supported",
        Decision.NotSupported => "not supported",
        _ => "not evaluated",
    };
}
