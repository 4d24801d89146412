using System.CommandLine;
using Scheme.Engine.Store;

namespace Scheme.Runtime.Cli;

/// <summary>
/// <c>export DIR --format jsonl|csv|parquet [--output FILE]</c>: one row per unit of a run directory, streamed from its
/// run.db (<see cref="RunExporter"/>), and the run's review labels beside them. Exit codes: 0 done; 2 bad input or a file
/// that cannot be written (SCH9074; nothing is left under the file's name); 3 rows of run.db that cannot be read were
/// left out and named (SCH9073; the other rows are written).
/// </summary>
public static class ExportCommand
{
    /// <summary>Codes of the errors a user can meet here (documented with the runner's in the diagnostics README).</summary>
    public const string UnreadableRow = "SCH9073", CannotWrite = "SCH9074";

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
            // Opening the store checks the file is a run database (and brings an older one up to date) before anything is written.
            using var store = SqliteRunStore.Open(dir);
            var unreadable = new List<UnitReadError>();
            long count;
            int labelCount;
            var labelsPath = ReviewLabelExport.PathBeside(path);
            try
            {
                // Rows as stored (no simulated mark filled in from the manifest): the export is the store's content.
                count = RunExporter.ExportAsync(ReadAhead.Of(RunDatabase.ReadUnits(store.Path, unreadable, resolveSimulated: false)), kind, path).GetAwaiter().GetResult();
                // Human review labels go beside the units, in the same format: every label, superseded ones included.
                var labels = store.ReviewLabelsInOrder();
                ReviewLabelExport.WriteAsync(labels, kind, labelsPath).GetAwaiter().GetResult();
                labelCount = labels.Count;
            }
            catch (Exception e) when (e is IOException and not FileNotFoundException or UnauthorizedAccessException)
            {
                errors.WriteLine($"error {CannotWrite}: cannot write the export {path}: {e.Message}");
                return RunnerHost.UsageError;
            }
            foreach (var row in unreadable.Take(20))
            {
                errors.WriteLine($"{row.Source}({row.Line}): error {UnreadableRow}: {row.Message} It is left out of the export.");
            }
            if (unreadable.Count > 20)
            {
                errors.WriteLine($"error {UnreadableRow}: ... and {unreadable.Count - 20} more unreadable rows.");
            }
            output.WriteLine($"Exported {count} units to {path}.");
            output.WriteLine($"Exported {labelCount} review labels to {labelsPath}.");
            if (unreadable.Count > 0)
            {
                output.WriteLine($"{unreadable.Count} unreadable row(s) of {store.Path} were left out ({UnreadableRow} above): the store keeps them.");
                return AnalyzeCommand.MalformedData;
            }
            return RunnerHost.Success;
        });
        return command;
    }
}
