using System.Net;
using System.Text;
using Scheme.Analysis;
using Scheme.Model;

namespace Scheme.Analysis.Reports;

/// <summary>The paths <see cref="ReportWriter.Write"/> produced.</summary>
public sealed record ReportFiles(string Markdown, string Html, string Json, IReadOnlyList<string> Plots);

/// <summary>
/// Writes report.md (plots as SVG files in report_plots/ beside it), report.html (one self-contained file: inline
/// CSS, plots as inline SVG) and analysis.json.
/// </summary>
public static class ReportWriter
{
    /// <param name="links">Links to the transcript viewer and embedded transcripts (report --viewer-url, --transcripts); null: none.</param>
    public static ReportFiles Write(AnalysisResult result, string directory, ReportLinks? links = null)
    {
        Directory.CreateDirectory(directory);
        var plots = Plots(result);
        var plotDirectory = Path.Combine(directory, "report_plots");
        var plotPaths = new List<string>();
        if (plots.Count > 0)
        {
            Directory.CreateDirectory(plotDirectory);
        }
        foreach (var plot in plots)
        {
            var path = Path.Combine(plotDirectory, plot.File);
            File.WriteAllText(path, plot.Svg);
            plotPaths.Add(path);
        }
        var markdown = Path.Combine(directory, "report.md");
        File.WriteAllText(markdown, Markdown(result, plots));
        var html = Path.Combine(directory, "report.html");
        File.WriteAllText(html, Html(result, plots, links));
        var json = Path.Combine(directory, "analysis.json");
        AnalysisJson.Write(result, json);
        return new ReportFiles(markdown, html, json, plotPaths);
    }

    /// <param name="Section">Where the plot goes: "hypotheses", "metric NAME" or "before-after INDEX".</param>
    public sealed record Figure(string Section, string File, string Caption, string Svg);

    public static IReadOnlyList<Figure> Plots(AnalysisResult result)
    {
        var figures = new List<Figure>();
        if (ReportPlots.Forest(result) is { } forest)
        {
            figures.Add(new Figure("hypotheses", "hypotheses_forest.svg", ReportPlots.Prefix(result.Label) + "Forest plot of the hypotheses", forest));
        }
        for (var i = 0; i < result.BeforeAfter.Count; i++)
        {
            var view = result.BeforeAfter[i];
            if (ReportPlots.BeforeAfter(view, result.Label) is { } svg)
            {
                figures.Add(new Figure($"before-after {i}", $"before_after_{Slug(view.Metric)}_{Slug(view.Condition)}_{i}.svg",
                    $"{ReportPlots.Prefix(result.Label)}{view.Metric}: {view.Before} vs {view.After} per environment ({view.Condition})", svg));
            }
        }
        foreach (var metric in result.Metrics.Select(r => r.Metric).Distinct())
        {
            if (ReportPlots.Metric(result, metric) is { } svg)
            {
                figures.Add(new Figure($"metric {metric}", $"metric_{Slug(metric)}.svg", $"{ReportPlots.Prefix(result.Label)}{metric} by cell with 95% intervals", svg));
            }
        }
        return figures;
    }

    public static string Markdown(AnalysisResult result, IReadOnlyList<Figure> figures)
    {
        var md = new StringBuilder();
        var label = result.Label;
        md.AppendLine($"# {ReportPlots.Prefix(label)}{result.Title ?? result.Experiment}");
        md.AppendLine();
        if (label is not null)
        {
            md.AppendLine($"> **{SimulatedBanner}**");
            md.AppendLine();
        }
        md.AppendLine($"Analysis of experiment `{result.Experiment}`.");
        md.AppendLine();
        foreach (var line in ReportTables.Overview(result))
        {
            md.AppendLine(line.StartsWith("  ", StringComparison.Ordinal) ? $"  - {line.Trim()}" : $"- {line}");
        }
        md.AppendLine();
        Section(md, ReportTables.Hypotheses(result), figures.Where(f => f.Section == "hypotheses"), label);
        if (result.BeforeAfter.Count > 0)
        {
            md.AppendLine("## Before and after, per environment");
            md.AppendLine();
            for (var i = 0; i < result.BeforeAfter.Count; i++)
            {
                Section(md, ReportTables.BeforeAfter(result.BeforeAfter[i]), figures.Where(f => f.Section == $"before-after {i}"), label, level: "###");
            }
        }
        md.AppendLine("## Metrics by cell");
        md.AppendLine();
        foreach (var table in ReportTables.Metrics(result))
        {
            var metric = table.Title.Split(' ')[1];
            Section(md, table, figures.Where(f => f.Section == $"metric {metric}"), label, level: "###");
        }
        foreach (var table in ReviewTables.All(result))
        {
            Section(md, table, [], label);
        }
        return md.ToString();
    }

    private static void Section(StringBuilder md, ReportTable table, IEnumerable<Figure> figures, string? label, string level = "##")
    {
        md.AppendLine($"{level} {ReportPlots.Prefix(label)}{table.Title}");
        md.AppendLine();
        md.AppendLine("| " + string.Join(" | ", table.Headers.Select(EscapeMarkdown)) + " |");
        md.AppendLine("|" + string.Concat(table.Headers.Select(_ => " --- |")));
        foreach (var row in table.Rows)
        {
            md.AppendLine("| " + string.Join(" | ", row.Select(EscapeMarkdown)) + " |");
        }
        md.AppendLine();
        foreach (var note in table.Notes)
        {
            md.AppendLine($"- {EscapeMarkdown(note)}");
        }
        if (table.Notes.Count > 0) md.AppendLine();
        foreach (var figure in figures)
        {
            md.AppendLine($"![{figure.Caption}](report_plots/{figure.File})");
            md.AppendLine();
        }
    }

    public static string Html(AnalysisResult result, IReadOnlyList<Figure> figures, ReportLinks? links = null)
    {
        var html = new StringBuilder();
        html.AppendLine("<!DOCTYPE html>");
        html.AppendLine("<html lang=\"en\"><head><meta charset=\"utf-8\">");
        var label = result.Label;
        html.AppendLine($"<title>{E(ReportPlots.Prefix(label) + (result.Title ?? result.Experiment))}</title>");
        html.AppendLine("<style>");
        html.AppendLine("""
            body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 2rem auto; max-width: 1100px; color: #222; padding: 0 1rem; }
            h1 { border-bottom: 2px solid #1f77b4; padding-bottom: .3rem; }
            h2 { margin-top: 2.2rem; color: #1f4e79; }
            table { border-collapse: collapse; margin: .8rem 0; font-size: .9rem; width: 100%; }
            th, td { border: 1px solid #ccc; padding: .35rem .55rem; text-align: left; vertical-align: top; }
            th { background: #eef3f8; }
            tr:nth-child(even) td { background: #fafafa; }
            td.supported { color: #0a6b2d; font-weight: 600; }
            td.confirmatory { color: #0a6b2d; }
            td.exploratory { color: #a0522d; }
            ul.notes { font-size: .85rem; color: #555; }
            figure { margin: 1rem 0; }
            figure svg { max-width: 100%; height: auto; border: 1px solid #ddd; }
            figcaption { font-size: .85rem; color: #555; }
            details.transcript pre { white-space: pre-wrap; overflow-wrap: anywhere; max-height: 30rem; overflow: auto; background: #f7f7f7; padding: .5rem; }
            caption { text-align: left; font-weight: 600; padding: .2rem 0; }
            .simulated { color: #fff; background: #b00020; font-weight: 700; padding: .1rem .4rem; letter-spacing: .05em; }
            p.simulated { padding: .6rem .8rem; font-size: 1.05rem; }
            """);
        html.AppendLine("</style></head><body>");
        html.AppendLine($"<h1>{Badge(label)}{E(result.Title ?? result.Experiment)}</h1>");
        if (label is not null)
        {
            html.AppendLine($"<p class=\"simulated\" id=\"simulated-banner\">{E(SimulatedBanner)}</p>");
        }
        html.AppendLine($"<p>Analysis of experiment <code>{E(result.Experiment)}</code>.</p>");
        html.AppendLine("<ul class=\"overview\">");
        foreach (var line in ReportTables.Overview(result))
        {
            html.AppendLine($"<li>{E(line.Trim())}</li>");
        }
        html.AppendLine("</ul>");
        HtmlSection(html, ReportTables.Hypotheses(result), figures.Where(f => f.Section == "hypotheses"), "h2", "hypotheses", label);
        if (result.BeforeAfter.Count > 0)
        {
            html.AppendLine("<h2>Before and after, per environment</h2>");
            for (var i = 0; i < result.BeforeAfter.Count; i++)
            {
                HtmlSection(html, ReportTables.BeforeAfter(result.BeforeAfter[i]), figures.Where(f => f.Section == $"before-after {i}"), "h3", "before-after", label);
            }
        }
        html.AppendLine("<h2>Metrics by cell</h2>");
        foreach (var (table, rows) in ReportTables.Metrics(result).Zip(result.Metrics.GroupBy(r => r.Metric)))
        {
            var metric = table.Title.Split(' ')[1];
            HtmlSection(html, table, figures.Where(f => f.Section == $"metric {metric}"), "h3", "metric", label, links is null ? null : CellLinks(links, rows.ToList(), table));
        }
        if (links is not null)
        {
            html.Append(ReportTranscripts.Html(links));
        }
        foreach (var table in ReviewTables.All(result))
        {
            HtmlSection(html, table, [], "h2", "review", label);
        }
        html.AppendLine("</body></html>");
        return html.ToString();
    }

    /// <summary>For a metric table: its n column links to the cell's units in the viewer, its k column (rate(outcome) metrics) to the fired ones.</summary>
    private static Func<int, int, string?> CellLinks(ReportLinks links, IReadOnlyList<MetricRow> rows, ReportTable table)
    {
        var n = table.Headers.ToList().IndexOf("n");
        var k = table.Headers.ToList().IndexOf("k");
        return (row, column) =>
            column == n ? ViewerLinks.Join(links.ViewerUrl, ViewerLinks.Cell(rows[row]))
            : column == k && links.PlainOutcomes.GetValueOrDefault(rows[row].Metric) is { } outcome ? ViewerLinks.Join(links.ViewerUrl, ViewerLinks.Cell(rows[row], outcome + ":true"))
            : null;
    }

    private static void HtmlSection(StringBuilder html, ReportTable table, IEnumerable<Figure> figures, string heading, string kind, string? label,
        Func<int, int, string?>? link = null)
    {
        html.AppendLine($"<{heading}>{Badge(label)}{E(table.Title)}</{heading}>");
        // On simulated data a caption travels with the table (copied, printed or screenshotted alone) and carries the label.
        var caption = label is null ? "" : $"<caption>{Badge(label)}{E(table.Title)}</caption>";
        html.AppendLine($"<table class=\"{kind}\">{caption}<thead><tr>{string.Concat(table.Headers.Select(h => $"<th>{E(h)}</th>"))}</tr></thead><tbody>");
        for (var r = 0; r < table.Rows.Count; r++)
        {
            var row = table.Rows[r];
            html.Append("<tr>");
            for (var c = 0; c < row.Count; c++)
            {
                var cell = row[c];
                var css = cell switch
                {
                    "supported" => " class=\"supported\"",
                    "confirmatory" => " class=\"confirmatory\"",
                    "exploratory" => " class=\"exploratory\"",
                    _ => "",
                };
                html.Append(link?.Invoke(r, c) is { } href ? $"<td{css}><a class=\"viewer\" href=\"{E(href)}\">{E(cell)}</a></td>" : $"<td{css}>{E(cell)}</td>");
            }
            html.AppendLine("</tr>");
        }
        html.AppendLine("</tbody></table>");
        if (table.Notes.Count > 0)
        {
            html.AppendLine("<ul class=\"notes\">" + string.Concat(table.Notes.Select(n => $"<li>{E(n)}</li>")) + "</ul>");
        }
        foreach (var figure in figures)
        {
            html.AppendLine($"<figure>{figure.Svg}<figcaption>{E(figure.Caption)}</figcaption></figure>");
        }
    }

    /// <summary>What a report on simulated data says at its top.</summary>
    public const string SimulatedBanner =
        "SIMULATED DATA: every result below was drawn from the simulate block (run --offline or a simulated checkpoint), not produced by a model. " +
        "It checks the pipeline and the power analysis; it is not evidence, and no hypothesis is confirmatory.";

    /// <summary>The label as a badge before a heading's text ("SIMULATED — "); empty on live data.</summary>
    private static string Badge(string? label) => label is null ? "" : $"<span class=\"simulated\">{E(label)}</span> — ";

    private static string E(string text) => WebUtility.HtmlEncode(text);

    private static string EscapeMarkdown(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);

    private static string Slug(string text) => new(text.Select(c => char.IsAsciiLetterOrDigit(c) ? c : '_').ToArray());
}
