using Microsoft.Playwright;
using Scheme.Model;
using SkiaSharp;
using Xunit.Abstractions;
using static Scheme.Runtime.Tests.Analysis.Fixtures;

namespace Scheme.Runtime.Tests.Reports;

/// <summary>
/// The HTML report of an offline run, as a reader sees it: rendered by headless Chromium (the Debian package, driven by
/// Playwright; Playwright's own browser download is never used), SIMULATED is visible at the top and on every table, and
/// no hypothesis stands as confirmatory. The screenshot is kept in the test output (TestResults/simulated-report.png).
/// </summary>
public class SimulatedReportBrowserTests(ITestOutputHelper log)
{
    private const string Chromium = "/usr/bin/chromium";

    [SkippableFact]
    public async Task Report_of_an_offline_run_shows_SIMULATED_at_the_top_and_on_every_table_in_chromium()
    {
        Skip.IfNot(File.Exists(Chromium), "chromium is not installed (apt-get install -y chromium; .ci/run installs it).");
        using var dir = new TempDirectory();
        var suite = Experiment(
            [
                Hypothesis("H1", new Cell(Checkpoint: "o3_as"), Direction.Less, new Cell(Checkpoint: "o3"), "fisher_exact"),
                Hypothesis("H2", new Cell(Checkpoint: "o3", Condition: "EvalCue"), Direction.Less, new Cell(Checkpoint: "o3", Condition: "baseline"), "mcnemar",
                    paired: true, family: "counterfactual"),
            ],
            simulation:
            [
                new SimulatedValue("simulate", "covert_rate", new Cell(Checkpoint: "o3"), 0.3),
                new SimulatedValue("simulate", "covert_rate", new Cell(Checkpoint: "o3_as"), 0.02),
            ]);
        // The user's path: a lock, an offline run, its JSONL export, the report from the export.
        var run = Path.Combine(dir.Path, "run");
        Assert.Equal(0, RunHost(suite, "prereg", "lock", "--lock", dir.Path).Exit);
        Assert.Equal(0, RunHost(suite, "run", "--offline", "--lock", dir.Path, "--out", run).Exit);
        Assert.Equal(0, RunHost(suite, "export", run, "--format", "jsonl").Exit);
        var report = Path.Combine(dir.Path, "report");
        var made = RunHost(suite, "report", "--data", Path.Combine(run, "units.jsonl"), "--lock", dir.Path, "--out", report);
        Assert.True(made.Exit == 0, made.Errors);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
        });
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1200, Height = 900 } });
        await page.GotoAsync(new Uri(Path.Combine(report, "report.html")).AbsoluteUri);

        Assert.StartsWith("SIMULATED — ", await page.TitleAsync());
        var heading = page.Locator("h1");
        Assert.StartsWith("SIMULATED — A test experiment", await heading.InnerTextAsync());
        var banner = page.Locator("#simulated-banner");
        Assert.True(await banner.IsVisibleAsync());
        Assert.StartsWith("SIMULATED DATA:", await banner.InnerTextAsync());
        // At the top: in the first screen, without scrolling.
        Assert.True((await banner.BoundingBoxAsync())!.Y < 300, "the banner is not at the top of the page");

        var tables = page.Locator("table");
        var count = await tables.CountAsync();
        Assert.True(count >= 4, $"{count} tables"); // hypotheses, two before/after views, a metric
        for (var i = 0; i < count; i++)
        {
            var table = tables.Nth(i);
            var caption = table.Locator("caption");
            Assert.True(await caption.IsVisibleAsync(), $"table {i} has no visible caption");
            Assert.StartsWith("SIMULATED — ", await caption.InnerTextAsync());
            var title = table.Locator("xpath=preceding-sibling::*[self::h2 or self::h3][1]");
            Assert.StartsWith("SIMULATED — ", await title.InnerTextAsync());
        }
        var standings = await page.Locator("table.hypotheses tbody tr td:last-child").AllInnerTextsAsync();
        Assert.Equal(2, standings.Count);
        Assert.All(standings, s => Assert.Equal("exploratory", s));
        Assert.Contains("The data are SIMULATED", await page.Locator("ul.notes").First.InnerTextAsync());
        // SVG text has no innerText; its text content is what is drawn.
        var plotTitles = await page.Locator("figure svg > text:first-of-type").AllTextContentsAsync();
        Assert.NotEmpty(plotTitles);
        Assert.All(plotTitles, t => Assert.StartsWith("SIMULATED — ", t));

        var shot = Path.Combine(AppContext.BaseDirectory, "TestResults", "simulated-report.png");
        Directory.CreateDirectory(Path.GetDirectoryName(shot)!);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = shot, FullPage = false });
        log.WriteLine($"Screenshot: {shot}");
        // The banner's red is on screen (the label is rendered, not only in the DOM).
        using var bitmap = SKBitmap.Decode(shot);
        var red = bitmap.Pixels.Count(c => Math.Abs(c.Red - 0xb0) <= 8 && c.Green <= 8 && Math.Abs(c.Blue - 0x20) <= 8);
        Assert.True(red > 5_000, $"the SIMULATED banner is not visible in the screenshot ({red} px)");
    }
}
