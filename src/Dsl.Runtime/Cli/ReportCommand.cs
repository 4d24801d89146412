using System.CommandLine;
using Scheme.Analysis.Reports;
using Scheme.Engine.Store;
using Scheme.Model;

namespace Scheme.Runtime.Cli;

/// <summary>
/// <c>report</c>: runs the analysis and writes report.md, report.html (self-contained) and analysis.json. report.html's
/// metric tables link to the transcript viewer (<c>--viewer-url</c>, else relative permalinks), and <c>--transcripts N</c>
/// embeds a stable sample of N transcripts per cell (from a run directory: a JSONL export has no transcripts).
/// </summary>
public static class ReportCommand
{
    /// <param name="errors">Where errors go (the host's error writer).</param>
    public static Command Create(ExperimentDefinition experiment, TextWriter output, TextWriter errors)
    {
        var inputs = new AnalysisInputOptions();
        var viewerUrl = new Option<string?>("--viewer-url")
        {
            Description = "The viewer's URL (as `view` prints it) that report.html's tables link to (default: relative links, e.g. units?checkpoint=o3, to open under the viewer's URL).",
        };
        var transcripts = new Option<int>("--transcripts")
        {
            Description = "Embed a stable sample of N transcripts per cell in report.html, escaped and collapsed, for sharing without a server (needs a run directory).",
            DefaultValueFactory = _ => 0,
        };
        var command = new Command("report", "Write report.md, a self-contained report.html and analysis.json (tables, plots, confirmatory/exploratory standing).");
        inputs.AddTo(command);
        command.Options.Add(viewerUrl);
        command.Options.Add(transcripts);
        command.SetAction(parse =>
        {
            var url = parse.GetValue(viewerUrl);
            if (url is not null && (!Uri.TryCreate(url, UriKind.Absolute, out var parsed) || parsed.Scheme is not ("http" or "https")))
            {
                errors.WriteLine($"error: --viewer-url must be an http URL such as http://127.0.0.1:8080/, not '{url}'.");
                return RunnerHost.UsageError;
            }
            var sample = parse.GetValue(transcripts);
            var runDirectory = inputs.RunDirectory(parse);
            if (sample < 0 || (sample > 0 && runDirectory is null))
            {
                errors.WriteLine("error: --transcripts N needs N >= 0 and a run directory (DIR or --run-dir): a JSONL export has no transcripts.");
                return RunnerHost.UsageError;
            }
            var (result, exit) = inputs.Analyze(experiment, parse, errors);
            if (result is null)
            {
                return exit;
            }
            var links = new ReportLinks(url,
                experiment.Metrics.Where(m => m.PlainOutcome is not null).ToDictionary(m => m.Name, m => m.PlainOutcome!, StringComparer.Ordinal),
                sample > 0 ? ReportTranscripts.Sample(Path.Combine(runDirectory!, SqliteRunStore.FileName), sample) : []);
            var files = ReportWriter.Write(result, inputs.OutputDirectory(parse), links);
            output.WriteLine($"Wrote {files.Markdown}, {files.Html} and {files.Json} ({files.Plots.Count} plots{(links.Transcripts.Count > 0 ? $", {links.Transcripts.Count} transcripts embedded" : "")}).");
            return exit;
        });
        return command;
    }
}
