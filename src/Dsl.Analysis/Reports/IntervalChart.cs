using System.Globalization;
using System.Net;
using System.Text;
using Scheme.Model;

namespace Scheme.Analysis.Reports;

/// <summary>One row of an interval chart: an estimate and its interval.</summary>
public sealed record Interval(double Estimate, double Lower, double Upper);

/// <summary>A series of an interval chart: one interval per row (null where the row has none), in one colour.</summary>
public sealed record IntervalSeries(string? Name, string Color, IReadOnlyList<Interval?> Rows);

/// <summary>
/// The one kind of figure the reports draw: labelled rows, each with a point estimate and a horizontal 95% interval
/// for one or more series (forest plots, rates per cell, before vs after). Written as SVG text: vector, readable in
/// any browser and in Markdown viewers, embedded inline in the self-contained HTML, and drawn without a graphics
/// library, so a runner does not carry one (and its native binaries for every platform) to write its reports.
/// </summary>
public static class IntervalChart
{
    private const int Width = 900;
    private const int RowHeight = 28;
    private const int Top = 48;
    private const int Bottom = 52;
    private const int Right = 30;
    private const double CharWidth = 7.2;

    /// <param name="xMin">Fixes the axis's start (rates start at 0); otherwise it covers the data and zero.</param>
    /// <param name="zeroLine">Draws a dashed line at 0 (a difference of nothing).</param>
    public static string Svg(string title, string axis, IReadOnlyList<string> labels, IReadOnlyList<IntervalSeries> series, double? xMin = null,
        bool zeroLine = false)
    {
        var values = series.SelectMany(s => s.Rows).OfType<Interval>().SelectMany(i => new[] { i.Lower, i.Estimate, i.Upper })
            .Where(double.IsFinite).DefaultIfEmpty(0).ToList();
        var (low, high) = Range(xMin ?? Math.Min(0, values.Min()), Math.Max(values.Max(), (xMin ?? 0) + 0.05));
        var left = (int)Math.Clamp(labels.Select(l => l.Length).DefaultIfEmpty(4).Max() * CharWidth + 24, 80, 360);
        var height = Math.Clamp(Top + Bottom + RowHeight * labels.Count + (series.Count > 1 ? 24 : 0), 200, 4000);
        var plotBottom = height - Bottom - (series.Count > 1 ? 24 : 0);
        double X(double value) => left + (value - low) / (high - low) * (Width - left - Right);
        double Y(int row, double offset) => Top + RowHeight * (row + 0.5) + offset;

        var svg = new StringBuilder();
        svg.Append(Invariant($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{height}\" viewBox=\"0 0 {Width} {height}\" "))
            .Append($"role=\"img\" aria-label=\"{E(title)}\" font-family=\"sans-serif\" font-size=\"12\">")
            .Append($"<title>{E(title)}</title>")
            .Append(Invariant($"<rect width=\"{Width}\" height=\"{height}\" fill=\"#ffffff\"/>"))
            .Append(Invariant($"<text x=\"{Width / 2}\" y=\"24\" text-anchor=\"middle\" font-size=\"15\">{E(title)}</text>"));
        foreach (var tick in Ticks(low, high))
        {
            var x = X(tick);
            svg.Append(Invariant($"<line x1=\"{x:0.#}\" y1=\"{Top}\" x2=\"{x:0.#}\" y2=\"{plotBottom}\" stroke=\"#e5e5e5\"/>"))
                .Append(Invariant($"<text x=\"{x:0.#}\" y=\"{plotBottom + 16}\" text-anchor=\"middle\" fill=\"#333\">{tick.ToString("0.###", CultureInfo.InvariantCulture)}</text>"));
        }
        svg.Append(Invariant($"<line x1=\"{left}\" y1=\"{plotBottom}\" x2=\"{Width - Right}\" y2=\"{plotBottom}\" stroke=\"#333\"/>"))
            .Append(Invariant($"<text x=\"{(left + Width - Right) / 2}\" y=\"{plotBottom + 36}\" text-anchor=\"middle\">{E(axis)}</text>"));
        if (zeroLine && low < 0 && high > 0)
        {
            svg.Append(Invariant($"<line x1=\"{X(0):0.#}\" y1=\"{Top}\" x2=\"{X(0):0.#}\" y2=\"{plotBottom}\" stroke=\"#888\" stroke-dasharray=\"5,4\"/>"));
        }
        for (var row = 0; row < labels.Count; row++)
        {
            svg.Append(Invariant($"<text x=\"{left - 10}\" y=\"{Y(row, 4):0.#}\" text-anchor=\"end\">{E(labels[row])}</text>"));
        }
        for (var s = 0; s < series.Count; s++)
        {
            // Several series share a row side by side, a few pixels apart.
            var offset = series.Count == 1 ? 0 : (s - (series.Count - 1) / 2.0) * 8;
            var color = series[s].Color;
            for (var row = 0; row < series[s].Rows.Count && row < labels.Count; row++)
            {
                if (series[s].Rows[row] is not { } interval || !double.IsFinite(interval.Estimate))
                {
                    continue;
                }
                var y = Y(row, offset);
                svg.Append(Invariant($"<line x1=\"{X(Clamp(interval.Lower)):0.#}\" y1=\"{y:0.#}\" x2=\"{X(Clamp(interval.Upper)):0.#}\" y2=\"{y:0.#}\" stroke=\"{color}\" stroke-width=\"2\"/>"))
                    .Append(Invariant($"<circle cx=\"{X(Clamp(interval.Estimate)):0.#}\" cy=\"{y:0.#}\" r=\"4.5\" fill=\"{color}\"/>"));
            }
        }
        if (series.Count > 1)
        {
            var x = (double)left;
            foreach (var s in series)
            {
                svg.Append(Invariant($"<circle cx=\"{x + 5:0.#}\" cy=\"{height - 14}\" r=\"4.5\" fill=\"{s.Color}\"/>"))
                    .Append(Invariant($"<text x=\"{x + 14:0.#}\" y=\"{height - 10}\">{E(s.Name ?? "")}</text>"));
                x += 30 + (s.Name ?? "").Length * CharWidth;
            }
        }
        return svg.Append("</svg>").ToString();

        double Clamp(double value) => Math.Clamp(double.IsFinite(value) ? value : low, low, high);
    }

    /// <summary>An axis range with a little room, never empty.</summary>
    private static (double Low, double High) Range(double low, double high)
    {
        if (high - low < 1e-9)
        {
            high = low + 1;
        }
        var pad = (high - low) * 0.04;
        return (low < 0 ? low - pad : low, high + pad);
    }

    /// <summary>About five to eight round tick values across the range (steps of 1, 2 or 5 times a power of ten).</summary>
    public static IReadOnlyList<double> Ticks(double low, double high)
    {
        var raw = (high - low) / 8;
        var power = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        var step = new[] { 1.0, 2, 5, 10 }.Select(m => m * power).First(s => s >= raw);
        var ticks = new List<double>();
        for (var t = Math.Ceiling(low / step) * step; t <= high + step * 1e-9; t += step)
        {
            var tick = Math.Round(t, 12);
            ticks.Add(Math.Abs(tick) < step * 1e-9 ? 0 : tick); // never "-0"
        }
        return ticks;
    }

    private static string E(string text) => WebUtility.HtmlEncode(text);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
