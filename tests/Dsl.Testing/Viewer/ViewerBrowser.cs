using Microsoft.Playwright;

namespace Scheme.Testing.Viewer;

/// <summary>
/// Drives the transcript viewer (the runner's <c>view</c>) in the Debian chromium through Playwright, as a reviewer
/// does; Playwright's own browser download is never used. Shared so that other tests (the reviewed() metric's) can label
/// a unit in the browser and then check what analyses make of it.
/// </summary>
public static class ViewerBrowser
{
    public const string Chromium = "/usr/bin/chromium";

    public static bool Available => File.Exists(Chromium);

    public static async Task<(IPlaywright Playwright, IBrowser Browser)> LaunchAsync()
    {
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
        });
        return (playwright, browser);
    }

    /// <summary>
    /// Opens the unit's transcript page, fills the review form (the name field too, when the viewer was started without
    /// --reviewer) and submits it; returns once the page says the label is stored (the text of its status line).
    /// </summary>
    public static async Task<string> LabelUnitAsync(IPage page, Uri viewer, string unitId, string outcome, string verdict, string? note = null, string? reviewer = null)
    {
        await page.GotoAsync(new Uri(viewer, "unit?id=" + Uri.EscapeDataString(unitId)).AbsoluteUri);
        await page.Locator("#label-form").WaitForAsync();
        var name = page.Locator("#reviewer");
        if (reviewer is not null && await name.CountAsync() > 0)
        {
            await name.FillAsync(reviewer);
        }
        await page.Locator("#label-outcome").SelectOptionAsync(outcome);
        await page.Locator($"#label-form input[name=verdict][value={verdict}]").CheckAsync();
        if (note is not null)
        {
            await page.Locator("#label-note").FillAsync(note);
        }
        await page.Locator("#label-submit").ClickAsync();
        var status = page.Locator("#label-status.ok, #label-status.error");
        await status.WaitForAsync();
        var text = await status.InnerTextAsync();
        if (await page.Locator("#label-status.error").CountAsync() > 0)
        {
            throw new InvalidOperationException("The viewer refused the label: " + text);
        }
        return text;
    }
}
