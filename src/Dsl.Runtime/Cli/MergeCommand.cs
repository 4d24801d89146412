using System.CommandLine;
using System.Globalization;
using Scheme.Engine;
using Scheme.Engine.Store;
using Scheme.Model;

namespace Scheme.Runtime.Cli;

/// <summary>
/// <c>merge OUT DIR...</c>: joins the run directories of every shard of a run (<c>run --shard I/N</c>) into one run
/// directory OUT, which analyze, report, export and view read as any other run (<see cref="ShardMerge"/> has the rules).
/// </summary>
/// <remarks>
/// Errors (exit 2, nothing written): SCH9051 a directory that is not a shard's (no run.db, a whole run, a runner still
/// in it), SCH9052 shards of different experiments or hashes, SCH9053 different shard counts, a shard given twice, or
/// shards that ran different selections (--run, --checkpoint, --environment, --limit, --offline),
/// SCH9054 a missing shard (named, with where it was expected), SCH9055 a unit in two shards or in a shard it does not hash to, SCH9056 different
/// preregistration locks, SCH9057 simulated shards with live ones (by manifest, or by a unit whose mark is not its manifest's), SCH9058 an OUT that holds a run. Units that failed or
/// never ran do not refuse the merge: they are counted in a warning, and analyses treat them as missing; to finish them,
/// resume those shards and merge again into a new directory (a merged run cannot be resumed).
/// </remarks>
public static class MergeCommand
{
    public const string NotAShard = "SCH9051", ExperimentDiffers = "SCH9052", ShardSetDiffers = "SCH9053", MissingShard = "SCH9054",
        Overlap = "SCH9055", LockDiffers = "SCH9056", SimulatedMixed = "SCH9057", OutHoldsRun = "SCH9058";

    public static Command Create(ExperimentDefinition experiment, TextWriter output, TextWriter errors)
    {
        var outArgument = new Argument<string>("OUT") { Description = "The merged run directory to create (it must not hold a run)." };
        var directories = new Argument<string[]>("DIR") { Description = "The shards' run directories (OUT/shard-I-of-N of run --shard), every shard once.", Arity = ArgumentArity.OneOrMore };
        var command = new Command("merge", "Join the run directories of every shard of a run into one run directory, keeping each unit's provenance.");
        command.Arguments.Add(outArgument);
        command.Arguments.Add(directories);
        command.SetAction(parse =>
        {
            var outDirectory = parse.GetValue(outArgument)!;
            var shards = parse.GetValue(directories) ?? [];
            MergeSummary summary;
            try
            {
                summary = ShardMerge.Merge(outDirectory, shards, ["merge", outDirectory, .. shards], experiment.Name, m => Plan(m.Arguments),
                    experiment.Checkpoints.Where(c => c.Provider == ProviderRegistry.Simulated).Select(c => c.Name).ToHashSet(StringComparer.Ordinal));
            }
            catch (MergeRefusedException refused)
            {
                errors.WriteLine($"error {Code(refused.Reason)}: {refused.Message}");
                return RunnerHost.UsageError;
            }
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Merged {summary.Shards.Count} shards of {experiment.Name} into {outDirectory}: {summary.Units} units ({summary.Done} done, {summary.Failed} failed), {summary.Labels} review labels."));
            Warn(experiment, outDirectory, summary, errors);
            output.WriteLine($"Results in {Path.Combine(outDirectory, SqliteRunStore.FileName)}.");
            return RunnerHost.Success;
        });
        return command;
    }

    /// <summary>Says how many planned units are not done (failed, or never ran) and which shards did not finish.</summary>
    private static void Warn(ExperimentDefinition experiment, string outDirectory, MergeSummary summary, TextWriter errors)
    {
        var manifest = RunDatabase.ReadManifest(Path.Combine(summary.Shards[0], SqliteRunStore.FileName));
        var planned = manifest is null ? null : RunSession.PlannedUnits(experiment, manifest.Arguments);
        var notRun = planned is { } p ? Math.Max(0, p - summary.Units) : 0;
        if (summary.Failed > 0 || notRun > 0)
        {
            var of = planned is null ? "" : string.Create(CultureInfo.InvariantCulture, $", of {planned} planned");
            errors.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"warning: {summary.Failed + notRun} units are not done ({summary.Failed} failed, {notRun} never ran{of}); analyses treat them as missing. ") +
                $"To finish them, resume those shards and merge again into a new directory (a merged run, {outDirectory}, cannot be resumed).");
        }
        if (summary.UnfinishedShards.Count > 0)
        {
            errors.WriteLine($"warning: shard{(summary.UnfinishedShards.Count > 1 ? "s" : "")} {string.Join(", ", summary.UnfinishedShards)} " +
                "never finished (stopped or killed: no end time in the manifest).");
        }
    }

    /// <summary>
    /// What a shard's stored command line selects, as text to compare (null when it cannot be read): re-read as
    /// <see cref="RunSession.PlannedUnits"/> does. Resume keeps a manifest's command line, so this is the shard's plan.
    /// </summary>
    internal static string? Plan(IReadOnlyList<string> arguments)
    {
        if (arguments.Count == 0 || arguments[0] != "run")
        {
            return null;
        }
        var options = new RunOptions();
        var parse = options.AddTo(new Command("run")).Parse(arguments.Skip(1).ToList());
        if (parse.Errors.Count > 0)
        {
            return null;
        }
        var request = options.Read(parse);
        static string List(IEnumerable<string> values) => values.Any() ? string.Join(",", values.Distinct().Order(StringComparer.Ordinal)) : "all";
        return string.Create(CultureInfo.InvariantCulture,
            $"--run {request.Run ?? "all"} --checkpoint {List(request.Checkpoints)} --environment {List(request.Environments)} " +
            $"--limit {(request.Limit is { } l ? l.ToString(CultureInfo.InvariantCulture) : "none")}{(request.Settings.Offline ? " --offline" : "")}");
    }

    private static string Code(MergeRefusal reason) => reason switch
    {
        MergeRefusal.NotAShard => NotAShard,
        MergeRefusal.ExperimentDiffers => ExperimentDiffers,
        MergeRefusal.ShardSetDiffers or MergeRefusal.PlanDiffers => ShardSetDiffers,
        MergeRefusal.MissingShard => MissingShard,
        MergeRefusal.Overlap or MergeRefusal.WrongShard => Overlap,
        MergeRefusal.LockDiffers => LockDiffers,
        MergeRefusal.SimulatedMixed => SimulatedMixed,
        MergeRefusal.OutHoldsRun => OutHoldsRun,
        _ => throw new ArgumentOutOfRangeException(nameof(reason), reason, null),
    };
}
