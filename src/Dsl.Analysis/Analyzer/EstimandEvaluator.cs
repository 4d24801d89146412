using System.Globalization;
using Scheme.Analysis.Statistics;
using Scheme.Contracts;
using Scheme.Model;

namespace Scheme.Analysis;

/// <summary>
/// Hypotheses whose <c>estimand:</c> is not the difference: two independent rate cells compared as a risk ratio (Katz
/// log interval), an odds ratio (the conditional MLE with fisher.test's exact interval) or as the difference of their
/// rates averaged over environments, unweighted (Schoen et al. 2025), tested by the posterior of that difference
/// (<c>average_posterior</c>) or by the exact Cochran-Mantel-Haenszel test stratified by environment (<c>cmh</c>).
/// Intervals are at 1 - alpha in the hypothesis's direction, as every hypothesis's (<see cref="IntervalSpec"/>).
/// </summary>
internal static class EstimandEvaluator
{
    public static TestOutcome Evaluate(HypothesisDefinition h, bool rate, HypothesisData data, int seed, IntervalSpec spec, int posteriorDraws,
        List<string> notes)
    {
        if (!rate || h.Paired || h.Right is null)
        {
            return TestOutcome.NotEvaluable($"Estimand {h.Estimand} compares the rates of two cells of different units.");
        }
        return h.Estimand switch
        {
            Estimands.RiskRatio or Estimands.OddsRatio => Ratio(h, HypothesisEvaluator.Rate(data.Left), HypothesisEvaluator.Rate(data.Right), spec, notes),
            Estimands.AverageDifference => Average(h, data, seed, spec, posteriorDraws, notes),
            _ => TestOutcome.NotEvaluable($"Unknown estimand {h.Estimand}."),
        };
    }

    /// <summary>A risk or odds ratio of the two cells, tested by Fisher's exact test (whose p-value is that of RR = 1 and OR = 1).</summary>
    private static TestOutcome Ratio(HypothesisDefinition h, RateCount left, RateCount right, IntervalSpec spec, List<string> notes)
    {
        if (h.Test != StatisticalTests.FisherExact)
        {
            return TestOutcome.NotEvaluable($"Test {h.Test} does not test the {h.Estimand}; fisher_exact does.");
        }
        var alternative = spec.Alternative;
        var p = FisherExactTest.Test(left, right, alternative).PValue;
        if (h.Estimand == Estimands.RiskRatio)
        {
            var rr = RiskRatioInterval.Compute(left.Successes, left.Trials, right.Successes, right.Trials, spec.Level, alternative);
            if (rr.Corrected)
            {
                notes.Add("A side has no successes: 0.5 was added to every cell for the risk ratio and its interval (Haldane).");
            }
            return new TestOutcome(rr.Estimate, rr.Interval.Lower, Finite(rr.Interval.Upper), "Katz log interval of the risk ratio", p, notes);
        }
        var or = ConditionalOddsRatio.Fisher(Table2x2.Of(left, right), spec.Level, alternative);
        // Fisher's one-sided p-value and this bound are the same tail at psi = 1, so they agree; two-sided, the
        // p-value sums the tables no more likely than the observed one and the interval has equal tails.
        return new TestOutcome(or.Estimate, or.Interval.Lower, Finite(or.Interval.Upper),
            "conditional MLE with the exact conditional interval (fisher.test)", p, notes, IntervalInvertsTest: alternative != Alternative.TwoSided);
    }

    private static TestOutcome Average(HypothesisDefinition h, HypothesisData data, int seed, IntervalSpec spec, int draws, List<string> notes)
    {
        var left = data.LeftByEnvironment.Where(e => e.Value.N > 0).ToList();
        var right = data.RightByEnvironment.Where(e => e.Value.N > 0).ToList();
        var summary = AverageDifferencePosterior.Compute(left.Select(e => HypothesisEvaluator.Rate(e.Value)).ToList(),
            right.Select(e => HypothesisEvaluator.Rate(e.Value)).ToList(), seed, draws, spec.Level, spec.Alternative);
        notes.Add(string.Create(CultureInfo.InvariantCulture,
            $"Unweighted averages over environments: left {left.Count} ({string.Join(", ", left.Select(e => e.Key))}), right {right.Count} ({string.Join(", ", right.Select(e => e.Key))}); " +
            $"posterior P(left < right) = {summary.ProbabilityLess:G4} ({summary.Draws} draws)."));
        var posterior = new TestOutcome(summary.Estimate, summary.Interval.Lower, summary.Interval.Upper,
            "posterior of the difference of unweighted averages (Beta(k+1, n-k+1) per environment)", null, notes);
        if (h.Test == StatisticalTests.AveragePosterior)
        {
            notes.Add("p-value: the posterior probability of the other direction (twice the smaller one for !=), not a frequentist p-value.");
            return posterior with { PValue = AverageDifferencePosterior.PValue(summary, spec.Alternative), IntervalInvertsTest = true };
        }
        if (h.Test != StatisticalTests.CochranMantelHaenszel)
        {
            return TestOutcome.NotEvaluable($"Test {h.Test} does not test the average_difference; average_posterior or cmh does.");
        }
        var shared = left.Select(e => e.Key).Intersect(right.Select(e => e.Key)).ToList();
        var strata = shared.Select(e => Table2x2.Of(HypothesisEvaluator.Rate(data.LeftByEnvironment[e]), HypothesisEvaluator.Rate(data.RightByEnvironment[e])))
            .Where(t => t.Total >= 2).ToList();
        if (strata.Count == 0)
        {
            const string why = "The Cochran-Mantel-Haenszel test needs an environment with units on both sides; none has.";
            return TestOutcome.NotEvaluable(why) with { Notes = [.. notes, why] };
        }
        var dropped = left.Select(e => e.Key).Union(right.Select(e => e.Key)).Except(shared).Order(StringComparer.Ordinal).ToList();
        if (dropped.Count > 0)
        {
            notes.Add($"Environments on one side only are not strata of the CMH test: {string.Join(", ", dropped)}.");
        }
        var cmh = ConditionalOddsRatio.MantelHaenszelExact(strata, spec.Level, spec.Alternative);
        notes.Add(double.IsNaN(cmh.Estimate)
            ? $"Exact CMH test over {strata.Count} environment(s): the tables are so far from a common odds ratio of 1 that its exact distribution underflows at the data (p < 1e-300); no estimate of the common odds ratio is given."
            : string.Create(CultureInfo.InvariantCulture,
            $"Exact CMH test over {strata.Count} environment(s): common odds ratio {cmh.Estimate:G4} (conditional MLE), exact {(spec.Alternative == Alternative.TwoSided ? "interval" : "bound")} " +
            $"[{cmh.Interval.Lower:G4}, {cmh.Interval.Upper:G4}] at {spec.Level:G4}; the interval shown is the posterior one of the average difference."));
        return posterior with { PValue = cmh.PValue };
    }

    private static double? Finite(double value) => double.IsFinite(value) ? value : null;
}
