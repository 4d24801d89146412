using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Scheme.Model;

namespace Scheme.Engine.Design;

/// <summary>Expands a run into work units: checkpoints x environment variants x conditions x epochs.</summary>
public static class DesignExpander
{
    public static IEnumerable<WorkUnit> Expand(ExperimentDefinition experiment, RunDefinition run)
    {
        foreach (var checkpoint in run.Checkpoints)
        {
            foreach (var environment in run.Environments.Select(experiment.Environment))
            {
                foreach (var (variant, parameters) in Variants(environment))
                {
                    for (var epoch = 0; epoch < run.Epochs; epoch++)
                    {
                        foreach (var condition in run.Conditions)
                        {
                            yield return new WorkUnit(
                                UnitId(experiment.Name, run.Name, checkpoint, environment.Name, variant, condition, epoch),
                                run.Name, checkpoint, environment.Name, variant, parameters, condition, epoch,
                                SampleSeed(experiment, run, checkpoint, environment.Name, variant, epoch));
                        }
                    }
                }
            }
        }
    }

    /// <summary>
    /// A unit's id, from its coordinates only (stable across machines and reruns). The transcript viewer computes the
    /// ids of a unit's pairs (the same sample under the run's other conditions) with it.
    /// </summary>
    public static string UnitId(string experiment, string run, string checkpoint, string environment, string variant, string condition, int epoch) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join("/", experiment, run, checkpoint, environment, variant, condition,
            epoch.ToString(CultureInfo.InvariantCulture)))), 0, 8);

    /// <summary>Units per run without materializing them: checkpoints x variants x conditions x epochs.</summary>
    public static long Count(ExperimentDefinition experiment, RunDefinition run) =>
        (long)run.Checkpoints.Count * run.Environments.Sum(e => VariantCount(experiment.Environment(e))) * run.Conditions.Count * run.Epochs;

    public static long VariantCount(EnvironmentDefinition environment) =>
        environment.Params.Aggregate(1L, (n, p) => n * p.Values.Count);

    /// <summary>The label of the one variant of an environment without params.</summary>
    public const string DefaultVariant = "default";

    /// <summary>
    /// The cartesian product of param values, in declaration order; <see cref="DefaultVariant"/> when there are no params.
    /// </summary>
    public static IEnumerable<(string Label, IReadOnlyDictionary<string, object> Params)> Variants(EnvironmentDefinition environment)
    {
        IEnumerable<List<(string Name, object Value)>> combos = [[]];
        foreach (var param in environment.Params)
        {
            combos = combos.SelectMany(c => param.Values.Select(v => new List<(string, object)>(c) { (param.Name, v) }));
        }
        foreach (var combo in combos)
        {
            var label = combo.Count == 0 ? DefaultVariant : string.Join(",", combo.Select(p => $"{p.Name}={Format(p.Value)}"));
            yield return (label, combo.ToDictionary(p => p.Name, p => p.Value));
        }
    }

    /// <summary>
    /// The seed leaves out the condition, so a sample and its counterfactual start from the same randomness.
    /// </summary>
    private static long SampleSeed(ExperimentDefinition experiment, RunDefinition run, string checkpoint, string environment, string variant, int epoch)
    {
        var key = string.Join("/", experiment.Seed.ToString(CultureInfo.InvariantCulture), run.Name, checkpoint, environment, variant,
            epoch.ToString(CultureInfo.InvariantCulture));
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(key));
        return BitConverter.ToInt64(hash, 0) & long.MaxValue;
    }

    private static string Format(object value) => value switch
    {
        bool b => b ? "true" : "false",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };
}
