using System.CommandLine;
using Scheme.Engine.Store;

namespace Scheme.Runtime.Cli;

/// <summary><c>export DIR --format jsonl|csv|parquet [--output FILE]</c>: one row per unit of a run directory.</summary>
public static class ExportCommand
{
    public static Command Create(TextWriter output, TextWriter errors)
    {
        var directory = new Argument<string>("DIR") { Description = "The run directory to export." };
        var format = new Option<string>("--format") { Description = "jsonl, csv or parquet.", DefaultValueFactory = _ => "jsonl" };
        format.AcceptOnlyFromAmong("jsonl", "csv", "parquet");
        var file = new Option<string?>("--output") { Description = "File to write (default: DIR/units.<format>)." };
        var command = new Command("export", "Export the units of a run directory: unit_id, checkpoint, environment, variant, condition, epoch, seed, status, outcomes, metrics, tokens, cost, latency, error; and the run's review labels beside them (units.labels.<format>).");
        command.Arguments.Add(directory);
        command.Options.Add(format);
        command.Options.Add(file);
        command.SetAction(parse =>
        {
            var dir = parse.GetValue(directory)!;
            if (!File.Exists(Path.Combine(dir, SqliteRunStore.FileName)))
            {
                errors.WriteLine($"error: {dir} is not a run directory (no {SqliteRunStore.FileName}).");
                return RunnerHost.UsageError;
            }
            var kind = Enum.Parse<ExportFormat>(parse.GetValue(format)!, ignoreCase: true);
            var path = parse.GetValue(file) ?? Path.Combine(dir, "units" + RunExporter.Extension(kind));
            using var store = SqliteRunStore.Open(dir);
            var units = store.Units();
            RunExporter.ExportAsync(units, kind, path).GetAwaiter().GetResult();
            output.WriteLine($"Exported {units.Count} units to {path}.");
            // Human review labels go beside the units, in the same format: every label, superseded ones included.
            var labels = store.ReviewLabelsInOrder();
            var labelsPath = ReviewLabelExport.PathBeside(path);
            ReviewLabelExport.WriteAsync(labels, kind, labelsPath).GetAwaiter().GetResult();
            output.WriteLine($"Exported {labels.Count} review labels to {labelsPath}.");
            return RunnerHost.Success;
        });
        return command;
    }
}
