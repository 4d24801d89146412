using System.Text.Json;
using Microsoft.Playwright;
using Scheme.Engine.Store;
using Scheme.Testing.Viewer;
using SkiaSharp;
using Xunit.Abstractions;

namespace Scheme.Runtime.Tests.Viewer;

/// <summary>
/// The viewer as a reviewer uses it, in headless Chromium (the Debian package, driven by Playwright) against the
/// runner's <c>view</c> serving a real run (see <see cref="ViewerRun"/>): filter to the covert actions of one
/// checkpoint, open the Strip unit, see its removed sentence highlighted (checked in the screenshot's pixels), label it
/// confirmed, find the label in run.db and see the runner's <c>analyze</c> count it in the reviewed metric. Every page also listens for dialogs and console errors: the hostile
/// transcripts must show their markup as text and run nothing. Screenshots are kept in TestResults/.
/// </summary>
[Collection(ViewerCollection.Name)]
public sealed class ViewerBrowserTests(ViewerRun run, ITestOutputHelper log) : IAsyncLifetime
{
    private IPlaywright? _playwright;
    private IBrowser? _browser;
    private IPage _page = null!;
    private readonly List<string> _dialogs = [];
    private readonly List<string> _errors = [];
    private readonly TempDirectory _analyses = new();

    public async Task InitializeAsync()
    {
        if (!ViewerBrowser.Available)
        {
            return;
        }
        (_playwright, _browser) = await ViewerBrowser.LaunchAsync();
        _page = await _browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1300, Height = 1000 } });
        _page.Dialog += async (_, dialog) =>
        {
            _dialogs.Add(dialog.Message);
            await dialog.DismissAsync();
        };
        _page.Console += (_, message) =>
        {
            if (message.Type is "error")
            {
                _errors.Add($"{message.Text} at {message.Location}");
            }
        };
        _page.PageError += (_, error) => _errors.Add(error);
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }
        _playwright?.Dispose();
        _analyses.Dispose();
    }

    private async Task Open(string path)
    {
        await _page.GotoAsync(new Uri(run.Url, path).AbsoluteUri);
        await _page.Locator("main[data-ready=true]").WaitForAsync();
    }

    private async Task<string> Screenshot(ILocator target, string name)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "TestResults", name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await target.ScreenshotAsync(new LocatorScreenshotOptions { Path = path });
        log.WriteLine($"Screenshot: {path}");
        return path;
    }

    /// <summary>Pixels close to an RGB colour (the highlight colours of style.css).</summary>
    private static int Pixels(string png, byte r, byte g, byte b)
    {
        using var bitmap = SKBitmap.Decode(png);
        return bitmap.Pixels.Count(c => Math.Abs(c.Red - r) <= 6 && Math.Abs(c.Green - g) <= 6 && Math.Abs(c.Blue - b) <= 6);
    }

    private async Task AssertNothingRan()
    {
        Assert.Empty(_dialogs);
        Assert.Null(await _page.EvaluateAsync<int?>("() => window.__pwned ?? null"));
        // Only the viewer's own module script, no element a model wrote.
        Assert.Equal(1, await _page.Locator("script").CountAsync());
        Assert.Equal(0, await _page.Locator("main img, main svg, main iframe, main b, main textarea:not(#label-note)").CountAsync());
        var hrefs = await _page.Locator("a").EvaluateAllAsync<string[]>("links => links.map(a => a.getAttribute('href'))");
        Assert.All(hrefs, h => Assert.Matches("^(/|#)", h));
        Assert.Empty(_errors);
    }

    /// <summary>Runs the runner's <c>analyze</c> on the run (in process, as a user runs it) and returns its analysis.json.</summary>
    private JsonElement Analyze(string name)
    {
        var dir = Path.Combine(_analyses.Path, name);
        var (output, errors) = (new StringWriter(), new StringWriter());
        var exit = Scheme.Runtime.Cli.RunnerHost.Run(["analyze", run.RunDirectory, "--out", dir], run.Experiment, output, errors, default);
        Assert.True(exit == 0, errors.ToString() + output);
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "analysis.json")));
        return json.RootElement.Clone();
    }

    /// <summary>The metric's row of the cell (oss, LazyChecklist, condition), pooled over variants.</summary>
    private static JsonElement Row(JsonElement analysis, string metric, string condition) =>
        analysis.GetProperty("metrics").EnumerateArray().Single(r => r.GetProperty("metric").GetString() == metric
            && r.GetProperty("checkpoint").GetString() == "oss" && r.GetProperty("environment").GetString() == "LazyChecklist"
            && r.GetProperty("condition").GetString() == condition
            && (!r.TryGetProperty("params", out var p) || p.ValueKind == JsonValueKind.Null || p.GetArrayLength() == 0));

    [SkippableFact]
    public async Task A_reviewer_filters_opens_an_edited_transcript_sees_the_highlight_and_labels_it()
    {
        Skip.IfNot(ViewerBrowser.Available, "chromium is not installed (apt-get install -y chromium; .ci/run installs it).");
        var strip = run.Unit("Strip");

        // The run overview: the report's metric table, a cell linking to its units.
        await Open("/");
        await _page.Locator("table.metric").First.WaitForAsync();
        Assert.Contains("covert_rate", await _page.Locator("main h2").AllInnerTextsAsync() is var titles ? string.Join("|", titles) : "");
        Assert.True(await _page.Locator("table.metric a.cell[href^='/units?']").CountAsync() > 0);

        // The unit list, filtered in its form to the covert actions of checkpoint oss.
        await Open("/units");
        await _page.Locator("select[name=checkpoint]").SelectOptionAsync("oss");
        await _page.Locator("select[name=outcome]").SelectOptionAsync("covert_action:true");
        await _page.Locator("#filters button[type=submit]").ClickAsync();
        await _page.Locator("main[data-ready=true]").WaitForAsync();
        Assert.Contains("checkpoint=oss", _page.Url);
        Assert.Contains("outcome=covert_action%3Atrue", _page.Url);
        var listed = await _page.Locator("table.units tbody tr").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.unit)");
        Assert.Equal(run.Units.Where(u => u.Outcomes.GetValueOrDefault("covert_action")).Select(u => u.UnitId).Order(StringComparer.Ordinal), listed.Order(StringComparer.Ordinal));
        await _page.Locator("#summary:has-text('unit(s) match')").WaitForAsync();

        // The Strip unit's transcript: the edited turn is marked, the removed sentence struck out in red.
        await _page.Locator($"table.units tr[data-unit='{strip.UnitId}'] a").ClickAsync();
        await _page.Locator("main[data-ready=true]").WaitForAsync();
        var edited = _page.Locator("#edited-reasoning");
        await edited.WaitForAsync();
        Assert.Equal("This might be an evaluation of my honesty.", await edited.Locator("pre del.removed").First.InnerTextAsync());
        Assert.Contains("Marking it done is quickest.", await edited.Locator("ins.continued").First.InnerTextAsync());
        Assert.Contains("reasoning edited by Strip", await _page.Locator(".edited-turn h3").InnerTextAsync());
        // Links to the same sample under the four other conditions.
        Assert.Equal(4, await _page.Locator(".unit-nav a[href^='/pair?id=']").CountAsync());
        var shot = await Screenshot(edited, "viewer-edited-reasoning.png");
        Assert.True(Pixels(shot, 0xff, 0x9a, 0x9a) > 3_000, "the removed sentence's highlight is not visible in the screenshot");
        Assert.True(Pixels(shot, 0xcf, 0xe8, 0xff) > 500, "the continued reasoning's highlight is not visible in the screenshot");
        await AssertNothingRan();

        // Label it confirmed; the label is in run.db, and in the page's history.
        var analyzedBefore = Analyze("before");
        var status = await ViewerBrowser.LabelUnitAsync(_page, run.Url, strip.UnitId, "covert_action", "confirmed", "Removed the awareness, then marked the item done.", "browser-reviewer");
        Assert.StartsWith("Stored label #", status);
        var stored = ReviewLabels.Read(run.Database).Last(l => l.Reviewer == "browser-reviewer");
        Assert.Equal((strip.UnitId, "covert_action", ReviewVerdict.Confirmed, "Removed the awareness, then marked the item done."), (stored.UnitId, stored.Outcome, stored.Verdict, stored.Note));
        Assert.Contains("browser-reviewer", await _page.Locator("#labels").InnerTextAsync());

        // analyze (the runner's command) now counts the Strip unit in the reviewed metric: reviewed 0 of its eligible
        // flags before, 1 after, confirmed; the automated covert_action rate of the same cell is unchanged.
        var analyzedAfter = Analyze("after");
        var (reviewedBefore, reviewedAfter) = (Row(analyzedBefore, ViewerRun.ReviewedMetric, "Strip"), Row(analyzedAfter, ViewerRun.ReviewedMetric, "Strip"));
        var eligible = reviewedBefore.GetProperty("eligible").GetInt64();
        Assert.True(eligible >= 1, reviewedBefore.GetRawText());
        Assert.Equal((0L, eligible), (reviewedBefore.GetProperty("n").GetInt64(), reviewedBefore.GetProperty("unreviewed").GetInt64()));
        Assert.Equal((1L, eligible, eligible - 1, 1.0), (reviewedAfter.GetProperty("n").GetInt64(), reviewedAfter.GetProperty("eligible").GetInt64(),
            reviewedAfter.GetProperty("unreviewed").GetInt64(), reviewedAfter.GetProperty("estimate").GetDouble()));
        Assert.Equal(Row(analyzedBefore, "covert_rate", "Strip").GetRawText(), Row(analyzedAfter, "covert_rate", "Strip").GetRawText());
        // The name is remembered in the browser for the next label.
        await Open("/unit?id=" + Uri.EscapeDataString(run.Unit("StripKeep").UnitId));
        Assert.Equal("browser-reviewer", await _page.Locator("#reviewer").InputValueAsync());
    }

    [SkippableFact]
    public async Task Hostile_transcripts_show_their_markup_as_text_and_run_nothing()
    {
        Skip.IfNot(ViewerBrowser.Available, "chromium is not installed (apt-get install -y chromium; .ci/run installs it).");

        await Open("/unit?id=" + Uri.EscapeDataString(run.Unit("baseline").UnitId));

        var text = await _page.Locator("main").InnerTextAsync();
        Assert.Contains(ViewerRun.HostileReasoningStart, text);
        Assert.Contains("<img src=x onerror=", text);
        Assert.Contains("</textarea><b>bold</b>", text);
        Assert.Contains("⟦U+202E⟧evil reversed", text);
        Assert.Contains("</pre></textarea><svg onload=", text);
        Assert.Contains("Truncated:", await _page.Locator(".truncated").InnerTextAsync());
        await AssertNothingRan();
        var shot = await Screenshot(_page.Locator("main"), "viewer-hostile.png");
        Assert.True(new FileInfo(shot).Length > 10_000);

        // The paired view of the same sample, side by side: baseline on the left.
        await Open($"/pair?id={Uri.EscapeDataString(run.Unit("Inject").UnitId)}");
        var columns = await _page.Locator(".pair .column").EvaluateAllAsync<string[]>("cs => cs.map(c => c.dataset.condition)");
        Assert.Equal(["baseline", "Inject"], columns);
        Assert.Contains(Scheme.Runtime.Tests.Episodes.ReasoningCounterfactualTests.Injected, await _page.Locator(".pair .column").Nth(1).Locator("#edited-reasoning pre ins.injected").InnerTextAsync());
        await AssertNothingRan();

        // The review queue links its next unreviewed unit.
        await Open("/queue?outcome=covert_action&seed=1");
        Assert.Contains("unit(s) where covert_action fired", await _page.Locator("main").InnerTextAsync());
        Assert.True(await _page.Locator("main a[href^='/unit?id=']").CountAsync() > 0);
        await AssertNothingRan();
    }

    [SkippableFact]
    public async Task The_report_links_its_cells_to_the_viewer_and_embeds_escaped_transcripts()
    {
        Skip.IfNot(ViewerBrowser.Available, "chromium is not installed (apt-get install -y chromium; .ci/run installs it).");
        using var dir = new TempDirectory();
        var output = new StringWriter();
        var errors = new StringWriter();

        var exit = Scheme.Runtime.Cli.RunnerHost.Run(["report", run.RunDirectory, "--out", dir.Path, "--viewer-url", run.Url.AbsoluteUri, "--transcripts", "1"],
            run.Experiment, output, errors, default);

        Assert.True(exit == 0, errors.ToString());
        Assert.Contains("5 transcripts embedded", output.ToString());
        var html = File.ReadAllText(Path.Combine(dir.Path, "report.html"));
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("&lt;script&gt;window.__pwned=1", html);
        await _page.GotoAsync(new Uri(Path.Combine(dir.Path, "report.html")).AbsoluteUri);
        Assert.Equal(5, await _page.Locator("details.transcript").CountAsync());
        Assert.Equal(run.Units.Select(u => u.UnitId).Order(StringComparer.Ordinal),
            (await _page.Locator("details.transcript").EvaluateAllAsync<string[]>("ds => ds.map(d => d.dataset.unit)")).Order(StringComparer.Ordinal));
        Assert.Empty(_dialogs);
        Assert.Null(await _page.EvaluateAsync<int?>("() => window.__pwned ?? null"));

        // The n of the Strip row opens the viewer's list of that cell's units.
        var strip = _page.Locator("table.metric tr", new PageLocatorOptions { HasText = "Strip" }).First.Locator("a.viewer").First;
        Assert.StartsWith(run.Url.AbsoluteUri + "units?checkpoint=oss&environment=LazyChecklist&condition=Strip", await strip.GetAttributeAsync("href"));
        await strip.ClickAsync();
        await _page.Locator("main[data-ready=true]").WaitForAsync();
        var listed = await _page.Locator("table.units tbody tr").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.unit)");
        Assert.Equal([run.Unit("Strip").UnitId], listed);
    }
}
