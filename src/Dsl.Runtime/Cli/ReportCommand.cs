using System.CommandLine;
using Scheme.Analysis.Reports;
using Scheme.Model;

namespace Scheme.Runtime.Cli;

/// <summary><c>report</c>: runs the analysis and writes report.md, report.html (self-contained) and analysis.json.</summary>
public static class ReportCommand
{
    /// <param name="errors">Where errors go (the host's error writer).</param>
    public static Command Create(ExperimentDefinition experiment, TextWriter output, TextWriter errors)
    {
        var inputs = new AnalysisInputOptions();
        var command = new Command("report", "Write report.md, a self-contained report.html and analysis.json (tables, plots, confirmatory/exploratory standing).");
        inputs.AddTo(command);
        command.SetAction(parse =>
        {
            var (result, exit) = inputs.Analyze(experiment, parse, errors);
            if (result is null)
            {
                return exit;
            }
            var files = ReportWriter.Write(result, inputs.OutputDirectory(parse));
            output.WriteLine($"Wrote {files.Markdown}, {files.Html} and {files.Json} ({files.Plots.Count} plots).");
            return exit;
        });
        return command;
    }
}
