using System.Runtime.CompilerServices;
using Scheme.Engine.Design;
using Scheme.Engine.Episodes;
using Scheme.Engine.Store;
using Scheme.Model;

namespace Scheme.Analysis;

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
/// </summary>
/// <remarks>
/// Memory, which grows with the units read: each valid unit's place in the design is one bit of a sparse bit set
/// (a few bytes per unit), and its id is kept as a 128-bit hash with the line it was read at (about 90 MB per million
/// units, resizing included; the chance that two different ids of a million share a hash is about 1e-27).
/// </remarks>
public sealed class UnitValidator
{
    /// <summary>The reasons, as counted in the analysis.</summary>
    public const string DuplicateId = "duplicate unit_id", DuplicateUnit = "duplicate unit", UndeclaredRun = "undeclared run",
        UndeclaredCheckpoint = "undeclared checkpoint", UndeclaredEnvironment = "undeclared environment", UndeclaredCondition = "undeclared condition",
        UnknownVariant = "unknown variant", NotInRun = "not in its run", EpochOutOfRange = "epoch beyond the run's epochs";

    private readonly Dictionary<string, RunLayout> _runs = new(StringComparer.Ordinal);
    private readonly HashSet<string> _checkpoints, _environments, _conditions;
    private readonly Dictionary<Int128, long> _ids = [];
    private readonly SparseBitSet _seen = new();

    public UnitValidator(ExperimentDefinition experiment)
    {
        _checkpoints = experiment.Checkpoints.Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        _environments = experiment.Environments.Select(e => e.Name).ToHashSet(StringComparer.Ordinal);
        _conditions = experiment.Manipulations.Select(m => m.Name).Append(EpisodeRunner.Baseline)
            .Concat(experiment.Runs.SelectMany(r => r.Conditions)).ToHashSet(StringComparer.Ordinal);
        long offset = 0;
        foreach (var run in experiment.Runs)
        {
            var layout = new RunLayout(experiment, run, offset);
            _runs.TryAdd(run.Name, layout);
            offset += layout.Size;
        }
    }

    /// <summary>The valid units, in order; the others are added to <paramref name="invalid"/> as they are met.</summary>
    public IEnumerable<UnitRecord> Filter(IEnumerable<UnitRecord> units, string source, ICollection<InvalidUnit> invalid)
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

    private (string Reason, string Message)? Check(UnitRecord u)
    {
        // Readers pool coordinate strings, so a million units carry a few hundred distinct (run, checkpoint, environment,
        // variant, condition) instances: their place in the design is looked up once per instance, by reference.
        var key = new Coordinates(u.Run, u.Checkpoint, u.Environment, u.Variant, u.Condition);
        if (!_places.TryGetValue(key, out var place))
        {
            place = Place(u);
            if (_places.Count < MaxPlaces)
            {
                _places[key] = place;
            }
        }
        if (place.Problem is { } problem) return problem;
        var (layout, checkpoint, variant, condition) = (place.Layout!, place.Checkpoint, place.Variant, place.Condition);
        var run = layout.Run;
        if (u.Epoch < 0 || u.Epoch >= run.Epochs) return (EpochOutOfRange, $"epoch {u.Epoch} is outside run {run.Name}'s epochs 0 to {run.Epochs - 1}.");
        var id = Hash128(u.UnitId);
        if (_ids.TryGetValue(id, out var first)) return (DuplicateId, $"unit_id {u.UnitId} was already read at {(first > 0 ? $"line {first}" : "an earlier unit")}.");
        if (!_seen.Add(layout.IndexOf(checkpoint, variant, condition, u.Epoch)))
        {
            return (DuplicateUnit, "an earlier unit, with another unit_id, has the same run, checkpoint, environment, variant, condition and epoch.");
        }
        _ids[id] = u.Line;
        return null;
    }

    private const int MaxPlaces = 65_536;

    private readonly Dictionary<Coordinates, Placement> _places = new(CoordinatesByReference.Instance);

    private readonly record struct Coordinates(string Run, string Checkpoint, string Environment, string Variant, string Condition);

    /// <summary>Where a unit's coordinates sit in the design, or why they do not.</summary>
    private readonly record struct Placement((string Reason, string Message)? Problem, RunLayout? Layout = null, int Checkpoint = 0, int Variant = 0, int Condition = 0);

    /// <summary>Identity, not content: equal texts in different instances only cost a second entry.</summary>
    private sealed class CoordinatesByReference : IEqualityComparer<Coordinates>
    {
        public static readonly CoordinatesByReference Instance = new();

        public bool Equals(Coordinates x, Coordinates y) =>
            ReferenceEquals(x.Run, y.Run) && ReferenceEquals(x.Checkpoint, y.Checkpoint) && ReferenceEquals(x.Environment, y.Environment)
            && ReferenceEquals(x.Variant, y.Variant) && ReferenceEquals(x.Condition, y.Condition);

        public int GetHashCode(Coordinates c) => HashCode.Combine(RuntimeHelpers.GetHashCode(c.Run), RuntimeHelpers.GetHashCode(c.Checkpoint),
            RuntimeHelpers.GetHashCode(c.Environment), RuntimeHelpers.GetHashCode(c.Variant), RuntimeHelpers.GetHashCode(c.Condition));
    }

    private Placement Place(UnitRecord u)
    {
        if (!_runs.TryGetValue(u.Run, out var layout)) return new((UndeclaredRun, $"run '{u.Run}' is not declared."));
        var run = layout.Run;
        if (!_checkpoints.Contains(u.Checkpoint)) return new((UndeclaredCheckpoint, $"checkpoint '{u.Checkpoint}' is not declared."));
        if (!layout.Checkpoints.TryGetValue(u.Checkpoint, out var checkpoint)) return new((NotInRun, $"run {run.Name} has no checkpoint '{u.Checkpoint}'."));
        if (!_environments.Contains(u.Environment)) return new((UndeclaredEnvironment, $"environment '{u.Environment}' is not declared."));
        if (!layout.Variants.TryGetValue(u.Environment, out var variants)) return new((NotInRun, $"run {run.Name} has no environment '{u.Environment}'."));
        if (!variants.TryGetValue(u.Variant, out var variant))
        {
            return new((UnknownVariant, $"environment {u.Environment} has no variant '{u.Variant}' (it has {string.Join(", ", variants.Keys)})."));
        }
        if (!_conditions.Contains(u.Condition)) return new((UndeclaredCondition, $"condition '{u.Condition}' is neither baseline nor a declared manipulation."));
        if (!layout.Conditions.TryGetValue(u.Condition, out var condition)) return new((NotInRun, $"run {run.Name} has no condition '{u.Condition}'."));
        return new(null, layout, checkpoint, variant, condition);
    }

    /// <summary>
    /// Where the units of one run sit in the design, numbered densely like the plan: checkpoint x (environment,
    /// variant) x condition x epoch, after the units of the runs declared before it.
    /// </summary>
    private sealed class RunLayout
    {
        public RunLayout(ExperimentDefinition experiment, RunDefinition run, long offset)
        {
            Run = run;
            Offset = offset;
            Checkpoints = Index(run.Checkpoints);
            Conditions = Index(run.Conditions);
            var flat = 0;
            foreach (var name in run.Environments.Distinct())
            {
                var environment = experiment.Environments.FirstOrDefault(e => e.Name == name);
                var labels = environment is null ? [] : DesignExpander.Variants(environment).Select(v => v.Label).ToList();
                Variants[name] = labels.Distinct().ToDictionary(l => l, _ => flat++, StringComparer.Ordinal);
            }
            VariantCount = flat;
            Size = (long)Checkpoints.Count * VariantCount * Conditions.Count * Math.Max(0, run.Epochs);
        }

        public RunDefinition Run { get; }
        public long Offset { get; }
        public long Size { get; }
        public int VariantCount { get; }
        public Dictionary<string, int> Checkpoints { get; }
        public Dictionary<string, int> Conditions { get; }
        /// <summary>Per environment of the run: its variants' labels to their index among all the run's variants.</summary>
        public Dictionary<string, Dictionary<string, int>> Variants { get; } = new(StringComparer.Ordinal);

        public long IndexOf(int checkpoint, int variant, int condition, int epoch) =>
            Offset + (((long)checkpoint * VariantCount + variant) * Conditions.Count + condition) * Run.Epochs + epoch;

        private static Dictionary<string, int> Index(IEnumerable<string> names)
        {
            var index = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var name in names) index.TryAdd(name, index.Count);
            return index;
        }
    }

    /// <summary>Two 64-bit FNV-1a hashes of the UTF-16 text with different offsets, each finished by SplitMix64's mixer.</summary>
    private static Int128 Hash128(string text)
    {
        ulong a = 14695981039346656037UL, b = 0x9E3779B97F4A7C15UL ^ (ulong)text.Length;
        foreach (var c in text)
        {
            a = (a ^ c) * 1099511628211UL;
            b = (b ^ c) * 0x100000001B3UL * 31 + 0x2545F4914F6CDD1DUL;
        }
        return new Int128(Mix(a), Mix(b));
    }

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}

/// <summary>A set of non-negative numbers as bits in 4,096-bit pages allocated on first use: small for the dense
/// stretches of a design that data fill, whatever the size of the design.</summary>
internal sealed class SparseBitSet
{
    private readonly Dictionary<long, ulong[]> _pages = [];

    /// <summary>Adds <paramref name="index"/>; false if it was already there.</summary>
    public bool Add(long index)
    {
        if (!_pages.TryGetValue(index >> 12, out var page))
        {
            page = new ulong[64];
            _pages[index >> 12] = page;
        }
        var word = (int)(index >> 6) & 63;
        var bit = 1UL << (int)(index & 63);
        if ((page[word] & bit) != 0) return false;
        page[word] |= bit;
        return true;
    }
}
