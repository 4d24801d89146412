using System.Runtime.InteropServices;
using Scheme.Contracts;
using Scheme.Engine.Store;
using Scheme.Model;

namespace Scheme.Analysis;

/// <summary>
/// One pass over unit results that keeps only what the analysis needs: per metric and full cell
/// (checkpoint x environment variant x condition) the moments of the per-unit values and the units whose value is missing
/// (of which indeterminate), failed units per cell, and for each paired hypothesis one slot per pair (run,
/// checkpoint, environment, variant, epoch). Memory grows with the number of cells and pairs, not with the units' content.
/// </summary>
internal sealed class ResultAccumulator
{
    private readonly MetricValueSource[] _sources;
    private readonly Dictionary<string, int> _metricIndex;
    private readonly Names _runs = new(), _checkpoints = new(), _environments = new(), _variants = new(), _conditions = new();
    private readonly Dictionary<CellKey, CellTally> _cells = [];
    private readonly Dictionary<CellKey, long> _failedByCell = [];
    private readonly List<UnitCollector> _collectors = [];
    private readonly MetricValue[] _values;
    private readonly Scheme.Engine.Design.VariantTable _variantTable;
    private readonly List<PairMetricCollector> _pairMetrics = [];
    private bool _pairsFolded;

    public ResultAccumulator(ExperimentDefinition experiment, IReadOnlyList<MetricValueSource> sources)
    {
        _variantTable = new Scheme.Engine.Design.VariantTable(experiment);
        _sources = [.. sources];
        _metricIndex = _sources.Select((s, i) => (s.Metric.Name, i)).ToDictionary(p => p.Name, p => p.i, StringComparer.Ordinal);
        _values = new MetricValue[_sources.Length];
        for (var m = 0; m < _sources.Length; m++)
        {
            if (_sources[m].Metric.Pair is { } pair)
            {
                var metric = _sources[m].Metric;
                _pairMetrics.Add(new PairMetricCollector(m, pair, experiment.Environments.Where(metric.AppliesIn).Select(e => e.Name).ToHashSet(StringComparer.Ordinal)));
            }
        }
        foreach (var h in experiment.Hypotheses)
        {
            if (!_metricIndex.TryGetValue(h.Metric, out var metric) || h.Right is null)
            {
                continue;
            }
            var aggregation = _sources[metric].Metric.Aggregation;
            if (h.Paired)
            {
                _collectors.Add(new UnitCollector(h, metric, paired: true));
            }
            else if (h.Test == StatisticalTests.Permutation && aggregation == MetricAggregation.Mean)
            {
                _collectors.Add(new UnitCollector(h, metric, paired: false));
            }
        }
    }

    public long Units { get; private set; }
    public long Done { get; private set; }
    public long Failed { get; private set; }
    public DateTimeOffset? FirstStartedAt { get; private set; }

    public void Add(UnitRecord unit)
    {
        Units++;
        if (unit.StartedAt is { } started && (FirstStartedAt is null || started < FirstStartedAt))
        {
            FirstStartedAt = started;
        }
        var checkpoint = _checkpoints.Id(unit.Checkpoint);
        var environment = _environments.Id(unit.Environment);
        var variant = _variants.Id(unit.Variant);
        var condition = _conditions.Id(unit.Condition);
        if (unit.Status != UnitStatus.Done)
        {
            Failed++;
            CollectionsMarshal.GetValueRefOrAddDefault(_failedByCell, new CellKey(-1, checkpoint, environment, variant, condition), out _)++;
            return;
        }
        Done++;
        foreach (var pairMetric in _pairMetrics)
        {
            pairMetric.Add(unit, new PairKey(_runs.Id(unit.Run), checkpoint, environment, variant, unit.Epoch));
        }
        for (var m = 0; m < _sources.Length; m++)
        {
            var value = _sources[m].Read(unit);
            _values[m] = value;
            if (value.State == MetricState.NotApplicable)
            {
                continue;
            }
            ref var tally = ref CollectionsMarshal.GetValueRefOrAddDefault(_cells, new CellKey(m, checkpoint, environment, variant, condition), out _);
            if (value.State == MetricState.Counted)
            {
                tally.Moments.Add(value.Value);
            }
            else if (value.State == MetricState.Unreviewed)
            {
                tally.Unreviewed++;
            }
            else
            {
                tally.Missing++;
                if (value.State == MetricState.Indeterminate) tally.Indeterminate++;
            }
        }
        if (_collectors.Count == 0)
        {
            return;
        }
        var pair = new PairKey(_runs.Id(unit.Run), checkpoint, environment, variant, unit.Epoch);
        var parameters = _variantTable.Params(unit.Environment, unit.Variant);
        foreach (var collector in _collectors)
        {
            if (_values[collector.Metric].State is not (MetricState.NotApplicable or MetricState.Unreviewed))
            {
                collector.Add(unit, pair, parameters, _values[collector.Metric]);
            }
        }
    }

    /// <summary>Every full cell with units that the metric applies to: checkpoint, environment, variant, condition and tally.</summary>
    public IEnumerable<(string Checkpoint, string Environment, string Variant, string Condition, CellTally Tally)> Cells(int metric) =>
        FoldPairs().Where(c => c.Key.Metric == metric)
            .Select(c => (_checkpoints.Name(c.Key.Checkpoint), _environments.Name(c.Key.Environment), _variants.Name(c.Key.Variant),
                _conditions.Name(c.Key.Condition), c.Value));

    /// <summary>
    /// The cells, with every pair metric's pairs folded in once all units are read: a pair's value goes to its checkpoint,
    /// environment variant and the condition "First & Second".
    /// </summary>
    private Dictionary<CellKey, CellTally> FoldPairs()
    {
        if (_pairsFolded)
        {
            return _cells;
        }
        _pairsFolded = true;
        foreach (var pairMetric in _pairMetrics)
        {
            var condition = _conditions.Id(pairMetric.Label);
            foreach (var (key, value) in pairMetric.Values())
            {
                ref var tally = ref CollectionsMarshal.GetValueRefOrAddDefault(_cells,
                    new CellKey(pairMetric.Metric, key.Checkpoint, key.Environment, key.Variant, condition), out _);
                if (value.State == MetricState.Counted) tally.Moments.Add(value.Value);
                else
                {
                    tally.Missing++;
                    if (value.State == MetricState.Indeterminate) tally.Indeterminate++;
                }
            }
        }
        return _cells;
    }

    public long FailedIn(Cell cell) =>
        _failedByCell.Where(f => Matches(cell, _checkpoints.Name(f.Key.Checkpoint), _environments.Name(f.Key.Environment), _variants.Name(f.Key.Variant),
                _conditions.Name(f.Key.Condition)))
            .Sum(f => f.Value);

    /// <summary>Whether a full cell (a variant, named by its label) lies in a cell that may select param values.</summary>
    public bool Matches(Cell cell, string checkpoint, string environment, string variant, string condition) =>
        cell.Contains(checkpoint, environment, condition, cell.Params.Count == 0 ? null : _variantTable.Params(environment, variant));

    /// <summary>A variant's param values, for cells that select them.</summary>
    public IReadOnlyDictionary<string, object> ParamsOf(string environment, string variant) => _variantTable.Params(environment, variant);

    public HypothesisData DataFor(HypothesisDefinition h)
    {
        var data = new HypothesisData();
        if (!_metricIndex.TryGetValue(h.Metric, out var metric))
        {
            return data;
        }
        foreach (var (checkpoint, environment, variant, condition, tally) in Cells(metric))
        {
            if (Matches(h.Left, checkpoint, environment, variant, condition))
            {
                data.Left.Add(tally.Moments);
                data.LeftMissing += tally.Missing;
                data.LeftIndeterminate += tally.Indeterminate;
                data.LeftUnreviewed += tally.Unreviewed;
                if (tally.Moments.N > 0) AddTo(data.LeftByEnvironment, environment, tally.Moments);
            }
            if (h.Right is { } right && Matches(right, checkpoint, environment, variant, condition))
            {
                data.Right.Add(tally.Moments);
                data.RightMissing += tally.Missing;
                data.RightIndeterminate += tally.Indeterminate;
                data.RightUnreviewed += tally.Unreviewed;
                if (tally.Moments.N > 0) AddTo(data.RightByEnvironment, environment, tally.Moments);
            }
        }
        data.LeftExcluded = data.LeftMissing;
        data.RightExcluded = data.RightMissing;
        _collectors.FirstOrDefault(c => ReferenceEquals(c.Hypothesis, h))?.Fill(data, _sources[metric].Metric.Aggregation, _environments.Name);
        return data;
    }

    private static void AddTo(SortedDictionary<string, SampleMoments> byEnvironment, string environment, SampleMoments moments)
    {
        var total = byEnvironment.GetValueOrDefault(environment);
        total.Add(moments);
        byEnvironment[environment] = total;
    }

    /// <summary>Takes one unit's value out of a side's moments (the present partner of a pair with a missing side).</summary>
    private static void RemoveFrom(ref SampleMoments side, SortedDictionary<string, SampleMoments> byEnvironment, string environment, double value)
    {
        side.Remove(value);
        var total = byEnvironment[environment];
        total.Remove(value);
        if (total.N == 0) byEnvironment.Remove(environment);
        else byEnvironment[environment] = total;
    }

    private readonly record struct CellKey(int Metric, int Checkpoint, int Environment, int Variant, int Condition);

    /// <summary>One metric in one full cell: the values that count, and the units whose value is missing (of which indeterminate).</summary>
    public struct CellTally
    {
        public SampleMoments Moments;
        public long Missing;
        public long Indeterminate;

        /// <summary>A reviewed metric's eligible units without a reviewers' decision (not counted).</summary>
        public long Unreviewed;
    }

    private readonly record struct PairKey(int Run, int Checkpoint, int Environment, int Variant, int Epoch);

    /// <summary>Seen: bit 1 the left unit was read, bit 2 the right; Missing: the same bits for units whose value is missing.</summary>
    private struct PairSlot
    {
        public double Left;
        public double Right;
        public byte Seen;
        public byte Missing;
    }

    /// <summary>Per-unit data of one hypothesis: pair slots (paired) or raw values (permutation of a mean).</summary>
    private sealed class UnitCollector(HypothesisDefinition hypothesis, int metric, bool paired)
    {
        private readonly Dictionary<PairKey, PairSlot> _pairs = [];
        private readonly List<double> _left = [], _right = [];

        public HypothesisDefinition Hypothesis { get; } = hypothesis;
        public int Metric { get; } = metric;

        public void Add(UnitRecord unit, PairKey pair, IReadOnlyDictionary<string, object> parameters, MetricValue metricValue)
        {
            var value = metricValue.Value;
            var left = Hypothesis.Left.Contains(unit.Checkpoint, unit.Environment, unit.Condition, parameters);
            var right = Hypothesis.Right!.Contains(unit.Checkpoint, unit.Environment, unit.Condition, parameters);
            if (!left && !right)
            {
                return;
            }
            if (!paired)
            {
                if (metricValue.IsMissing) return;
                if (left) _left.Add(value);
                if (right) _right.Add(value);
                return;
            }
            ref var slot = ref CollectionsMarshal.GetValueRefOrAddDefault(_pairs, pair, out _);
            if (left)
            {
                slot.Left = value;
                slot.Seen |= 1;
                if (metricValue.IsMissing) slot.Missing |= 1;
            }
            if (right)
            {
                slot.Right = value;
                slot.Seen |= 2;
                if (metricValue.IsMissing) slot.Missing |= 2;
            }
        }

        /// <summary>
        /// Complete pairs into the paired table (or differences). A pair with a missing side is left out whole: the
        /// partner that has a value is also taken out of the cells' moments, so every test of the hypothesis uses the
        /// same units.
        /// </summary>
        public void Fill(HypothesisData data, MetricAggregation aggregation, Func<int, string> environmentName)
        {
            if (!paired)
            {
                data.LeftValues = _left;
                data.RightValues = _right;
                return;
            }
            long a = 0, b = 0, c = 0, d = 0, incomplete = 0, excluded = 0;
            var differences = aggregation == MetricAggregation.Mean ? new List<double>(_pairs.Count) : null;
            foreach (var (key, slot) in _pairs)
            {
                if (slot.Missing != 0)
                {
                    excluded++;
                    if ((slot.Seen & ~slot.Missing & 1) != 0)
                    {
                        RemoveFrom(ref data.Left, data.LeftByEnvironment, environmentName(key.Environment), slot.Left);
                        data.LeftExcluded++;
                    }
                    if ((slot.Seen & ~slot.Missing & 2) != 0)
                    {
                        RemoveFrom(ref data.Right, data.RightByEnvironment, environmentName(key.Environment), slot.Right);
                        data.RightExcluded++;
                    }
                    continue;
                }
                if (slot.Seen != 3)
                {
                    incomplete++;
                    continue;
                }
                if (differences is not null)
                {
                    differences.Add(slot.Left - slot.Right);
                    continue;
                }
                bool l = slot.Left != 0, r = slot.Right != 0;
                if (l && r) a++;
                else if (l) b++;
                else if (r) c++;
                else d++;
            }
            data.IncompletePairs = incomplete;
            data.ExcludedPairs = excluded;
            if (differences is null) data.Pairs = new PairedTable(a, b, c, d);
            else data.Differences = differences;
        }
    }

    /// <summary>
    /// One pair metric's sides: per pair the outcomes its rule reads of the unit under each condition, as bits (at most 64
    /// per side, far more than a rule names), so memory grows with the pairs, not with the units' content.
    /// </summary>
    private sealed class PairMetricCollector(int metric, PairDefinition pair, HashSet<string> appliesIn)
    {
        private readonly Dictionary<PairKey, Sides> _pairs = [];

        public int Metric { get; } = metric;
        public string Label => pair.Label;

        public void Add(UnitRecord unit, PairKey key)
        {
            var side = unit.Condition == pair.First ? 0 : unit.Condition == pair.Second ? 1 : -1;
            // Environments without the outcomes the rule reads have no pairs (absent, never missing).
            if (side < 0 || !appliesIn.Contains(unit.Environment))
            {
                return;
            }
            var names = side == 0 ? pair.FirstOutcomes : pair.SecondOutcomes;
            ulong bits = 0;
            var missing = false;
            var indeterminate = false;
            for (var i = 0; i < names.Count && i < 64; i++)
            {
                if (unit.Outcomes.TryGetValue(names[i], out var value))
                {
                    if (value) bits |= 1UL << i;
                }
                else
                {
                    missing = true;
                    indeterminate |= unit.Indeterminate.ContainsKey(names[i]);
                }
            }
            ref var sides = ref CollectionsMarshal.GetValueRefOrAddDefault(_pairs, key, out _);
            var flag = (byte)(1 << side);
            sides.Seen |= flag;
            if (missing) sides.Missing |= flag;
            if (indeterminate) sides.Indeterminate |= flag;
            if (side == 0) sides.First = bits;
            else sides.Second = bits;
        }

        /// <summary>Each pair with both units done: its value, or missing when a unit lacks an outcome the rule reads.</summary>
        public IEnumerable<(PairKey Key, MetricValue Value)> Values()
        {
            foreach (var (key, sides) in _pairs)
            {
                if (sides.Seen != 3)
                {
                    continue;
                }
                if (sides.Missing != 0)
                {
                    yield return (key, sides.Indeterminate != 0 ? MetricValue.Indeterminate : MetricValue.Missing);
                    continue;
                }
                var holds = pair.Holds(Reader(_firstIndex, sides.First), Reader(_secondIndex, sides.Second));
                yield return (key, MetricValue.Of(holds ? 1.0 : 0.0));
            }
        }

        private readonly Dictionary<string, int> _firstIndex = Indexes(pair.FirstOutcomes), _secondIndex = Indexes(pair.SecondOutcomes);

        private static Dictionary<string, int> Indexes(IReadOnlyList<string> names) =>
            names.Select((name, i) => (name, i)).Where(p => p.i < 64).DistinctBy(p => p.name).ToDictionary(p => p.name, p => p.i, StringComparer.Ordinal);

        private static Func<string, bool> Reader(Dictionary<string, int> indexes, ulong bits) =>
            name => indexes.TryGetValue(name, out var index) && (bits & (1UL << index)) != 0;

        private struct Sides
        {
            public ulong First, Second;
            public byte Seen, Missing, Indeterminate;
        }
    }

    /// <summary>Interns names to small ids; units carry pooled strings, so lookups mostly hit on reference.</summary>
    private sealed class Names
    {
        private readonly Dictionary<string, int> _ids = new(StringComparer.Ordinal);
        private readonly List<string> _names = [];
        private string? _last;
        private int _lastId;

        public int Id(string name)
        {
            // Exports list units cell by cell, so most lookups repeat the previous (pooled, same reference) name.
            if (ReferenceEquals(name, _last))
            {
                return _lastId;
            }
            _last = name;
            _lastId = Lookup(name);
            return _lastId;
        }

        private int Lookup(string name)
        {
            ref var id = ref CollectionsMarshal.GetValueRefOrAddDefault(_ids, name, out var exists);
            if (!exists)
            {
                id = _names.Count;
                _names.Add(name);
            }
            return id;
        }

        public string Name(int id) => _names[id];
    }
}
