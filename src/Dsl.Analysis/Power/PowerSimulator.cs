using MathNet.Numerics.Random;
using Scheme.Analysis;
using Scheme.Contracts;
using Scheme.Engine.Design;
using Scheme.Model;

namespace Scheme.Analysis.Power;

/// <param name="Scenario">Which simulate block is the hypothesized truth (default: the unnamed one, "simulate").</param>
/// <param name="Replicates">Simulated experiments per power estimate; the Monte Carlo SE of a power p is sqrt(p(1-p)/R).</param>
/// <param name="Seed">Seed of every draw (default: the experiment's seed), so a diagnosis is reproducible.</param>
/// <param name="MaxEpochs">Largest epochs the search for 80%/90% power tries.</param>
public sealed record PowerOptions(
    string? Scenario = null,
    int Replicates = 2_000,
    long? Seed = null,
    int MaxEpochs = 100_000,
    bool SearchEpochs = true,
    EvaluationSettings? Evaluation = null);

/// <summary>
/// Power of one hypothesis by simulation. Power and false-positive rate use the uncorrected p-value at the
/// hypothesis's alpha (family corrections depend on the other hypotheses' results).
/// </summary>
/// <param name="Epochs">The epochs of the largest run feeding the hypothesis; every run keeps its own (units per design
/// cell = its variants x its run's epochs), and the 80%/90% search scales all runs in proportion to the largest.</param>
/// <param name="EpochsFor80">Smallest epochs with simulated power of at least 80%; null if above MaxEpochs or not searched.</param>
/// <param name="FalsePositiveRate">Rejection rate when both cells are at their pooled value (or the rate equals the constant).</param>
/// <param name="Coverage">Share of replicates whose interval (the test's: 1 - alpha, one-sided in its direction) holds the
/// true difference; null for an estimand other than the difference.</param>
public sealed record HypothesisPower(
    string Name,
    string Comparison,
    string Test,
    double Alpha,
    int Epochs,
    long LeftUnits,
    long RightUnits,
    double? TrueDifference,
    double? Power,
    double? PowerStandardError,
    int? EpochsFor80,
    int? EpochsFor90,
    double? FalsePositiveRate,
    double? Coverage,
    IReadOnlyList<string> Notes);

public sealed record PowerReport(string Experiment, string Scenario, int Replicates, long Seed, IReadOnlyList<HypothesisPower> Hypotheses);

/// <summary>
/// <c>diagnose</c>: power by simulation from a simulate block, before any money is spent (DeclareDesign's
/// "diagnose"). Each replicate draws every design cell's count from Binomial(variants x the run's epochs, true rate), where
/// the true rate of a cell is the most specific simulate entry that matches it, then runs the hypothesis's own
/// test through <see cref="HypothesisEvaluator"/>. Paired cells draw each pair's two outcomes independently given
/// the two rates: the simulate block gives no correlation, and positive correlation would only raise the power of
/// a paired test, so this is conservative. Mean metrics are not simulated (a simulate block gives a mean, not a
/// distribution).
/// </summary>
public static class PowerSimulator
{
    public static PowerReport Diagnose(ExperimentDefinition experiment, PowerOptions? options = null)
    {
        options ??= new PowerOptions();
        var scenario = options.Scenario ?? (experiment.Simulation.Any(s => s.Scenario == "simulate") ? "simulate" : experiment.Simulation.FirstOrDefault()?.Scenario ?? "simulate");
        var seed = options.Seed ?? experiment.Seed;
        var results = experiment.Hypotheses.Select(h => Diagnose(experiment, h, scenario, seed, options)).ToList();
        return new PowerReport(experiment.Name, scenario, options.Replicates, seed, results);
    }

    private static HypothesisPower Diagnose(ExperimentDefinition experiment, HypothesisDefinition h, string scenario, long seed, PowerOptions options)
    {
        var notes = new List<string>();
        var metric = experiment.Metrics.FirstOrDefault(m => m.Name == h.Metric);
        var design = Design.Of(experiment, h, scenario);
        HypothesisPower Empty(string why) =>
            new(h.Name, AnalysisText.Comparison(h), h.Test, h.Alpha, design.Epochs, 0, 0, null, null, null, null, null, null, null, [.. notes, why]);
        if (metric is null) return Empty($"The experiment has no metric {h.Metric}.");
        if (metric.Aggregation != MetricAggregation.Rate) return Empty("Mean metrics are not simulated: a simulate block gives their mean, not their distribution.");
        if (design.Groups.Count == 0) return Empty("No run produces the cells this hypothesis compares.");
        if (design.Missing.Count > 0) return Empty($"Scenario '{scenario}' gives no value of {h.Metric} for {string.Join("; ", design.Missing)}.");
        notes.AddRange(design.Notes);

        var settings = options.Evaluation ?? new EvaluationSettings(BootstrapResamples: 500, PermutationResamples: 1_000, PosteriorDraws: 4_000);
        var hypothesisSeed = ExperimentAnalyzer.SeedFor(seed, "power " + h.Name);
        var atDeclared = Simulate(h, design, design.Epochs, options.Replicates, hypothesisSeed, settings, nullTruth: false);
        var nullRun = Simulate(h, design, design.Epochs, options.Replicates, hypothesisSeed ^ 0x5bd1e995, settings, nullTruth: true);
        int? for80 = null, for90 = null;
        if (options.SearchEpochs)
        {
            var cache = new Dictionary<int, double>();
            double PowerAt(int epochs)
            {
                if (!cache.TryGetValue(epochs, out var power))
                {
                    power = epochs == design.Epochs ? atDeclared.Power : Simulate(h, design, epochs, options.Replicates, hypothesisSeed, settings, false).Power;
                    cache[epochs] = power;
                }
                return power;
            }
            for80 = Search(PowerAt, 0.8, options.MaxEpochs);
            for90 = Search(PowerAt, 0.9, options.MaxEpochs);
            if (for80 is null) notes.Add($"80% power is not reached within {options.MaxEpochs} epochs.");
        }
        notes.AddRange(atDeclared.Notes);
        if (design.Groups.Select(g => g.Epochs).Distinct().Count() > 1)
        {
            var runs = design.Groups.Select(g => (g.Run, g.Epochs)).Distinct().Select(r => $"{r.Run} {r.Epochs}");
            notes.Add($"The runs feeding this hypothesis have different epochs ({string.Join(", ", runs)}): each keeps its own; " +
                "the epochs shown and searched are the largest run's, and the others scale in proportion.");
        }
        var (leftUnits, rightUnits) = design.Units(design.Epochs);
        return new HypothesisPower(h.Name, AnalysisText.Comparison(h), h.Test, h.Alpha, design.Epochs, leftUnits, rightUnits,
            design.TrueDifference(h), atDeclared.Power, Math.Sqrt(atDeclared.Power * (1 - atDeclared.Power) / options.Replicates),
            for80, for90, nullRun.Power, atDeclared.Coverage, notes.Distinct().ToList());
    }

    /// <summary>Smallest epochs with power at least <paramref name="target"/>: doubling, then bisection.</summary>
    private static int? Search(Func<int, double> power, double target, int maxEpochs)
    {
        var high = 1;
        while (power(high) < target)
        {
            if (high >= maxEpochs) return null;
            high = Math.Min(maxEpochs, high * 2);
        }
        var low = high / 2;
        while (high - low > 1)
        {
            var mid = low + (high - low) / 2;
            if (power(mid) >= target) high = mid; else low = mid;
        }
        return high;
    }

    private sealed record SimulationResult(double Power, double? Coverage, IReadOnlyList<string> Notes);

    /// <summary>Replicates of the experiment at <paramref name="epochs"/>: rejection rate and interval coverage.</summary>
    internal static (double Power, double? Coverage) PowerOf(ExperimentDefinition experiment, HypothesisDefinition h, int epochs, int replicates, int seed,
        string scenario = "simulate", bool nullTruth = false, EvaluationSettings? settings = null)
    {
        var result = Simulate(h, Design.Of(experiment, h, scenario), epochs, replicates, seed, settings ?? new EvaluationSettings(500, 1_000, PosteriorDraws: 4_000), nullTruth);
        return (result.Power, result.Coverage);
    }

    private static SimulationResult Simulate(HypothesisDefinition h, Design design, int epochs, int replicates, int seed, EvaluationSettings settings, bool nullTruth)
    {
        var rng = new Xoshiro256StarStar(seed, threadSafe: false);
        var pooled = design.PooledTruth();
        var truth = nullTruth ? 0 : design.TrueDifference(h) ?? double.NaN;
        long rejections = 0, covered = 0, intervals = 0;
        var notes = new HashSet<string>();
        for (var r = 0; r < replicates; r++)
        {
            var data = design.Draw(rng, h, epochs, nullTruth ? (h.Constant ?? pooled) : null);
            var outcome = HypothesisEvaluator.Evaluate(h, MetricAggregation.Rate, data, seed + r, settings);
            if (outcome.PValue is { } p && p <= h.Alpha) rejections++;
            if (h.Estimand == Scheme.Contracts.Estimands.Difference && outcome.Lower is { } lo && outcome.Upper is { } hi)
            {
                intervals++;
                if (lo <= truth && truth <= hi) covered++;
            }
            foreach (var note in outcome.Notes.Where(n => !n.Contains("unit(s) had no partner"))) notes.Add(note);
        }
        return new SimulationResult((double)rejections / replicates, intervals == 0 ? null : (double)covered / intervals, [.. notes]);
    }

    /// <summary>The design cells feeding a hypothesis, with their true rates and units per epoch.</summary>
    private sealed class Design
    {
        /// <summary>One checkpoint x environment of one run: a left and/or right condition cell (both, when paired),
        /// with that run's epochs. <paramref name="LeftCounted"/>/<paramref name="RightCounted"/>: for a conditional
        /// metric, the chance a unit counts (the simulated rate of the outcome it is conditioned on); null: every unit.</summary>
        public sealed record Group(string Run, string Environment, long UnitsPerEpoch, double? Left, double? Right, int Epochs,
            double? LeftCounted = null, double? RightCounted = null);

        public List<Group> Groups { get; } = [];
        public List<string> Missing { get; } = [];
        public List<string> Notes { get; } = [];
        public int Epochs { get; private set; }

        public static Design Of(ExperimentDefinition experiment, HypothesisDefinition h, string scenario)
        {
            var design = new Design();
            var metric = experiment.Metrics.FirstOrDefault(m => m.Name == h.Metric);
            // The most specific simulated value whose cell holds the unit (params count as factors too).
            double? TruthOf(string metricName, string checkpoint, string environment, string condition, IReadOnlyDictionary<string, object> parameters)
            {
                return SimulatedValue.Best(experiment.Simulation, metricName, checkpoint, environment, condition, parameters, scenario)?.Value;
            }
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
                            double? Truth(string condition) => TruthOf(h.Metric, checkpoint, environment, condition, parameters);
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
                                design.Groups.Add(new Group(run.Name, environment, 1, l ?? 0, r ?? 0, run.Epochs,
                                    Counted(checkpoint, environment, h.Left.Condition!, parameters), Counted(checkpoint, environment, right.Condition!, parameters)));
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
                                design.Groups.Add(new Group(run.Name, environment, 1, isLeft ? t ?? 0 : null, isRight ? t ?? 0 : null, run.Epochs,
                                    isLeft ? share : null, isRight ? share : null));
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

        /// <summary>The units each side counts: all of them, or for a conditional metric the expected conditioning count.</summary>
        /// <summary>The expected units per side: summed over the groups, then rounded (four variants counting a quarter
        /// of one unit each expect one unit, not four times none).</summary>
        public (long Left, long Right) Units(int epochs) =>
            ((long)Math.Round(Groups.Where(g => g.Left is not null).Sum(g => UnitsOf(g, epochs) * (g.LeftCounted ?? 1))),
             (long)Math.Round(Groups.Where(g => g.Right is not null).Sum(g => UnitsOf(g, epochs) * (g.RightCounted ?? 1))));

        public double? TrueDifference(HypothesisDefinition h)
        {
            double Weighted(Func<Group, double?> side)
            {
                var cells = Groups.Where(g => side(g) is not null).ToList();
                // Weighted by the units each group contributes at the declared epochs, as the pooled cell of the analysis is.
                return cells.Sum(g => UnitsOf(g, Epochs) * side(g)!.Value) / cells.Sum(g => (double)UnitsOf(g, Epochs));
            }
            if (Groups.All(g => g.Left is null)) return null;
            if (h.Right is null) return h.Constant is { } c ? Weighted(g => g.Left) - c : null;
            return Groups.Any(g => g.Right is not null) ? Weighted(g => g.Left) - Weighted(g => g.Right) : null;
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

        /// <param name="common">Under the null: every cell at this rate.</param>
        public HypothesisData Draw(Xoshiro256StarStar rng, HypothesisDefinition h, int epochs, double? common)
        {
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
}
