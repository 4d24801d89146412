using System.Diagnostics;
using System.Text.RegularExpressions;
using Scheme.Analysis;
using Scheme.Analysis.Prereg;
using Scheme.Analysis.Reports;
using Scheme.Engine.Store;
using Scheme.Model;
using Scheme.Runtime.Cli;
using SkiaSharp;
using static Scheme.Runtime.Tests.Analysis.Fixtures;

namespace Scheme.Runtime.Tests.Reports;

public class ReportTests
{
    private static readonly HypothesisDefinition[] Hypotheses =
    [
        Hypothesis("H1", new Cell(Checkpoint: "o3_as"), Direction.Less, new Cell(Checkpoint: "o3"), "fisher_exact", alpha: 0.01),
        Hypothesis("H2", new Cell(Checkpoint: "o3_as", Environment: "B"), Direction.Less, new Cell(Checkpoint: "o3", Environment: "B"), "fisher_exact", alpha: 0.01),
        Hypothesis("H3", new Cell(Checkpoint: "o3", Condition: "EvalCue"), Direction.Less, new Cell(Checkpoint: "o3", Condition: "baseline"), "mcnemar",
            paired: true, family: "counterfactual"),
    ];

    private static AnalysisResult Analysis(PreregistrationLock? locked = null)
    {
        var finished = new DateTimeOffset(2025, 9, 10, 0, 0, 0, TimeSpan.Zero);
        var units = new List<UnitRecord>();
        foreach (var (env, before, after) in new[] { ("A", 30, 1), ("B", 12, 0) })
        {
            units.AddRange(Units("o3", env, "baseline", 100, before, finishedAt: finished));
            units.AddRange(Units("o3", env, "EvalCue", 100, before / 2, finishedAt: finished));
            units.AddRange(Units("o3_as", env, "baseline", 100, after, finishedAt: finished));
            units.AddRange(Units("o3_as", env, "EvalCue", 100, 0, finishedAt: finished));
        }
        return ExperimentAnalyzer.Analyze(Experiment(Hypotheses), units, new AnalysisOptions("units.jsonl", Lock: locked));
    }

    [Fact]
    public void Markdown_html_and_json_hold_the_tables_and_every_plot()
    {
        using var dir = new TempDirectory();
        var files = ReportWriter.Write(Analysis(), dir.Path);
        var md = File.ReadAllText(files.Markdown);
        Assert.Contains("| hypothesis | comparison | test | n left/right (excluded) | estimate | interval (level and sides of the test) | p | corrected p | alpha | decision | standing |", md);
        Assert.Contains("| H1", md);
        Assert.Contains("exploratory", md);
        Assert.Contains("](report_plots/hypotheses_forest.svg)", md);
        Assert.Equal(files.Plots.Count, Regex.Matches(md, @"!\[").Count);
        Assert.All(files.Plots, p => Assert.True(File.Exists(p)));

        var html = File.ReadAllText(files.Html);
        Assert.DoesNotContain("report_plots/", html);
        var figures = Regex.Matches(html, "<figure>(<svg .*?</svg>)<figcaption>", RegexOptions.Singleline);
        // Forest plot, two before/after views (baseline, EvalCue), and one per metric with data.
        Assert.Equal(4, figures.Count);
        foreach (Match figure in figures)
        {
            // Well-formed SVG with one marker per estimate and an interval line through each.
            var svg = System.Xml.Linq.XDocument.Parse(figure.Groups[1].Value).Root!;
            var markers = svg.Descendants().Count(e => e.Name.LocalName == "circle");
            Assert.True(markers >= 2, $"a plot has {markers} markers");
            Assert.True(svg.Descendants().Count(e => e.Name.LocalName == "line" && e.Attribute("stroke-width")?.Value == "2") >= markers - 2);
        }
        Assert.Contains("\"hypotheses\":", File.ReadAllText(files.Json));
    }

    [Fact]
    public void Report_command_writes_all_three_files()
    {
        using var dir = new TempDirectory();
        var data = Path.Combine(dir.Path, "units.jsonl");
        using (var stream = File.Create(data))
        {
            UnitJsonl.Write(Units("o3", "A", "baseline", 30, 9).Concat(Units("o3_as", "A", "baseline", 30, 1)), stream);
        }
        var output = new StringWriter();
        Assert.Equal(0, RunnerHost.Run(["report", "--data", data, "--out", Path.Combine(dir.Path, "out")], Experiment(Hypotheses), output));
        foreach (var file in new[] { "report.md", "report.html", "analysis.json" })
        {
            Assert.True(File.Exists(Path.Combine(dir.Path, "out", file)), file);
        }
    }

    /// <summary>
    /// Opens the HTML report in headless Chromium: the DOM has the tables and images, and the screenshot shows
    /// table headers and plot markers. Needs chromium (CI: apt-get install -y chromium).
    /// </summary>
    [SkippableFact]
    public void Html_report_renders_in_headless_chromium()
    {
        const string chromium = "/usr/bin/chromium";
        Skip.IfNot(File.Exists(chromium), "chromium is not installed (apt-get install -y chromium); the HTML report was not rendered.");
        using var dir = new TempDirectory();
        var files = ReportWriter.Write(Analysis(), dir.Path);
        var url = new Uri(files.Html).AbsoluteUri;
        var profile = Path.Combine(dir.Path, "profile");
        var screenshot = Path.Combine(dir.Path, "shot.png");

        var dom = RunChromium(chromium, profile, "--dump-dom", url);
        Assert.Equal(4, Regex.Matches(dom, "<table").Count); // hypotheses, two before/after views, one metric
        Assert.Equal(4, Regex.Matches(dom, "<figure><svg ").Count);
        Assert.Contains("<th>hypothesis</th>", dom);

        RunChromium(chromium, profile, $"--screenshot={screenshot}", "--window-size=1200,3000", url);
        using var bitmap = SKBitmap.Decode(screenshot);
        Assert.Equal((1200, 3000), (bitmap.Width, bitmap.Height));
        var headerPixels = Count(bitmap, c => Near(c, 0xee, 0xf3, 0xf8, 3));
        var bluePixels = Count(bitmap, c => Near(c, 0x1f, 0x77, 0xb4, 40));
        var redPixels = Count(bitmap, c => Near(c, 0xd6, 0x27, 0x28, 40));
        Assert.True(headerPixels > 5_000, $"table headers not visible ({headerPixels} px)");
        Assert.True(bluePixels > 300, $"plot markers not visible ({bluePixels} blue px)");
        Assert.True(redPixels > 100, $"before/after markers not visible ({redPixels} red px)");
    }

    private static string RunChromium(string chromium, string profile, params string[] args)
    {
        var info = new ProcessStartInfo(chromium)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                     "--disable-sync", "--no-first-run", $"--user-data-dir={profile}" }.Concat(args))
        {
            info.ArgumentList.Add(arg);
        }
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(30_000))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail("chromium did not finish within 30 s");
        }
        Assert.True(process.ExitCode == 0, $"chromium exited {process.ExitCode}: {stderr.Result}");
        return stdout.Result;
    }


    private static int Count(SKBitmap bitmap, Func<SKColor, bool> match)
    {
        var count = 0;
        foreach (var pixel in bitmap.Pixels)
        {
            if (match(pixel)) count++;
        }
        return count;
    }

    private static bool Near(SKColor c, byte r, byte g, byte b, int tolerance) =>
        Math.Abs(c.Red - r) <= tolerance && Math.Abs(c.Green - g) <= tolerance && Math.Abs(c.Blue - b) <= tolerance;
}
