using System.Globalization;
using Scheme.Engine;
using Spectre.Console;

namespace Scheme.Runtime.Cli;

/// <summary>
/// Shows a run's progress while it runs: done, failed, rate, ETA, tokens and cost. On a terminal it is a live
/// Spectre.Console panel redrawn four times a second; when the output is redirected (CI, a log file, a test)
/// it degrades to one plain line per interval and a final line, so logs stay readable.
/// </summary>
public static class ProgressDisplay
{
    public static async Task ShowAsync(RunCounters counters, Task run, TextWriter output, bool interactive, TimeSpan interval)
    {
        if (interactive)
        {
            await AnsiConsole.Live(Render(counters)).AutoClear(false).StartAsync(async context =>
            {
                while (!run.IsCompleted)
                {
                    await Task.WhenAny(run, Task.Delay(250)).ConfigureAwait(false);
                    context.UpdateTarget(Render(counters));
                }
                // The last frame shows the final counts.
                context.UpdateTarget(Render(counters));
                context.Refresh();
            }).ConfigureAwait(false);
            return;
        }
        while (!run.IsCompleted)
        {
            await Task.WhenAny(run, Task.Delay(interval)).ConfigureAwait(false);
            if (!run.IsCompleted)
            {
                output.WriteLine(Line(counters));
            }
        }
        output.WriteLine(Line(counters));
    }

    /// <summary>The plain progress line.</summary>
    public static string Line(RunCounters c) => string.Create(CultureInfo.InvariantCulture,
        $"progress: {c.Done + c.Failed + c.Skipped}/{c.Total} units (done {c.Done}, failed {c.Failed}, skipped {c.Skipped}) " +
        $"{c.Rate:0.0}/s eta {Eta(c.Eta)} tokens {c.TokensIn}+{c.TokensOut} spent ${c.SpentUsd:0.0000} (run ${c.RunSpentUsd:0.0000}) requests {c.Requests} retries {c.Retries}");

    private static Panel Render(RunCounters c)
    {
        var finished = c.Done + c.Failed + c.Skipped;
        var fraction = c.Total == 0 ? 1 : (double)finished / c.Total;
        var width = 40;
        var filled = (int)Math.Round(fraction * width);
        var grid = new Grid().AddColumn().AddColumn();
        grid.AddRow(new Markup("[bold]units[/]"), new Markup(string.Create(CultureInfo.InvariantCulture,
            $"[green]{new string('#', filled)}[/][grey]{new string('-', width - filled)}[/] {finished}/{c.Total} ({fraction:P0})")));
        grid.AddRow(new Markup("[bold]done[/]"), new Markup(string.Create(CultureInfo.InvariantCulture,
            $"[green]{c.Done}[/]  failed [red]{c.Failed}[/]  skipped {c.Skipped}")));
        grid.AddRow(new Markup("[bold]rate[/]"), new Markup(string.Create(CultureInfo.InvariantCulture,
            $"{c.Rate:0.0} units/s  ETA {Eta(c.Eta)}  requests {c.Requests}  retries {c.Retries}")));
        grid.AddRow(new Markup("[bold]tokens[/]"), new Markup(string.Create(CultureInfo.InvariantCulture, $"{c.TokensIn:N0} in, {c.TokensOut:N0} out")));
        grid.AddRow(new Markup("[bold]spent[/]"), new Markup(string.Create(CultureInfo.InvariantCulture, $"${c.SpentUsd:0.0000} by this process, ${c.RunSpentUsd:0.0000} by the run")));
        return new Panel(grid).Header("run").Border(BoxBorder.Rounded);
    }

    private static string Eta(TimeSpan? eta) => eta is { } e
        ? e.TotalHours >= 1 ? $"{(int)e.TotalHours}h{e.Minutes:00}m" : $"{e.Minutes}m{e.Seconds:00}s"
        : "-";
}
