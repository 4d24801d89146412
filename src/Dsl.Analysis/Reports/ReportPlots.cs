using Scheme.Analysis;
using Scheme.Model;

namespace Scheme.Analysis.Reports;

/// <summary>
/// The report's figures, as SVG (<see cref="IntervalChart"/>): rates with intervals per cell, a forest plot of the
/// hypotheses, and the before-and-after view per environment. Rows run top to bottom in table order.
/// </summary>
public static class ReportPlots
{
    public const string Blue = "#1f77b4";
    public const string Red = "#d62728";

    /// <summary>One rate or mean metric: every full cell's estimate and 95% interval (Beta posterior for rates).</summary>
    public static string? Metric(AnalysisResult result, string metric)
    {
        var rows = result.Metrics.Where(r => r.Metric == metric && r.IsFullCell
                && r.Estimate is not null).ToList();
        if (rows.Count == 0) return null;
        var aggregation = result.Metrics.First(r => r.Metric == metric).Aggregation;
        var rate = aggregation == MetricAggregation.Rate;
        return IntervalChart.Svg($"{Prefix(result.Label)}{metric} by cell (95% {(rate ? "Beta posterior" : "t")} interval)", rate ? "rate" : "mean",
            rows.Select(r => r.CellLabel).ToList(),
            [new IntervalSeries(null, Blue, rows.Select(r => (Interval?)new Interval(r.Estimate!.Value, r.Lower ?? r.Estimate!.Value, r.Upper ?? r.Estimate!.Value)).ToList())],
            xMin: rate ? 0 : null);
    }

    /// <summary>Every evaluated difference hypothesis: the estimated difference with the interval of its test (1 - alpha,
    /// one-sided bounds reaching the parameter's limit), and 0. Ratios live on another scale and are in the table only.</summary>
    public static string? Forest(AnalysisResult result)
    {
        var rows = result.Hypotheses.Where(h => h.Estimate is not null && h.Estimand != Scheme.Contracts.Estimands.RiskRatio
            && h.Estimand != Scheme.Contracts.Estimands.OddsRatio).ToList();
        if (rows.Count == 0) return null;
        return IntervalChart.Svg(Prefix(result.Label) + "Hypotheses: difference (left - right) with the interval of the test (1 - alpha)", "difference",
            rows.Select(h => $"{h.Name} ({(h.Confirmatory ? "conf." : "expl.")})").ToList(),
            [new IntervalSeries(null, Blue, rows.Select(h => (Interval?)new Interval(h.Estimate!.Value, h.Lower ?? h.Estimate!.Value, h.Upper ?? h.Estimate!.Value)).ToList())],
            zeroLine: true);
    }

    /// <summary>Checkpoint before vs after per environment, and the average over environments (last row).</summary>
    /// <param name="label">The data's label ("SIMULATED"), shown first in the title; null on live data.</param>
    public static string? BeforeAfter(BeforeAfterView view, string? label = null)
    {
        var labels = view.Rows.Select(r => r.Environment).ToList();
        var before = view.Rows.Select(r => r.Before is { } c ? new Interval(c.Estimate, c.Lower, c.Upper) : null).ToList();
        var after = view.Rows.Select(r => r.After is { } c ? new Interval(c.Estimate, c.Lower, c.Upper) : null).ToList();
        if (view.AverageBefore is { } ab && view.AverageAfter is { } aa)
        {
            labels.Add($"Average ({ab.Environments} envs)");
            before.Add(new Interval(ab.Estimate, ab.Lower, ab.Upper));
            after.Add(new Interval(aa.Estimate, aa.Lower, aa.Upper));
        }
        if (labels.Count == 0) return null;
        return IntervalChart.Svg($"{Prefix(label)}{view.Metric}: {view.Before} vs {view.After} ({view.Condition}, 95% Beta posterior)", "rate", labels,
            [new IntervalSeries(view.Before, Red, before), new IntervalSeries(view.After, Blue, after)], xMin: 0);
    }

    /// <summary>"SIMULATED — " before a title on simulated data, so no plot can be cut out of the report without it.</summary>
    public static string Prefix(string? label) => label is null ? "" : $"{label} — ";
}
