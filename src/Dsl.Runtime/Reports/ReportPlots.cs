using ScottPlot;
using Scheme.Runtime.Analysis;
using Scheme.Runtime.Model;

namespace Scheme.Runtime.Reports;

/// <summary>
/// The report's figures, drawn with ScottPlot as PNG: rates with intervals per cell, a forest plot of the
/// hypotheses, and the before-and-after view per environment. Rows run top to bottom in table order.
/// </summary>
public static class ReportPlots
{
    private const int Width = 900;

    private static readonly Color[] Palette = [Color.FromHex("#1f77b4"), Color.FromHex("#d62728"), Color.FromHex("#2ca02c")];

    private sealed record Row(string Label, double Estimate, double Lower, double Upper);

    /// <summary>One rate or mean metric: every full cell's estimate and 95% interval (Beta posterior for rates).</summary>
    public static byte[]? Metric(AnalysisResult result, string metric)
    {
        var rows = result.Metrics.Where(r => r.Metric == metric && r.Checkpoint is not null && r.Environment is not null && r.Condition is not null
                && r.Estimate is not null)
            .Select(r => new Row(r.CellLabel, r.Estimate!.Value, r.Lower ?? r.Estimate!.Value, r.Upper ?? r.Estimate!.Value)).ToList();
        if (rows.Count == 0) return null;
        var aggregation = result.Metrics.First(r => r.Metric == metric).Aggregation;
        var plot = new Plot();
        Intervals(plot, rows, 0, Palette[0], null);
        Finish(plot, rows.Select(r => r.Label).ToList(), $"{metric} by cell (95% {(aggregation == MetricAggregation.Rate ? "Beta posterior" : "t")} interval)",
            aggregation == MetricAggregation.Rate ? "rate" : "mean");
        if (aggregation == MetricAggregation.Rate) plot.Axes.SetLimitsX(0, Math.Max(0.05, rows.Max(r => r.Upper) * 1.05));
        return Render(plot, rows.Count);
    }

    /// <summary>Every evaluated hypothesis: the estimated difference with its 95% interval, and 0.</summary>
    public static byte[]? Forest(AnalysisResult result)
    {
        var rows = result.Hypotheses.Where(h => h.Estimate is not null)
            .Select(h => new Row($"{h.Name} ({(h.Confirmatory ? "conf." : "expl.")})", h.Estimate!.Value, h.Lower ?? h.Estimate!.Value, h.Upper ?? h.Estimate!.Value))
            .ToList();
        if (rows.Count == 0) return null;
        var plot = new Plot();
        var zero = plot.Add.VerticalLine(0);
        zero.Color = Colors.Gray;
        zero.LinePattern = LinePattern.Dashed;
        Intervals(plot, rows, 0, Palette[0], null);
        Finish(plot, rows.Select(r => r.Label).ToList(), "Hypotheses: difference (left - right) with 95% interval", "difference");
        return Render(plot, rows.Count);
    }

    /// <summary>Checkpoint before vs after per environment, and the average over environments (last row).</summary>
    public static byte[]? BeforeAfter(BeforeAfterView view)
    {
        var labels = view.Rows.Select(r => r.Environment).ToList();
        var before = view.Rows.Select(r => r.Before is { } c ? new Row(r.Environment, c.Estimate, c.Lower, c.Upper) : null).ToList();
        var after = view.Rows.Select(r => r.After is { } c ? new Row(r.Environment, c.Estimate, c.Lower, c.Upper) : null).ToList();
        if (view.AverageBefore is { } ab && view.AverageAfter is { } aa)
        {
            labels.Add($"Average ({ab.Environments} envs)");
            before.Add(new Row("Average", ab.Mean, ab.Lower, ab.Upper));
            after.Add(new Row("Average", aa.Mean, aa.Lower, aa.Upper));
        }
        if (labels.Count == 0) return null;
        var plot = new Plot();
        IntervalsAt(plot, before, -0.15, Palette[1], view.Before);
        IntervalsAt(plot, after, 0.15, Palette[0], view.After);
        Finish(plot, labels, $"{view.Metric}: {view.Before} vs {view.After} ({view.Condition}, 95% Beta posterior)", "rate");
        var upper = before.Concat(after).Where(r => r is not null).Select(r => r!.Upper).DefaultIfEmpty(0.05).Max();
        plot.Axes.SetLimitsX(0, Math.Max(0.05, upper * 1.05));
        plot.ShowLegend(Alignment.LowerRight);
        return Render(plot, labels.Count);
    }

    private static void Intervals(Plot plot, IReadOnlyList<Row> rows, double offset, Color color, string? legend) =>
        IntervalsAt(plot, rows.Cast<Row?>().ToList(), offset, color, legend);

    private static void IntervalsAt(Plot plot, IReadOnlyList<Row?> rows, double offset, Color color, string? legend)
    {
        var xs = new List<double>();
        var ys = new List<double>();
        for (var i = 0; i < rows.Count; i++)
        {
            if (rows[i] is not { } row) continue;
            var y = rows.Count - 1 - i + offset;
            var line = plot.Add.Line(row.Lower, y, row.Upper, y);
            line.Color = color;
            line.LineWidth = 2;
            line.MarkerSize = 0;
            xs.Add(row.Estimate);
            ys.Add(y);
        }
        var points = plot.Add.ScatterPoints(xs.ToArray(), ys.ToArray());
        points.Color = color;
        points.MarkerSize = 9;
        if (legend is not null) points.LegendText = legend;
    }

    private static void Finish(Plot plot, IReadOnlyList<string> labels, string title, string axis)
    {
        var ticks = new ScottPlot.TickGenerators.NumericManual();
        for (var i = 0; i < labels.Count; i++)
        {
            ticks.AddMajor(labels.Count - 1 - i, labels[i]);
        }
        plot.Axes.Left.TickGenerator = ticks;
        plot.Axes.SetLimitsY(-0.6, labels.Count - 0.4);
        plot.Title(title, size: 14);
        plot.XLabel(axis);
    }

    private static byte[] Render(Plot plot, int rows) =>
        plot.GetImageBytes(Width, Math.Clamp(90 + 28 * rows, 200, 4000), ImageFormat.Png);
}
