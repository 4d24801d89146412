using MathNet.Numerics.Random;
using Scheme.Engine;
using Scheme.Engine.Design;
using Scheme.Model;

namespace Scheme.Analysis.Power;

/// <summary>
/// The design cells feeding a hypothesis, with their true rates (or, for a mean metric, the distributions of their
/// per-unit values) and units per epoch; draws one simulated experiment's data for the hypothesis.
/// </summary>
internal sealed class PowerDesign
{
    /// <summary>One checkpoint x environment variant of one run: a left and/or right condition cell (both, when paired),
    /// with that run's epochs. <paramref name="Left"/>/<paramref name="Right"/>: the true rate or mean.
    /// <paramref name="LeftCounted"/>/<paramref name="RightCounted"/>: for a conditional metric, the chance a unit counts
    /// (the simulated rate of the outcome it is conditioned on); null: every unit. <paramref name="LeftDistribution"/>/
    /// <paramref name="RightDistribution"/>: a mean metric's per-unit distribution (null: every unit has the mean).</summary>
    public sealed record Group(string Run, string Environment, long UnitsPerEpoch, double? Left, double? Right, int Epochs,
        double? LeftCounted = null, double? RightCounted = null, SimulatedDistribution? LeftDistribution = null, SimulatedDistribution? RightDistribution = null);

    public List<Group> Groups { get; } = [];
    public List<string> Missing { get; } = [];
    public List<string> Notes { get; } = [];
    /// <summary>Cells of a mean metric whose simulated truth is a plain number: every unit would have the same value.</summary>
    public List<string> ConstantMeans { get; } = [];
    public int Epochs { get; private set; }

    /// <summary>Whether the metric is a mean: its units draw values from distributions, not 0/1 outcomes.</summary>
    public bool Mean { get; private set; }

    public static PowerDesign Of(ExperimentDefinition experiment, HypothesisDefinition h, string scenario)
    {
        var design = new PowerDesign();
        var metric = experiment.Metrics.FirstOrDefault(m => m.Name == h.Metric);
        design.Mean = metric?.Aggregation == MetricAggregation.Mean;
        // The most specific simulated value whose cell holds the unit (params count as factors too).
        SimulatedValue? ValueOf(string metricName, string checkpoint, string environment, string condition, IReadOnlyDictionary<string, object> parameters) =>
            SimulatedValue.Best(experiment.Simulation, metricName, checkpoint, environment, condition, parameters, scenario);
        double? TruthOf(string metricName, string checkpoint, string environment, string condition, IReadOnlyDictionary<string, object> parameters) =>
            ValueOf(metricName, checkpoint, environment, condition, parameters)?.Value;
        // A conditional metric counts only the units where its condition holds: the conditioning count is drawn from
        // the simulated rate of that outcome (the metric that is exactly rate(it)).
        var conditionMetric = metric?.CountedWhen is { } countedWhen
            ? experiment.Metrics.FirstOrDefault(m => m.Aggregation == MetricAggregation.Rate && m.PlainOutcome == countedWhen)
            : null;
        if (metric?.CountedWhen is { } when)
        {
            design.Notes.Add(conditionMetric is null
                ? $"Units count only where {when} holds, but no rate({when}) metric gives its simulated rate: power assumes every unit counts (an upper bound)."
                : $"Units count only where {when} holds: the conditioning count is drawn from {conditionMetric.Name}'s simulated rate, and the units shown are its expectation.");
        }
        else if (metric?.Condition is not null || metric?.RequiredOutcomes.Any(o => experiment.Environments.Any(e => e.Followups.Any(f => f.Outcome == o && f.When is not null))) == true)
        {
            design.Notes.Add("Units count only where the metric's condition holds, which is not one outcome: power assumes every unit counts (an upper bound).");
        }
        double? Counted(string checkpoint, string environment, string condition, IReadOnlyDictionary<string, object> parameters) =>
            conditionMetric is null ? null : TruthOf(conditionMetric.Name, checkpoint, environment, condition, parameters) ?? 1;
        foreach (var run in experiment.Runs)
        {
            foreach (var checkpoint in run.Checkpoints)
            {
                foreach (var environment in run.Environments)
                {
                    // A metric absent from an environment (one it does not apply to) has no units there.
                    if (metric is not null && experiment.Environments.FirstOrDefault(e => e.Name == environment) is { } definition
                        && !metric.AppliesIn(definition))
                    {
                        continue;
                    }
                    // One group per variant, so a cell that selects param values takes only the variants it names.
                    var variants = experiment.Environments.FirstOrDefault(e => e.Name == environment) is { } env
                        ? DesignExpander.Variants(env).ToList()
                        : [(DesignExpander.DefaultVariant, new Dictionary<string, object>())];
                    foreach (var (label, parameters) in variants)
                    {
                        SimulatedValue? Truth(string condition)
                        {
                            var value = ValueOf(h.Metric, checkpoint, environment, condition, parameters);
                            if (design.Mean && value is { Distribution: null })
                            {
                                design.ConstantMeans.Add($"{checkpoint}, {environment}{Label(label)}, {condition} = {value.Value.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}");
                            }
                            return value;
                        }
                        if (h.Paired && h.Right is { } right)
                        {
                            // One group per pair of conditions: the same units under both.
                            if (!(h.Left with { Condition = null }).Contains(checkpoint, environment, "", parameters)
                                || !run.Conditions.Contains(h.Left.Condition!) || !run.Conditions.Contains(right.Condition!))
                            {
                                continue;
                            }
                            var l = Truth(h.Left.Condition!);
                            var r = Truth(right.Condition!);
                            if (l is null || r is null) design.Missing.Add($"{checkpoint}, {environment}{Label(label)}");
                            design.Groups.Add(new Group(run.Name, environment, 1, l?.Value ?? 0, r?.Value ?? 0, run.Epochs,
                                Counted(checkpoint, environment, h.Left.Condition!, parameters), Counted(checkpoint, environment, right.Condition!, parameters),
                                l?.Distribution, r?.Distribution));
                            continue;
                        }
                        // A pair metric's units are pairs: one per epoch under its two conditions, reported as "First & Second".
                        IReadOnlyList<string> conditions = metric?.Pair is not { } pair ? run.Conditions
                            : run.Conditions.Contains(pair.First) && run.Conditions.Contains(pair.Second) ? [pair.Label] : [];
                        foreach (var condition in conditions)
                        {
                            var isLeft = h.Left.Contains(checkpoint, environment, condition, parameters);
                            var isRight = h.Right is { } rc && rc.Contains(checkpoint, environment, condition, parameters);
                            if (!isLeft && !isRight) continue;
                            var t = Truth(condition);
                            if (t is null) design.Missing.Add($"{checkpoint}, {environment}{Label(label)}, {condition}");
                            var share = Counted(checkpoint, environment, condition, parameters);
                            design.Groups.Add(new Group(run.Name, environment, 1, isLeft ? t?.Value ?? 0 : null, isRight ? t?.Value ?? 0 : null, run.Epochs,
                                isLeft ? share : null, isRight ? share : null, isLeft ? t?.Distribution : null, isRight ? t?.Distribution : null));
                        }
                    }
                }
            }
        }
        design.Epochs = design.Groups.Count == 0 ? 0 : design.Groups.Max(g => g.Epochs);
        return design;
    }

    private static string Label(string variant) => variant == DesignExpander.DefaultVariant ? "" : $" ({variant})";

    /// <summary>
    /// Units of a group when the largest run has <paramref name="epochs"/> epochs: its own run's epochs scaled in
    /// proportion (rounded up, at least 1), so at the declared epochs every run has exactly its declared epochs.
    /// </summary>
    public long UnitsOf(Group g, int epochs) =>
        g.UnitsPerEpoch * (g.Epochs == Epochs ? epochs : Math.Max(1, (long)Math.Ceiling((double)g.Epochs * epochs / Epochs)));

    /// <summary>The expected units per side: summed over the groups, then rounded (four variants counting a quarter
    /// of one unit each expect one unit, not four times none).</summary>
    public (long Left, long Right) Units(int epochs) =>
        ((long)Math.Round(Groups.Where(g => g.Left is not null).Sum(g => UnitsOf(g, epochs) * (g.LeftCounted ?? 1))),
         (long)Math.Round(Groups.Where(g => g.Right is not null).Sum(g => UnitsOf(g, epochs) * (g.RightCounted ?? 1))));

    /// <summary>
    /// The true value of what the hypothesis estimates, from the simulate block: the difference of the pooled truths (or
    /// the left truth minus the constant), their ratio for a risk ratio, the ratio of their odds for an odds ratio, and
    /// the difference of the unweighted averages over environments for an average difference.
    /// </summary>
    public double? TrueValue(HypothesisDefinition h)
    {
        double Weighted(IEnumerable<Group> groups, Func<Group, double?> side)
        {
            var cells = groups.Where(g => side(g) is not null).ToList();
            // Weighted by the units each group contributes at the declared epochs, as the pooled cell of the analysis is.
            return cells.Sum(g => UnitsOf(g, Epochs) * side(g)!.Value) / cells.Sum(g => (double)UnitsOf(g, Epochs));
        }
        if (Groups.All(g => g.Left is null)) return null;
        if (h.Right is null) return h.Constant is { } c ? Weighted(Groups, g => g.Left) - c : null;
        if (Groups.All(g => g.Right is null)) return null;
        double left = Weighted(Groups, g => g.Left), right = Weighted(Groups, g => g.Right);
        static double Odds(double p) => p / (1 - p);
        return h.Estimand switch
        {
            Scheme.Contracts.Estimands.RiskRatio => right > 0 ? left / right : null,
            Scheme.Contracts.Estimands.OddsRatio => right is > 0 and < 1 && left < 1 ? Odds(left) / Odds(right) : null,
            Scheme.Contracts.Estimands.AverageDifference => AverageOverEnvironments(g => g.Left) - AverageOverEnvironments(g => g.Right),
            _ => left - right,
        };

        // Each environment's pooled truth, then the plain mean over the environments with a truth on that side.
        double AverageOverEnvironments(Func<Group, double?> side)
        {
            var environments = Groups.Where(g => side(g) is not null).GroupBy(g => g.Environment, StringComparer.Ordinal).ToList();
            return environments.Average(e => Weighted(e, side));
        }
    }

    public double PooledTruth()
    {
        double units = 0, sum = 0;
        foreach (var g in Groups)
        {
            double n = UnitsOf(g, Epochs);
            if (g.Left is { } l) { units += n; sum += n * l; }
            if (g.Right is { } r) { units += n; sum += n * r; }
        }
        return units == 0 ? 0 : sum / units;
    }

    /// <param name="common">Under the null: every cell at this rate (for a mean metric, every cell's distribution shifted to this mean).</param>
    public HypothesisData Draw(Xoshiro256StarStar rng, HypothesisDefinition h, int epochs, double? common)
    {
        if (Mean)
        {
            return DrawMeans(rng, h, epochs, common);
        }
        var data = new HypothesisData();
        long a = 0, b = 0, c = 0, d = 0;
        foreach (var g in Groups)
        {
            var n = UnitsOf(g, epochs);
            if (n == 0) continue;
            if (h.Paired)
            {
                // A pair counts when both of its units do; the conditions of its two units are drawn independently.
                n = g.LeftCounted is null && g.RightCounted is null ? n : BinomialSampler.Sample(rng, n, (g.LeftCounted ?? 1) * (g.RightCounted ?? 1));
                double pl = common ?? g.Left!.Value, pr = common ?? g.Right!.Value;
                var ga = BinomialSampler.Sample(rng, n, pl * pr);
                var gb = BinomialSampler.Sample(rng, n - ga, Conditional(pl * (1 - pr), 1 - pl * pr));
                var gc = BinomialSampler.Sample(rng, n - ga - gb, Conditional((1 - pl) * pr, 1 - pl * pr - pl * (1 - pr)));
                a += ga; b += gb; c += gc; d += n - ga - gb - gc;
                Add(data, g.Environment, left: true, SampleMoments.Rate(ga + gb, n));
                Add(data, g.Environment, left: false, SampleMoments.Rate(ga + gc, n));
                continue;
            }
            if (g.Left is { } l)
            {
                var counted = g.LeftCounted is { } pc ? BinomialSampler.Sample(rng, n, pc) : n;
                Add(data, g.Environment, left: true, SampleMoments.Rate(BinomialSampler.Sample(rng, counted, common ?? l), counted));
            }
            if (g.Right is { } r)
            {
                var counted = g.RightCounted is { } pc ? BinomialSampler.Sample(rng, n, pc) : n;
                Add(data, g.Environment, left: false, SampleMoments.Rate(BinomialSampler.Sample(rng, counted, common ?? r), counted));
            }
        }
        if (h.Paired) data.Pairs = new PairedTable(a, b, c, d);
        return data;
    }

    /// <summary>
    /// A mean metric's units: each value drawn from its cell's distribution (shifted to <paramref name="common"/> under the
    /// null, so the shape stays and the means agree). Paired cells draw a pair's two values independently, which is
    /// conservative for a paired test, as for rates. Values are kept where the hypothesis's test reads them: the pairs'
    /// differences when paired, every value for a permutation test of independent cells.
    /// </summary>
    private HypothesisData DrawMeans(Xoshiro256StarStar rng, HypothesisDefinition h, int epochs, double? common)
    {
        var data = new HypothesisData();
        var keepValues = !h.Paired && h.Test == Scheme.Contracts.StatisticalTests.Permutation;
        if (h.Paired) data.Differences = [];
        if (keepValues) (data.LeftValues, data.RightValues) = ([], []);
        foreach (var g in Groups)
        {
            var n = UnitsOf(g, epochs);
            if (n == 0) continue;
            double Shift(double? mean) => common is { } c ? c - mean!.Value : 0;
            if (h.Paired)
            {
                n = g.LeftCounted is null && g.RightCounted is null ? n : BinomialSampler.Sample(rng, n, (g.LeftCounted ?? 1) * (g.RightCounted ?? 1));
                double shiftLeft = Shift(g.Left), shiftRight = Shift(g.Right);
                SampleMoments left = default, right = default;
                for (long i = 0; i < n; i++)
                {
                    var l = Value(rng, g.LeftDistribution, g.Left!.Value) + shiftLeft;
                    var r = Value(rng, g.RightDistribution, g.Right!.Value) + shiftRight;
                    left.Add(l);
                    right.Add(r);
                    data.Differences!.Add(l - r);
                }
                Add(data, g.Environment, left: true, left);
                Add(data, g.Environment, left: false, right);
                continue;
            }
            if (g.Left is { } lm)
            {
                var counted = g.LeftCounted is { } pc ? BinomialSampler.Sample(rng, n, pc) : n;
                Add(data, g.Environment, left: true, Values(rng, g.LeftDistribution, lm, Shift(lm), counted, data.LeftValues));
            }
            if (g.Right is { } rm)
            {
                var counted = g.RightCounted is { } pc ? BinomialSampler.Sample(rng, n, pc) : n;
                Add(data, g.Environment, left: false, Values(rng, g.RightDistribution, rm, Shift(rm), counted, data.RightValues));
            }
        }
        return data;
    }

    private static SampleMoments Values(Xoshiro256StarStar rng, SimulatedDistribution? distribution, double mean, double shift, long n, List<double>? kept)
    {
        if (kept is null && n >= 2 && distribution is { Kind: Scheme.Contracts.SimulatedDistributions.Normal } normal)
        {
            // Where only the moments are read (t test, cluster bootstrap), n normal values need not be drawn one by one: their
            // sum is N(n mu, n sigma^2) and, independently, their squared deviations sum to sigma^2 chi^2(n - 1), exactly.
            // So the search for 80% power costs the same at 100,000 epochs as at 10.
            var mu = normal.First + shift;
            var sum = n * mu + normal.Second * Math.Sqrt(n) * MathNet.Numerics.Distributions.Normal.Sample(rng, 0, 1);
            // chi^2(k) as Gamma(k / 2, rate 1/2): MathNet's ChiSquared.Sample sums k squared normals, O(n) again.
            var deviations = normal.Second * normal.Second * MathNet.Numerics.Distributions.Gamma.Sample(rng, (n - 1) / 2.0, 0.5);
            return new SampleMoments(n, sum, deviations + sum * sum / n);
        }
        SampleMoments moments = default;
        for (long i = 0; i < n; i++)
        {
            var v = Value(rng, distribution, mean) + shift;
            moments.Add(v);
            kept?.Add(v);
        }
        return moments;
    }

    private static double Value(Xoshiro256StarStar rng, SimulatedDistribution? distribution, double mean) =>
        distribution is null ? mean : DistributionSampler.Sample(distribution, rng);

    private static double Conditional(double p, double remaining) => remaining <= 0 ? 0 : Math.Clamp(p / remaining, 0, 1);

    private static void Add(HypothesisData data, string environment, bool left, SampleMoments moments)
    {
        var byEnvironment = left ? data.LeftByEnvironment : data.RightByEnvironment;
        var total = byEnvironment.GetValueOrDefault(environment);
        total.Add(moments);
        byEnvironment[environment] = total;
        if (left) data.Left.Add(moments); else data.Right.Add(moments);
    }
}
