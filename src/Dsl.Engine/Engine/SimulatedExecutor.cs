using System.Collections.Concurrent;
using Scheme.Engine.Design;
using Scheme.Engine.Episodes;
using Scheme.Engine.Grading;
using Scheme.Engine.Providers;
using Scheme.Model;

namespace Scheme.Engine;

/// <summary>
/// The <c>simulated</c> provider: no model is asked; each unit's outcomes are drawn from the hypothesized
/// values of the experiment's <c>simulate</c> block, for dry runs and power analysis.
/// </summary>
/// <remarks>
/// <para>For each metric that counts the unit, the value of the most specific matching cell is used: a cell
/// matches when every factor it names (checkpoint, environment, condition, param values) equals the unit's; the one
/// naming the most factors wins, and among equally specific cells the first declared. A metric with no matching
/// value is not drawn (its outcomes stay absent, so it counts no unit), and <see cref="Unsimulated"/> lists it.</para>
/// <para>A rate metric with value p is drawn as Bernoulli(p): the metric's per-unit value, and each outcome it
/// requires that is not drawn yet (the first such outcome takes the metric's own draw, so rate(x) and x always
/// agree; further ones are independent Bernoulli(p) draws). A mean metric with a distribution (<c>normal(1.5, 0.5)</c>) takes
/// the distribution's quantile at the unit's uniform draw, so the values of a cell follow the declared distribution; a mean
/// metric with a plain number takes it as is.</para>
/// <para>What depends only on the cell (the simulated values, which metrics wait for conditional follow-ups, and their order)
/// is planned once per checkpoint x variant x condition; a unit only draws.</para>
/// <para>A follow-up asked only under a condition (<c>when</c>) gives its outcome only in units where the condition holds
/// over the outcomes drawn first, and a conditioned metric (<c>rate(x given y)</c>) is drawn only where its condition
/// holds, so its simulated value is the conditional one; elsewhere both are absent, as in a real run.</para>
/// <para>Draws are keyed by the unit id and the metric or outcome name (<see cref="StableRandom"/>): the same unit
/// always gives the same draw, on any machine and in any order, and the conditions of one sample are drawn
/// independently (the unit id includes the condition).</para>
/// </remarks>
public sealed class SimulatedExecutor(ExperimentDefinition experiment) : IUnitExecutor
{
    private readonly ConcurrentDictionary<(string Checkpoint, string Environment, string Variant, string Condition), Plan> _plans = new();
    private readonly ConcurrentDictionary<string, byte> _unsimulated = new(StringComparer.Ordinal);

    /// <summary>"metric[checkpoint, environment, condition]" of every cell met that has no simulated value.</summary>
    public IReadOnlyCollection<string> Unsimulated => _unsimulated.Keys.Order(StringComparer.Ordinal).ToList();

    public Task<EpisodeResult> ExecuteAsync(WorkUnit unit, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(Draw(unit));
    }

    public EpisodeResult Draw(WorkUnit unit)
    {
        var plan = _plans.GetOrAdd((unit.Checkpoint, unit.Environment, unit.Variant, unit.Condition),
            key => Build(key.Checkpoint, key.Environment, key.Condition, unit.Params));
        var environment = plan.Environment;
        var outcomes = new Dictionary<string, bool>(StringComparer.Ordinal);
        var metrics = new Dictionary<string, double?>(StringComparer.Ordinal);
        foreach (var (metric, value) in plan.Metrics)
        {
            DrawMetric(metric, value);
        }
        // Pairs after the unit's own draws (which they keep) and before the conditional ones (which may read them).
        foreach (var (pair, value) in plan.Pairs)
        {
            DrawPairSide(pair, value);
        }
        var asked = new Dictionary<string, bool>(StringComparer.Ordinal);
        bool Asked(string outcome)
        {
            if (!asked.TryGetValue(outcome, out var yes))
            {
                var followup = environment.Followups.FirstOrDefault(f => f.Outcome == outcome);
                asked[outcome] = yes = followup?.When is not { } when || Holds(() => when(Transcript()));
            }
            return yes;
        }
        foreach (var (metric, value) in plan.Waiting)
        {
            if (!metric.RequiredOutcomes.All(Asked) || (metric.Condition is { } condition && !Holds(() => condition(Transcript()))))
            {
                metrics[metric.Name] = null;
                continue;
            }
            DrawMetric(metric, value);
        }
        var transcript = Transcript();
        return new EpisodeResult(unit, "simulated", EpisodeEnd.Simulated, 0, [], [], new Dictionary<string, string>(), [], null, [],
            outcomes, TokenUsage.Zero, TimeSpan.Zero, transcript, metrics, []);

        Transcript Transcript() => new(parameters: unit.Params, outcomes: outcomes, environment: unit.Environment);

        // A pair metric's simulated rate is the share of pairs where its rule holds: the pair (one epoch of this checkpoint and
        // variant under both conditions) is drawn once, keyed so both of its units see the same draw, and each unit takes
        // its side of one assignment of the rule's outcomes that gives that result. Outcomes another metric's draw already
        // set are kept: then the pair's value follows from those draws.
        void DrawPairSide(MetricDefinition metric, SimulatedValue simulated)
        {
            var value = simulated.Value;
            var pair = metric.Pair!;
            var key = $"{unit.Run}\u0001{unit.Checkpoint}\u0001{unit.Environment}\u0001{unit.Variant}\u0001{unit.Epoch}";
            var hit = StableRandom.Uniform(key, metric.Name) < value;
            if (PairAssignments.Pick(pair, hit, StableRandom.Uniform(key, metric.Name + "\u0001assignment")) is not { } assignment)
            {
                return;
            }
            var (first, second) = assignment;
            var (names, chosen) = unit.Condition == pair.First ? (pair.FirstOutcomes, first) : (pair.SecondOutcomes, second);
            foreach (var name in names)
            {
                outcomes.TryAdd(name, chosen(name));
            }
        }

        void DrawMetric(MetricDefinition metric, SimulatedValue simulated)
        {
            var value = simulated.Value;
            if (metric.Aggregation == MetricAggregation.Mean)
            {
                // Uniform gives [0, 1 - 2^-53]: 0 becomes half a step, so the quantile is finite at both ends (adding half a
                // step everywhere would round 1 - 2^-53 up to 1, whose normal quantile is infinite).
                metrics[metric.Name] = simulated.Distribution is { } distribution
                    ? DistributionSampler.Quantile(distribution, Math.Max(StableRandom.Uniform(unit.Id, metric.Name), HalfStep))
                    : value;
                return;
            }
            var hit = StableRandom.Uniform(unit.Id, metric.Name) < value;
            metrics[metric.Name] = hit ? 1 : 0;
            var first = true;
            foreach (var outcome in metric.RequiredOutcomes)
            {
                if (!outcomes.ContainsKey(outcome))
                {
                    outcomes[outcome] = first ? hit : StableRandom.Uniform(unit.Id, outcome) < value;
                }
                first = false;
            }
        }
    }

    /// <summary>2^-54: half the step of <see cref="StableRandom.Uniform"/>.</summary>
    private const double HalfStep = 1.0 / (1L << 54);

    /// <summary>A condition over drawn outcomes; one that cannot be decided (an outcome it reads is absent) does not hold.</summary>
    private static bool Holds(Func<bool> condition)
    {
        try
        {
            return condition();
        }
        catch (Exception ex) when (OutcomeGrade.IndeterminateReason(ex) is not null)
        {
            return false;
        }
    }

    private Plan Build(string checkpoint, string environmentName, string condition, IReadOnlyDictionary<string, object> parameters)
    {
        var environment = experiment.Environment(environmentName);
        var metrics = new List<(MetricDefinition, SimulatedValue)>();
        var pairs = new List<(MetricDefinition, SimulatedValue)>();
        foreach (var metric in experiment.Metrics.Where(m => m.Pair is { } p && (p.First == condition || p.Second == condition) && m.AppliesIn(environment)))
        {
            // A pair's value is reported, and simulated, under the condition "First & Second".
            var label = metric.Pair!.Label;
            var best = SimulatedValue.Best(experiment.Simulation, metric.Name, checkpoint, environmentName, label, parameters);
            if (best is null)
            {
                _unsimulated.TryAdd($"{metric.Name}[{checkpoint}, {environmentName}, {label}]", 0);
                continue;
            }
            pairs.Add((metric, best));
        }
        // A reviewed metric is not drawn: human labels are not simulated (the compiler refuses a value for one).
        foreach (var metric in experiment.Metrics.Where(m => m.HasUnitValuesIn(environment) && m.Reviewed is null))
        {
            var best = SimulatedValue.Best(experiment.Simulation, metric.Name, checkpoint, environmentName, condition, parameters);
            if (best is null)
            {
                _unsimulated.TryAdd($"{metric.Name}[{checkpoint}, {environmentName}, {condition}]", 0);
                continue;
            }
            metrics.Add((metric, best));
        }
        // A follow-up asked only under a condition gives its outcome only where the condition holds: metrics of it and
        // conditioned metrics wait until the unconditional outcomes are drawn, then count only where they apply, in the
        // order of the follow-ups they read (so a follow-up asked only after another's answer sees that answer drawn).
        var conditional = environment.Followups.Where(f => f.When is not null).Select(f => f.Outcome).ToHashSet(StringComparer.Ordinal);
        bool Waits(MetricDefinition metric) => metric.Condition is not null || metric.RequiredOutcomes.Any(conditional.Contains);
        var order = environment.Followups.Select((f, i) => (f.Outcome, i)).ToDictionary(x => x.Outcome, x => x.i, StringComparer.Ordinal);
        var waiting = metrics.Where(m => Waits(m.Item1))
            .OrderBy(m => m.Item1.RequiredOutcomes.Select(o => order.GetValueOrDefault(o, -1)).DefaultIfEmpty(-1).Max()).ToList();
        return new Plan(environment, metrics.Where(m => !Waits(m.Item1)).ToList(), waiting, pairs);
    }

    /// <param name="Metrics">Drawn first, in declaration order.</param>
    /// <param name="Waiting">Drawn after the pairs, where their conditions hold.</param>
    private sealed record Plan(EnvironmentDefinition Environment, IReadOnlyList<(MetricDefinition Metric, SimulatedValue Value)> Metrics,
        IReadOnlyList<(MetricDefinition Metric, SimulatedValue Value)> Waiting, IReadOnlyList<(MetricDefinition Metric, SimulatedValue Value)> Pairs);
}
