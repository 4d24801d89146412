using System.Runtime.InteropServices;
using Scheme.Runtime.Model;
using Scheme.Runtime.Store;

namespace Scheme.Runtime.Analysis;

/// <summary>
/// One pass over unit results that keeps only what the analysis needs: per metric and full cell
/// (checkpoint x environment x condition) the moments of the per-unit values, failed units per cell, and for
/// each paired hypothesis one slot per pair (run, checkpoint, environment, variant, epoch). Memory grows with
/// the number of cells and pairs, not with the units' content.
/// </summary>
internal sealed class ResultAccumulator
{
    private readonly MetricValueSource[] _sources;
    private readonly Dictionary<string, int> _metricIndex;
    private readonly Names _runs = new(), _checkpoints = new(), _environments = new(), _variants = new(), _conditions = new();
    private readonly Dictionary<CellKey, SampleMoments> _cells = [];
    private readonly Dictionary<CellKey, long> _failedByCell = [];
    private readonly List<UnitCollector> _collectors = [];
    private readonly double?[] _values;

    public ResultAccumulator(ExperimentDefinition experiment, IReadOnlyList<MetricValueSource> sources)
    {
        _sources = [.. sources];
        _metricIndex = _sources.Select((s, i) => (s.Metric.Name, i)).ToDictionary(p => p.Name, p => p.i, StringComparer.Ordinal);
        _values = new double?[_sources.Length];
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
            else if (h.Test == "permutation" && aggregation == MetricAggregation.Mean)
            {
                _collectors.Add(new UnitCollector(h, metric, paired: false));
            }
        }
    }

    public long Units { get; private set; }
    public long Done { get; private set; }
    public long Failed { get; private set; }
    public DateTimeOffset? FirstStartedAt { get; private set; }

    public void Add(UnitResult unit)
    {
        Units++;
        if (unit.StartedAt is { } started && (FirstStartedAt is null || started < FirstStartedAt))
        {
            FirstStartedAt = started;
        }
        var checkpoint = _checkpoints.Id(unit.Checkpoint);
        var environment = _environments.Id(unit.Environment);
        var condition = _conditions.Id(unit.Condition);
        if (unit.Status != UnitStatus.Done)
        {
            Failed++;
            CollectionsMarshal.GetValueRefOrAddDefault(_failedByCell, new CellKey(-1, checkpoint, environment, condition), out _)++;
            return;
        }
        Done++;
        for (var m = 0; m < _sources.Length; m++)
        {
            var value = _sources[m].ValueOf(unit);
            _values[m] = value;
            if (value is { } v)
            {
                CollectionsMarshal.GetValueRefOrAddDefault(_cells, new CellKey(m, checkpoint, environment, condition), out _).Add(v);
            }
        }
        if (_collectors.Count == 0)
        {
            return;
        }
        var pair = new PairKey(_runs.Id(unit.Run), checkpoint, environment, _variants.Id(unit.Variant), unit.Epoch);
        foreach (var collector in _collectors)
        {
            if (_values[collector.Metric] is { } v)
            {
                collector.Add(unit, pair, v);
            }
        }
    }

    /// <summary>Every full cell with data for a metric: checkpoint, environment, condition and moments.</summary>
    public IEnumerable<(string Checkpoint, string Environment, string Condition, SampleMoments Moments)> Cells(int metric) =>
        _cells.Where(c => c.Key.Metric == metric)
            .Select(c => (_checkpoints.Name(c.Key.Checkpoint), _environments.Name(c.Key.Environment), _conditions.Name(c.Key.Condition), c.Value));

    public long FailedIn(Cell cell) =>
        _failedByCell.Where(f => Matches(cell, _checkpoints.Name(f.Key.Checkpoint), _environments.Name(f.Key.Environment), _conditions.Name(f.Key.Condition)))
            .Sum(f => f.Value);

    public HypothesisData DataFor(HypothesisDefinition h)
    {
        var data = new HypothesisData();
        if (!_metricIndex.TryGetValue(h.Metric, out var metric))
        {
            return data;
        }
        foreach (var (checkpoint, environment, condition, moments) in Cells(metric))
        {
            if (Matches(h.Left, checkpoint, environment, condition))
            {
                data.Left.Add(moments);
                AddTo(data.LeftByEnvironment, environment, moments);
            }
            if (h.Right is { } right && Matches(right, checkpoint, environment, condition))
            {
                data.Right.Add(moments);
                AddTo(data.RightByEnvironment, environment, moments);
            }
        }
        _collectors.FirstOrDefault(c => ReferenceEquals(c.Hypothesis, h))?.Fill(data, _sources[metric].Metric.Aggregation);
        return data;
    }

    private static void AddTo(SortedDictionary<string, SampleMoments> byEnvironment, string environment, SampleMoments moments)
    {
        var total = byEnvironment.GetValueOrDefault(environment);
        total.Add(moments);
        byEnvironment[environment] = total;
    }

    public static bool Matches(Cell cell, string checkpoint, string environment, string condition) =>
        (cell.Checkpoint is null || cell.Checkpoint == checkpoint)
        && (cell.Environment is null || cell.Environment == environment)
        && (cell.Condition is null || cell.Condition == condition);

    private readonly record struct CellKey(int Metric, int Checkpoint, int Environment, int Condition);

    private readonly record struct PairKey(int Run, int Checkpoint, int Environment, int Variant, int Epoch);

    private struct PairSlot
    {
        public double Left;
        public double Right;
        public byte Seen;
    }

    /// <summary>Per-unit data of one hypothesis: pair slots (paired) or raw values (permutation of a mean).</summary>
    private sealed class UnitCollector(HypothesisDefinition hypothesis, int metric, bool paired)
    {
        private readonly Dictionary<PairKey, PairSlot> _pairs = [];
        private readonly List<double> _left = [], _right = [];

        public HypothesisDefinition Hypothesis { get; } = hypothesis;
        public int Metric { get; } = metric;

        public void Add(UnitResult unit, PairKey pair, double value)
        {
            var left = Matches(Hypothesis.Left, unit.Checkpoint, unit.Environment, unit.Condition);
            var right = Matches(Hypothesis.Right!, unit.Checkpoint, unit.Environment, unit.Condition);
            if (!left && !right)
            {
                return;
            }
            if (!paired)
            {
                if (left) _left.Add(value);
                if (right) _right.Add(value);
                return;
            }
            ref var slot = ref CollectionsMarshal.GetValueRefOrAddDefault(_pairs, pair, out _);
            if (left)
            {
                slot.Left = value;
                slot.Seen |= 1;
            }
            if (right)
            {
                slot.Right = value;
                slot.Seen |= 2;
            }
        }

        public void Fill(HypothesisData data, MetricAggregation aggregation)
        {
            if (!paired)
            {
                data.LeftValues = _left;
                data.RightValues = _right;
                return;
            }
            long a = 0, b = 0, c = 0, d = 0, incomplete = 0;
            var differences = aggregation == MetricAggregation.Mean ? new List<double>(_pairs.Count) : null;
            foreach (var slot in _pairs.Values)
            {
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
            if (differences is null) data.Pairs = new PairedTable(a, b, c, d);
            else data.Differences = differences;
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
