using MathNet.Numerics.Random;
using Scheme.Analysis;
using Scheme.Contracts;
using Scheme.Model;

namespace Scheme.Analysis.Power;

/// <summary>
/// <c>diagnose</c>: power by simulation from a simulate block, before any money is spent (DeclareDesign's
/// "diagnose"). Each replicate draws every design cell (<see cref="PowerDesign"/>): a rate cell's count from
/// Binomial(variants x the run's epochs, true rate), a mean cell's values from its simulated distribution, the truth
/// of a cell being the most specific simulate entry that matches it; then runs the hypothesis's own test through
/// <see cref="HypothesisEvaluator"/>, and corrects the p-values of each family together, as <c>analyze</c> does.
/// Paired cells draw each pair's two units independently given their truths: the simulate block gives no correlation,
/// and positive correlation would only raise the power of a paired test, so this is conservative. A mean metric whose
/// truth is a plain number has no power to speak of (every unit would have the same value): it is reported as such.
/// </summary>
public static class PowerSimulator
{
    public static PowerReport Diagnose(ExperimentDefinition experiment, PowerOptions? options = null)
    {
        options ??= new PowerOptions();
        var scenario = options.Scenario ?? (experiment.Simulation.Any(s => s.Scenario == "simulate") ? "simulate" : experiment.Simulation.FirstOrDefault()?.Scenario ?? "simulate");
        var seed = options.Seed ?? experiment.Seed;
        // A permutation test of a mean resamples every unit: past 2 million unit-resamples per replicate (2,000 units at 1,000
        // resamples) it takes the normal limit of the permutation distribution, or the search at 10,000 epochs would take hours.
        var settings = options.Evaluation ?? new EvaluationSettings(BootstrapResamples: 500, PermutationResamples: 1_000, PosteriorDraws: 4_000, MaxResamplingWork: 2_000_000);
        var plans = experiment.Hypotheses.Select(h => Planned.Of(experiment, h, scenario)).ToList();
        var simulations = new Simulations(options.Replicates, seed, settings);
        var results = plans.Select(p => Diagnose(p, FamilyOf(p, plans), simulations, options)).ToList();
        var families = plans.GroupBy(p => p.H.Family, StringComparer.Ordinal)
            .Select(g => g.Where(p => p.Why is null).ToList())
            .Where(members => members.Count > 1)
            .Select(members => Family(members, simulations))
            .ToList();
        return new PowerReport(experiment.Name, scenario, options.Replicates, seed, results, families);
    }

    /// <summary>The simulatable hypotheses of a plan's family, the plan first.</summary>
    private static List<Planned> FamilyOf(Planned plan, List<Planned> plans) =>
        [plan, .. plans.Where(p => p != plan && p.Why is null && p.H.Family == plan.H.Family)];

    private static HypothesisPower Diagnose(Planned plan, List<Planned> family, Simulations simulations, PowerOptions options)
    {
        var (h, design) = (plan.H, plan.Design);
        var notes = new List<string>(plan.Notes);
        if (plan.Why is { } why)
        {
            return new(h.Name, AnalysisText.Comparison(h), h.Test, h.Alpha, design.Epochs, 0, 0, null, null, null, null, null, null, null,
                [.. notes, why], h.Family, h.Correction);
        }
        var atDeclared = simulations.Run(plan, design.Epochs, nullTruth: false);
        var power = Corrected(plan, family, design.Epochs, nullTruth: false, simulations);
        var falsePositives = Corrected(plan, family, design.Epochs, nullTruth: true, simulations);
        int? for80 = null, for90 = null;
        if (options.SearchEpochs)
        {
            double PowerAt(int epochs) => Corrected(plan, family, epochs, nullTruth: false, simulations);
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
        if (family.Count > 1)
        {
            notes.Add($"Power with family '{h.Family}''s {h.Correction} correction over {family.Count} hypotheses " +
                $"(uncorrected: {AnalysisText.Percent(atDeclared.Power)}); the search scales every member's runs in proportion. " +
                "Members are simulated independently: hypotheses that share cells have correlated p-values in a real run.");
        }
        var (leftUnits, rightUnits) = design.Units(design.Epochs);
        return new HypothesisPower(h.Name, AnalysisText.Comparison(h), h.Test, h.Alpha, design.Epochs, leftUnits, rightUnits,
            design.TrueValue(h), power, Math.Sqrt(power * (1 - power) / simulations.Replicates),
            for80, for90, falsePositives, atDeclared.Coverage, notes.Distinct().ToList(), h.Family, h.Correction, atDeclared.Power);
    }

    /// <summary>
    /// Share of replicates where <paramref name="plan"/>'s hypothesis is supported after its family's correction, with
    /// the hypothesis at <paramref name="epochs"/> (under the null if asked) and every other member at its truth and at
    /// epochs scaled in proportion (so at the declared epochs each keeps its own).
    /// </summary>
    private static double Corrected(Planned plan, List<Planned> family, int epochs, bool nullTruth, Simulations simulations)
    {
        var own = simulations.Run(plan, epochs, nullTruth).PValues;
        if (family.Count == 1)
        {
            return own.Count(p => p <= plan.H.Alpha) / (double)own.Length;
        }
        var others = family.Skip(1).Select(m => simulations.Run(m, Scale(epochs, plan, m), nullTruth: false).PValues).ToList();
        var supported = 0;
        var p = new double[family.Count];
        for (var r = 0; r < own.Length; r++)
        {
            p[0] = own[r];
            for (var i = 0; i < others.Count; i++) p[i + 1] = others[i][r];
            if (ExperimentAnalyzer.Correct(plan.H.Correction, p)[0] <= plan.H.Alpha) supported++;
        }
        return supported / (double)own.Length;
    }

    /// <summary>A member's epochs when the focal hypothesis has <paramref name="epochs"/>: its own in proportion (rounded up, at least 1).</summary>
    private static int Scale(int epochs, Planned focal, Planned member) =>
        epochs == focal.Design.Epochs ? member.Design.Epochs
            : (int)Math.Min(int.MaxValue, Math.Max(1, Math.Ceiling((double)member.Design.Epochs * epochs / focal.Design.Epochs)));

    /// <summary>At the declared epochs: how often every member, and at least one, is supported after the correction.</summary>
    private static FamilyPower Family(List<Planned> members, Simulations simulations)
    {
        var pValues = members.Select(m => simulations.Run(m, m.Design.Epochs, nullTruth: false).PValues).ToList();
        var correction = members[0].H.Correction;
        int all = 0, any = 0;
        var p = new double[members.Count];
        for (var r = 0; r < simulations.Replicates; r++)
        {
            for (var i = 0; i < members.Count; i++) p[i] = pValues[i][r];
            var corrected = ExperimentAnalyzer.Correct(correction, p);
            var supported = members.Select((m, i) => corrected[i] <= m.H.Alpha).ToList();
            if (supported.All(s => s)) all++;
            if (supported.Any(s => s)) any++;
        }
        return new FamilyPower(members[0].H.Family, correction, members.Select(m => m.H.Name).ToList(),
            all / (double)simulations.Replicates, any / (double)simulations.Replicates);
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

    /// <summary>Replicates of the experiment at <paramref name="epochs"/>: uncorrected rejection rate and interval coverage.</summary>
    internal static (double Power, double? Coverage) PowerOf(ExperimentDefinition experiment, HypothesisDefinition h, int epochs, int replicates, int seed,
        string scenario = "simulate", bool nullTruth = false, EvaluationSettings? settings = null)
    {
        var result = Simulations.Simulate(h, PowerDesign.Of(experiment, h, scenario), epochs, replicates, seed, settings ?? new EvaluationSettings(500, 1_000, PosteriorDraws: 4_000), nullTruth);
        return (result.Power, result.Coverage);
    }

    /// <summary>A hypothesis with its design, and why it cannot be simulated (null when it can).</summary>
    private sealed record Planned(HypothesisDefinition H, PowerDesign Design, IReadOnlyList<string> Notes, string? Why)
    {
        public static Planned Of(ExperimentDefinition experiment, HypothesisDefinition h, string scenario)
        {
            var metric = experiment.Metrics.FirstOrDefault(m => m.Name == h.Metric);
            var design = PowerDesign.Of(experiment, h, scenario);
            string? why = metric is null ? $"The experiment has no metric {h.Metric}."
                : design.Groups.Count == 0 ? "No run produces the cells this hypothesis compares."
                : design.Missing.Count > 0 ? $"Scenario '{scenario}' gives no value of {h.Metric} for {string.Join("; ", design.Missing)}."
                : design.ConstantMeans.Count > 0
                    ? $"Power of a mean metric with a constant truth is not meaningful: scenario '{scenario}' gives {h.Metric} a plain number for " +
                      $"{string.Join("; ", design.ConstantMeans)}, so every simulated unit would have that value and a test would see no spread. " +
                      $"Give {h.Metric} the distribution of its per-unit values, e.g. {h.Metric}[...] = normal(mean, sd), beta(a, b) or poisson(lambda)."
                : null;
            return new Planned(h, design, why is null ? design.Notes : [], why);
        }
    }

    internal sealed record SimulationResult(double Power, double? Coverage, double[] PValues, IReadOnlyList<string> Notes);

    /// <summary>
    /// Every simulation of a diagnosis, once per hypothesis, epochs and truth: a hypothesis's draws depend only on its own
    /// seed (common random numbers across epochs), so its p-values can be corrected with any family member's.
    /// </summary>
    private sealed class Simulations(int replicates, long seed, EvaluationSettings settings)
    {
        private readonly Dictionary<(string, int, bool), SimulationResult> _cache = [];

        public int Replicates => replicates;

        public SimulationResult Run(Planned plan, int epochs, bool nullTruth)
        {
            var key = (plan.H.Name, epochs, nullTruth);
            if (!_cache.TryGetValue(key, out var result))
            {
                var hypothesisSeed = ExperimentAnalyzer.SeedFor(seed, "power " + plan.H.Name);
                _cache[key] = result = Simulate(plan.H, plan.Design, epochs, replicates, nullTruth ? hypothesisSeed ^ 0x5bd1e995 : hypothesisSeed, settings, nullTruth);
            }
            return result;
        }

        public static SimulationResult Simulate(HypothesisDefinition h, PowerDesign design, int epochs, int replicates, int seed, EvaluationSettings settings, bool nullTruth)
        {
            var rng = new Xoshiro256StarStar(seed, threadSafe: false);
            var pooled = design.PooledTruth();
            var truth = nullTruth ? 0 : design.TrueValue(h) ?? double.NaN;
            var aggregation = design.Mean ? MetricAggregation.Mean : MetricAggregation.Rate;
            long rejections = 0, covered = 0, intervals = 0;
            var pValues = new double[replicates];
            var notes = new Dictionary<string, int>(StringComparer.Ordinal);
            for (var r = 0; r < replicates; r++)
            {
                var data = design.Draw(rng, h, epochs, nullTruth ? (h.Constant ?? pooled) : null);
                var outcome = HypothesisEvaluator.Evaluate(h, aggregation, data, seed + r, settings);
                pValues[r] = outcome.PValue ?? double.NaN;
                if (outcome.PValue is { } p && p <= h.Alpha) rejections++;
                // A one-sided bound of a mean has no other end (null): it reaches infinity.
                if (h.Estimand == Scheme.Contracts.Estimands.Difference && (outcome.Lower is not null || outcome.Upper is not null))
                {
                    intervals++;
                    if ((outcome.Lower ?? double.NegativeInfinity) <= truth && truth <= (outcome.Upper ?? double.PositiveInfinity)) covered++;
                }
                foreach (var note in outcome.Notes.Where(n => !n.Contains("unit(s) had no partner", StringComparison.Ordinal)))
                {
                    notes[note] = notes.GetValueOrDefault(note) + 1;
                }
            }
            // Notes about the design recur in many replicates; notes about one replicate's numbers (a t statistic, an exact
            // CMH estimate, a posterior probability) differ in each and would print thousands of lines: keep the recurring ones.
            var recurring = notes.Where(n => n.Value >= Math.Max(2, replicates / 20)).Select(n => n.Key).ToList();
            return new SimulationResult((double)rejections / replicates, intervals == 0 ? null : (double)covered / intervals, pValues, recurring);
        }
    }
}
