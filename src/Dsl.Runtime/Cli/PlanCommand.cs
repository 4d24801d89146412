using System.CommandLine;
using System.Globalization;
using Scheme.Engine.Design;
using Scheme.Model;

namespace Scheme.Runtime.Cli;

/// <summary><c>plan</c>: prints the expanded design, one line per work unit, and the total; <c>plan --estimate</c> the expected
/// bill (<see cref="PlanEstimate"/>); with <c>--emit slurm|k8s</c>, a cluster job that runs the design in shards instead
/// (<see cref="ClusterOptions"/>).</summary>
public static class PlanCommand
{
    public static Command Create(ExperimentDefinition experiment, TextWriter output, TextWriter errors)
    {
        var runOption = new Option<string?>("--run") { Description = "Only this run (default: every run)." };
        var summaryOption = new Option<bool>("--summary") { Description = "Print only the totals, not one line per unit." };
        var estimateOption = new Option<bool>("--estimate")
        {
            Description = "Print the expected requests, tokens and cost per checkpoint and environment instead, before anything is spent: " +
                "an upper bound from what the experiment declares, or with --from the means measured in a pilot run.",
        };
        var fromOption = new Option<string?>("--from") { Description = "With --estimate: a pilot run directory whose measured tokens and requests per unit are scaled to the plan." };
        var checkpointOption = new Option<string[]>("--checkpoint") { Description = "With --estimate: only units of this checkpoint (repeatable)." };
        var environmentOption = new Option<string[]>("--environment") { Description = "With --estimate: only units of this environment (repeatable)." };
        var limitOption = new Option<long?>("--limit") { Description = "With --estimate: only the first N units of the selection, in plan order (as run --limit)." };
        var jsonOption = new Option<bool>("--json") { Description = "With --estimate: print the estimate as JSON." };
        var command = new Command("plan", "Print the expanded design: one line per work unit with its stable id, and the total; with --estimate, the expected bill; " +
            "with --emit slurm|k8s, a cluster job that runs it in shards.");
        foreach (var option in (Option[])[runOption, summaryOption, estimateOption, fromOption, checkpointOption, environmentOption, limitOption, jsonOption])
        {
            command.Options.Add(option);
        }
        var cluster = new ClusterOptions();
        cluster.AddTo(command);
        command.SetAction(parse =>
        {
            var checkpoints = parse.GetValue(checkpointOption) ?? [];
            var environments = parse.GetValue(environmentOption) ?? [];
            var limit = parse.GetValue(limitOption);
            var from = parse.GetValue(fromOption);
            var json = parse.GetValue(jsonOption);
            if (parse.GetValue(cluster.Emit) is not null || parse.GetValue(cluster.Shards) is not null)
            {
                if (parse.GetValue(estimateOption))
                {
                    errors.WriteLine("error: --estimate and --emit are separate commands: run plan --estimate, then plan --emit.");
                    return RunnerHost.UsageError;
                }
                return cluster.Execute(experiment, parse, parse.GetValue(runOption), output, errors);
            }
            if (!parse.GetValue(estimateOption))
            {
                if (from is not null || json || checkpoints.Length > 0 || environments.Length > 0 || limit is not null)
                {
                    errors.WriteLine("error: --from, --json, --checkpoint, --environment and --limit go with --estimate.");
                    return RunnerHost.UsageError;
                }
                return Execute(experiment, parse.GetValue(runOption), parse.GetValue(summaryOption), output, errors);
            }
            return Runs(experiment, parse.GetValue(runOption), errors) is { } runs
                ? PlanEstimate.Execute(experiment, runs, checkpoints, environments, limit, from, json, output, errors)
                : RunnerHost.UsageError;
        });
        return command;
    }

    private static IReadOnlyList<RunDefinition>? Runs(ExperimentDefinition experiment, string? runName, TextWriter errors)
    {
        var runs = runName is null ? experiment.Runs : experiment.Runs.Where(r => r.Name == runName).ToList();
        if (runs.Count == 0)
        {
            errors.WriteLine(runName is null
                ? $"Experiment {experiment.Name} declares no run."
                : $"Unknown run '{runName}'. Runs: {string.Join(", ", experiment.Runs.Select(r => r.Name))}.");
            return null;
        }
        return runs;
    }

    private static int Execute(ExperimentDefinition experiment, string? runName, bool summary, TextWriter output, TextWriter errors)
    {
        if (Runs(experiment, runName, errors) is not { } runs)
        {
            return RunnerHost.UsageError;
        }
        long total = 0;
        foreach (var run in runs)
        {
            if (!summary)
            {
                output.WriteLine($"{"unit",-16}  {"run",-8}  {"checkpoint",-14}  {"environment[variant]",-40}  {"condition",-18}  epoch");
                foreach (var unit in DesignExpander.Expand(experiment, run))
                {
                    output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"{unit.Id,-16}  {unit.Run,-8}  {unit.Checkpoint,-14}  {$"{unit.Environment}[{unit.Variant}]",-40}  {unit.Condition,-18}  {unit.Epoch}"));
                }
            }
            var count = DesignExpander.Count(experiment, run);
            var variants = run.Environments.Sum(e => DesignExpander.VariantCount(experiment.Environment(e)));
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Run {run.Name}: {count} work units = {run.Checkpoints.Count} checkpoints x {variants} environment variants x {run.Conditions.Count} conditions x {run.Epochs} epochs"));
            total += count;
        }
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Total: {total} work units"));
        return RunnerHost.Success;
    }
}
