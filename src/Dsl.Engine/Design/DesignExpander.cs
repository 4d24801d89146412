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
                    // The hashed keys share everything up to the epoch: their UTF-8 prefixes are made once per variant, so a
                    // unit costs two SHA-256 of a few dozen bytes and no string but its id (a million-unit run expands twice).
                    var idPrefix = Encoding.UTF8.GetBytes(string.Join("/", experiment.Name, run.Name, checkpoint, environment.Name, variant) + "/");
                    var seedPrefix = Encoding.UTF8.GetBytes(string.Join("/", experiment.Seed.ToString(CultureInfo.InvariantCulture), run.Name, checkpoint,
                        environment.Name, variant) + "/");
                    var conditions = run.Conditions.Select(c => Encoding.UTF8.GetBytes(c + "/")).ToList();
                    for (var epoch = 0; epoch < run.Epochs; epoch++)
                    {
                        var seed = SampleSeed(seedPrefix, [], epoch);
                        for (var c = 0; c < run.Conditions.Count; c++)
                        {
                            yield return new WorkUnit(Id(idPrefix, conditions[c], epoch), run.Name, checkpoint, environment.Name, variant, parameters,
                                run.Conditions[c], epoch, seed);
                        }
                    }
                }
            }
        }
    }

    /// <summary><see cref="UnitId"/> from the UTF-8 of "experiment/run/checkpoint/environment/variant/" and "condition/".</summary>
    private static string Id(byte[] prefix, byte[] condition, int epoch)
    {
        Span<byte> hash = stackalloc byte[32];
        Hash(prefix, condition, epoch, hash);
        return Convert.ToHexStringLower(hash[..8]);
    }

    /// <summary><see cref="SampleSeed(ExperimentDefinition, RunDefinition, string, string, string, int)"/> from its key's prefix.</summary>
    private static long SampleSeed(byte[] prefix, byte[] middle, int epoch)
    {
        Span<byte> hash = stackalloc byte[32];
        Hash(prefix, middle, epoch, hash);
        return BitConverter.ToInt64(hash) & long.MaxValue;
    }

    /// <summary>SHA-256 of prefix + middle + the epoch's digits.</summary>
    private static void Hash(byte[] prefix, byte[] middle, int epoch, Span<byte> hash)
    {
        var length = prefix.Length + middle.Length + 11;
        var rented = length > 512 ? System.Buffers.ArrayPool<byte>.Shared.Rent(length) : null;
        Span<byte> key = rented is null ? stackalloc byte[length] : rented.AsSpan(0, length);
        prefix.CopyTo(key);
        middle.CopyTo(key[prefix.Length..]);
        epoch.TryFormat(key[(prefix.Length + middle.Length)..], out var digits, default, CultureInfo.InvariantCulture);
        SHA256.HashData(key[..(prefix.Length + middle.Length + digits)], hash);
        if (rented is not null)
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(rented);
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
    /// A unit's seed, from its coordinates only. The seed leaves out the condition, so a sample and its counterfactual
    /// start from the same randomness.
    /// </summary>
    public static long SampleSeed(ExperimentDefinition experiment, RunDefinition run, string checkpoint, string environment, string variant, int epoch)
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
