using Scheme.Runtime.Design;
using Scheme.Runtime.Episodes;
using Scheme.Runtime.Model;

namespace Scheme.Runtime.Analysis;

/// <summary>A unit the design does not allow: where it was read, which unit, why (a short key, counted) and the details.</summary>
public sealed record InvalidUnit(string Source, long Line, string UnitId, string Reason, string Message)
{
    public override string ToString() => $"{Source}({Line}): unit {UnitId}: {Message}";
}

/// <summary>
/// Checks every unit against the experiment's design before it is counted: its run, checkpoint, environment, variant
/// and condition are declared and belong to that run, its epoch is one the run has (0 to epochs - 1), and no unit
/// appears twice (by unit_id, or by its coordinates run, checkpoint, environment, variant, condition, epoch). The first
/// line of a duplicate is kept. Units that fail are set aside with the reason rather than counted.
/// Memory: the ids and the coordinates (packed into one number) of the valid units, about 120 bytes per unit.
/// </summary>
public sealed class UnitValidator
{
    /// <summary>The reasons, as counted in the analysis.</summary>
    public const string DuplicateId = "duplicate unit_id", DuplicateUnit = "duplicate unit", UndeclaredRun = "undeclared run",
        UndeclaredCheckpoint = "undeclared checkpoint", UndeclaredEnvironment = "undeclared environment", UndeclaredCondition = "undeclared condition",
        UnknownVariant = "unknown variant", NotInRun = "not in its run", EpochOutOfRange = "epoch beyond the run's epochs";

    private readonly ExperimentDefinition _experiment;
    // Names to their index in the declarations: a unit's coordinates pack into one number (mixed radix).
    private readonly Dictionary<string, int> _runs, _checkpoints, _environments, _conditions;
    private readonly Dictionary<string, Dictionary<string, int>> _variants = new(StringComparer.Ordinal);
    private readonly int _maxVariants, _maxEpochs;
    private readonly Dictionary<string, long> _ids = new(StringComparer.Ordinal);
    private readonly Dictionary<Int128, long> _coordinates = [];

    public UnitValidator(ExperimentDefinition experiment)
    {
        _experiment = experiment;
        _runs = Index(experiment.Runs.Select(r => r.Name));
        _checkpoints = Index(experiment.Checkpoints.Select(c => c.Name));
        _environments = Index(experiment.Environments.Select(e => e.Name));
        _conditions = Index(experiment.Manipulations.Select(m => m.Name).Append(EpisodeRunner.Baseline).Concat(experiment.Runs.SelectMany(r => r.Conditions)));
        foreach (var environment in experiment.Environments)
        {
            _variants[environment.Name] = Index(DesignExpander.Variants(environment).Select(v => v.Label));
        }
        _maxVariants = _variants.Values.Select(v => v.Count).DefaultIfEmpty(1).Max();
        _maxEpochs = experiment.Runs.Select(r => r.Epochs).DefaultIfEmpty(1).Max();
    }

    private static Dictionary<string, int> Index(IEnumerable<string> names)
    {
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var name in names) index.TryAdd(name, index.Count);
        return index;
    }

    /// <summary>The valid units, in order; the others are added to <paramref name="invalid"/> as they are met.</summary>
    public IEnumerable<UnitResult> Filter(IEnumerable<UnitResult> units, string source, ICollection<InvalidUnit> invalid)
    {
        foreach (var unit in units)
        {
            if (Check(unit) is { } problem)
            {
                invalid.Add(new InvalidUnit(source, unit.Line, unit.UnitId, problem.Reason, problem.Message));
                continue;
            }
            yield return unit;
        }
    }

    private (string Reason, string Message)? Check(UnitResult u)
    {
        if (!_runs.TryGetValue(u.Run, out var runIndex)) return (UndeclaredRun, $"run '{u.Run}' is not declared.");
        var run = _experiment.Runs[runIndex];
        if (!_checkpoints.ContainsKey(u.Checkpoint)) return (UndeclaredCheckpoint, $"checkpoint '{u.Checkpoint}' is not declared.");
        if (!run.Checkpoints.Contains(u.Checkpoint)) return (NotInRun, $"run {run.Name} has no checkpoint '{u.Checkpoint}'.");
        if (!_environments.ContainsKey(u.Environment)) return (UndeclaredEnvironment, $"environment '{u.Environment}' is not declared.");
        if (!run.Environments.Contains(u.Environment)) return (NotInRun, $"run {run.Name} has no environment '{u.Environment}'.");
        if (!_variants[u.Environment].TryGetValue(u.Variant, out var variant))
        {
            return (UnknownVariant, $"environment {u.Environment} has no variant '{u.Variant}' (it has {string.Join(", ", _variants[u.Environment].Keys)}).");
        }
        if (!_conditions.ContainsKey(u.Condition)) return (UndeclaredCondition, $"condition '{u.Condition}' is neither baseline nor a declared manipulation.");
        if (!run.Conditions.Contains(u.Condition)) return (NotInRun, $"run {run.Name} has no condition '{u.Condition}'.");
        if (u.Epoch < 0 || u.Epoch >= run.Epochs) return (EpochOutOfRange, $"epoch {u.Epoch} is outside run {run.Name}'s epochs 0 to {run.Epochs - 1}.");
        if (_ids.TryGetValue(u.UnitId, out var firstWithId)) return (DuplicateId, $"unit_id {u.UnitId} was already read at {LineText(firstWithId)}.");
        Int128 slot = runIndex;
        slot = slot * _checkpoints.Count + _checkpoints[u.Checkpoint];
        slot = slot * _environments.Count + _environments[u.Environment];
        slot = slot * _maxVariants + variant;
        slot = slot * _conditions.Count + _conditions[u.Condition];
        slot = slot * _maxEpochs + u.Epoch;
        if (_coordinates.TryGetValue(slot, out var firstHere))
        {
            return (DuplicateUnit, $"the same run, checkpoint, environment, variant, condition and epoch were already read at {LineText(firstHere)} (with another unit_id).");
        }
        _ids[u.UnitId] = u.Line;
        _coordinates[slot] = u.Line;
        return null;
    }

    private static string LineText(long line) => line > 0 ? $"line {line}" : "an earlier unit";
}
