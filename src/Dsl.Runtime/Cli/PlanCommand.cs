using System.CommandLine;
using System.Globalization;
using Scheme.Engine.Design;
using Scheme.Model;

namespace Scheme.Runtime.Cli;

/// <summary><c>plan</c>: prints the expanded design, one line per work unit, and the total; with <c>--emit slurm|k8s</c>,
/// a cluster job that runs the design in shards instead (<see cref="ClusterOptions"/>).</summary>
public static class PlanCommand
{
    public static Command Create(ExperimentDefinition experiment, TextWriter output, TextWriter errors)
    {
        var runOption = new Option<string?>("--run") { Description = "Only this run (default: every run)." };
        var summaryOption = new Option<bool>("--summary") { Description = "Print only the totals, not one line per unit." };
        var command = new Command("plan", "Print the expanded design: one line per work unit with its stable id, and the total.");
        command.Options.Add(runOption);
        command.Options.Add(summaryOption);
        var cluster = new ClusterOptions();
        cluster.AddTo(command);
        command.SetAction(parse => parse.GetValue(cluster.Emit) is null && parse.GetValue(cluster.Shards) is null
            ? Execute(experiment, parse.GetValue(runOption), parse.GetValue(summaryOption), output, errors)
            : cluster.Execute(experiment, parse, parse.GetValue(runOption), output, errors));
        return command;
    }

    private static int Execute(ExperimentDefinition experiment, string? runName, bool summary, TextWriter output, TextWriter errors)
    {
        var runs = runName is null ? experiment.Runs : experiment.Runs.Where(r => r.Name == runName).ToList();
        if (runs.Count == 0)
        {
            errors.WriteLine(runName is null
                ? $"Experiment {experiment.Name} declares no run."
                : $"Unknown run '{runName}'. Runs: {string.Join(", ", experiment.Runs.Select(r => r.Name))}.");
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
