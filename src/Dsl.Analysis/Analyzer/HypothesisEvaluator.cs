using System.Globalization;
using MathNet.Numerics.Distributions;
using MathNet.Numerics.Random;
using Scheme.Analysis.Statistics;
using Scheme.Contracts;
using Scheme.Model;

namespace Scheme.Analysis;

/// <summary>Knobs of the resampling tests; defaults suit analysis, the power simulation lowers them.</summary>
/// <param name="MaxResamplingWork">Largest resamples x units a permutation test of a mean resamples; beyond it the
/// p-value comes from the normal limit of the permutation distribution (a note says so), so a million-unit analysis stays fast.</param>
/// <param name="PosteriorDraws">Monte Carlo draws of the posterior of an average difference (SE of its probability at most
/// 0.5 / sqrt(draws)).</param>
public sealed record EvaluationSettings(int BootstrapResamples = ClusterBootstrap.DefaultResamples, int PermutationResamples = 10_000,
    long MaxResamplingWork = 100_000_000, int PosteriorDraws = 200_000);

/// <summary>The numbers a test produced; null where not applicable.</summary>
/// <param name="Lower">The interval's lower end; for a one-sided bound the parameter's own limit (-1 for a difference of
/// rates, 0 for a ratio), null where it has none.</param>
/// <param name="IntervalLevel">The interval's level: 1 - alpha, two-sided or one-sided as the test.</param>
/// <param name="IntervalSides">"two_sided", "lower_bound" (for &gt;) or "upper_bound" (for &lt;).</param>
/// <param name="IntervalInvertsTest">The interval is the test's own inversion, so it excludes the null value exactly when
/// p &lt;= alpha; otherwise it is another method's and a note says so.</param>
public sealed record TestOutcome(double? Estimate, double? Lower, double? Upper, string? IntervalMethod, double? PValue, IReadOnlyList<string> Notes,
    double? IntervalLevel = null, string? IntervalSides = null, bool IntervalInvertsTest = false)
{
    public static TestOutcome NotEvaluable(string why) => new(null, null, null, null, null, [why]);
}

/// <summary>
/// The interval a hypothesis shows: at 1 - alpha, two-sided for != and one-sided in the test's direction for &lt; and &gt;.
/// A one-sided bound at 1 - alpha is the matching end of the two-sided interval at 1 - 2 alpha (every interval here is
/// equal-tailed); the other end is the parameter's own limit.
/// </summary>
internal readonly record struct IntervalSpec(double Level, Alternative Alternative)
{
    public static IntervalSpec For(double alpha, Alternative alternative) => new(1 - alpha, alternative);

    /// <summary>The level of the two-sided interval whose one end is the bound; not in (0, 1) when alpha >= 1/2 one-sided.</summary>
    public double TwoSidedLevel => Alternative == Alternative.TwoSided ? Level : 2 * Level - 1;

    public bool Computable => TwoSidedLevel is > 0 and < 1;

    public string Sides => Alternative switch
    {
        Alternative.Less => "upper_bound",
        Alternative.Greater => "lower_bound",
        _ => "two_sided",
    };

    /// <summary>Keeps the end of a two-sided interval (at <see cref="TwoSidedLevel"/>) that the direction reads.</summary>
    public (double? Lower, double? Upper) Keep(double? lower, double? upper, double? floor, double? ceiling) => Alternative switch
    {
        Alternative.Less => (floor, upper),
        Alternative.Greater => (lower, ceiling),
        _ => (lower, upper),
    };
}

/// <summary>
/// Runs a hypothesis's declared test on its data. Directions map to the tests' alternatives as declared: for
/// <c>left &lt; right</c> the alternative is that left is smaller. Estimates and intervals are of the hypothesis's
/// estimand: left - right (left - constant) unless it declares a ratio or an average (<see cref="EstimandEvaluator"/>).
/// The interval matches the test: 1 - alpha, one-sided in the declared direction (<see cref="IntervalSpec"/>).
/// </summary>
public static class HypothesisEvaluator
{
    public static TestOutcome Evaluate(HypothesisDefinition h, MetricAggregation aggregation, HypothesisData data, int seed, EvaluationSettings? settings = null)
    {
        var spec = IntervalSpec.For(h.Alpha, AlternativeOf(h.Direction));
        var outcome = EvaluateAt(h, aggregation, data, seed, settings ?? new EvaluationSettings(), spec);
        if (outcome.PValue is null && outcome.Estimate is null)
        {
            return outcome;
        }
        outcome = outcome with { IntervalLevel = spec.Level, IntervalSides = spec.Sides };
        if (!spec.Computable)
        {
            return outcome with
            {
                Lower = null, Upper = null,
                Notes = [.. outcome.Notes, $"No interval: a one-sided bound at 1 - alpha = {spec.Level:G3} is not an interval's end (alpha is 1/2 or more)."],
            };
        }
        if (!outcome.IntervalInvertsTest && outcome.IntervalMethod is { } method)
        {
            outcome = outcome with
            {
                Notes = [.. outcome.Notes, $"The interval ({method}) is not the inversion of the test ({h.Test}): near alpha the two can disagree; the decision is the test's."],
            };
        }
        return outcome;
    }

    internal static Alternative AlternativeOf(Direction direction) => direction switch
    {
        Direction.Less => Alternative.Less,
        Direction.Greater => Alternative.Greater,
        _ => Alternative.TwoSided,
    };

    private static TestOutcome EvaluateAt(HypothesisDefinition h, MetricAggregation aggregation, HypothesisData data, int seed, EvaluationSettings settings,
        IntervalSpec spec)
    {
        var alternative = spec.Alternative;
        // A level that is not an interval's (one-sided alpha >= 1/2) computes at 95% and shows nothing (Evaluate).
        var level = spec.Computable ? spec.TwoSidedLevel : 0.95;
        var rate = aggregation == MetricAggregation.Rate;
        if (data.Left.N == 0)
        {
            return TestOutcome.NotEvaluable($"No data for {h.Metric}[{AnalysisText.Cell(h.Left)}].");
        }
        if (h.Right is null)
        {
            if (h.Constant is not { } constant)
            {
                return TestOutcome.NotEvaluable("The hypothesis has neither a right cell nor a constant.");
            }
            return (rate, h.Test) switch
            {
                (true, StatisticalTests.Binomial) => BinomialAgainst(data.Left, constant, spec, level),
                (false, StatisticalTests.TTest) => TAgainst(h, data.Left, constant, spec, level),
                _ => TestOutcome.NotEvaluable($"Test {h.Test} does not compare a {(rate ? "rate" : "mean")} with a constant; " +
                    $"{string.Join(" or ", StatisticalTests.Fitting(Comparison.Constant, rate ? MetricKind.Rate : MetricKind.Mean))} does."),
            };
        }
        if (data.Right.N == 0)
        {
            return TestOutcome.NotEvaluable($"No data for {h.Metric}[{AnalysisText.Cell(h.Right)}].");
        }
        var notes = new List<string>();
        if (data.IncompletePairs > 0)
        {
            notes.Add($"{data.IncompletePairs} unit(s) had no partner under the other condition and were left out of the paired test.");
        }
        if (h.Paired && (rate ? data.Pairs is not { Pairs: > 0 } : data.Differences is not { Count: > 0 }) && h.Test != StatisticalTests.ClusterBootstrap)
        {
            return TestOutcome.NotEvaluable("No complete pairs: no unit was observed under both conditions.") with { Notes = [.. notes, "No complete pairs."] };
        }

        if (h.Estimand != Estimands.Difference)
        {
            return EstimandEvaluator.Evaluate(h, rate, data, seed, spec, settings.PosteriorDraws, notes);
        }
        var (estimate, lower, upper, method) = DefaultInterval(h, rate, data, level);
        var inverts = false;
        double? p;
        switch (h.Test)
        {
            case StatisticalTests.FisherExact when rate:
                {
                    var (kl, nl) = Counts(data.Left);
                    var (kr, nr) = Counts(data.Right);
                    p = FisherExactTest.Test(new RateCount(kl, nl), new RateCount(kr, nr), alternative).PValue;
                    if (h.Paired) notes.Add("Fisher's test treats the paired cells as independent (conservative).");
                    break;
                }
            case StatisticalTests.McNemar when rate && data.Pairs is { } pairs:
                p = McNemarExactTest.Test(ToInt(pairs.LeftOnly), ToInt(pairs.RightOnly), alternative).PValue;
                break;
            case StatisticalTests.Binomial:
                return TestOutcome.NotEvaluable("The binomial test compares a rate with a constant, and this hypothesis compares two cells.");
            case StatisticalTests.TTest when !rate:
                return TBetween(h, data, spec, level, notes);
            case StatisticalTests.Newcombe when rate:
                p = NewcombeP(h.Paired ? data.Pairs : null, data, alternative);
                notes.Add("p-value by inverting the Newcombe interval (the smallest level at which it excludes 0).");
                inverts = true;
                break;
            case StatisticalTests.Permutation:
                p = Permutation(h, rate, data, seed, alternative, settings, notes);
                break;
            case StatisticalTests.ClusterBootstrap:
                {
                    var bootstrap = Bootstrap(h, rate, data, seed, alternative, settings, notes, level);
                    if (bootstrap is null)
                    {
                        return TestOutcome.NotEvaluable(notes.LastOrDefault() ?? "The cluster bootstrap could not run.");
                    }
                    (estimate, lower, upper, method, p) = (bootstrap.Value.Estimate, bootstrap.Value.Lower, bootstrap.Value.Upper,
                        $"cluster bootstrap percentile by environment ({data.LeftByEnvironment.Count} vs {data.RightByEnvironment.Count} clusters)", bootstrap.Value.P);
                    if (Math.Min(data.LeftByEnvironment.Count, data.RightByEnvironment.Count) < 10)
                    {
                        notes.Add("Fewer than 10 environments: the cluster bootstrap is unreliable with so few clusters.");
                    }
                    break;
                }
            default:
                return TestOutcome.NotEvaluable($"Test {h.Test} does not apply to a {(rate ? "rate" : "mean")} metric{(h.Paired ? " on paired cells" : "")}.");
        }
        (lower, upper) = rate ? spec.Keep(lower, upper, -1, 1) : spec.Keep(lower, upper, null, null);
        return new TestOutcome(estimate, lower, upper, method, p, notes, IntervalInvertsTest: inverts);
    }

    /// <summary>The two-sided interval at <paramref name="level"/> of left - right, by the method that suits the data.</summary>
    private static (double Estimate, double? Lower, double? Upper, string? Method) DefaultInterval(HypothesisDefinition h, bool rate, HypothesisData data, double level)
    {
        if (rate && h.Paired && data.Pairs is { Pairs: > 0 } pairs)
        {
            var paired = PairedNewcombeInterval.Compute(ToInt(pairs.BothYes), ToInt(pairs.LeftOnly), ToInt(pairs.RightOnly), ToInt(pairs.Neither), level);
            return (paired.Estimate, paired.Lower, paired.Upper, "Newcombe paired (method 10)");
        }
        if (rate)
        {
            var (kl, nl) = Counts(data.Left);
            var (kr, nr) = Counts(data.Right);
            var newcombe = NewcombeInterval.Compute(kl, nl, kr, nr, level);
            return (newcombe.Estimate, newcombe.Lower, newcombe.Upper, "Newcombe hybrid score");
        }
        var quantile = 1 - (1 - level) / 2;
        if (h.Paired && data.Differences is { Count: > 0 } differences)
        {
            var moments = new SampleMoments();
            foreach (var d in differences) moments.Add(d);
            var half = moments.N > 1 ? StudentT.InvCDF(0, 1, moments.N - 1, quantile) * Math.Sqrt(moments.Variance / moments.N) : double.NaN;
            return (moments.Mean, Finite(moments.Mean - half), Finite(moments.Mean + half), "paired t");
        }
        var diff = data.Left.Mean - data.Right.Mean;
        double vl = data.Left.Variance / data.Left.N, vr = data.Right.Variance / data.Right.N;
        var se = Math.Sqrt(vl + vr);
        var df = (vl + vr) * (vl + vr) / (vl * vl / (data.Left.N - 1) + vr * vr / (data.Right.N - 1));
        var t = double.IsFinite(df) && df > 0 ? StudentT.InvCDF(0, 1, df, quantile) : double.NaN;
        return (diff, Finite(diff - t * se), Finite(diff + t * se), "Welch t");
    }

    /// <summary>The exact binomial test with the Clopper-Pearson interval (R's binom.test conf.int), which inverts its
    /// one-sided tails; R's two-sided p sums the outcomes no more likely than the observed one, which the equal-tailed
    /// interval does not invert.</summary>
    private static TestOutcome BinomialAgainst(SampleMoments cell, double constant, IntervalSpec spec, double level)
    {
        var (k, n) = Counts(cell);
        var binomial = BinomialTest.Test(k, n, constant, spec.Alternative);
        var exact = ClopperPearsonInterval.Compute(k, n, level);
        var (lower, upper) = spec.Keep(exact.Lower - constant, exact.Upper - constant, -constant, 1 - constant);
        return new TestOutcome(exact.Estimate - constant, lower, upper, "Clopper-Pearson, minus the constant", binomial.PValue, [],
            IntervalInvertsTest: spec.Alternative != Alternative.TwoSided);
    }

    /// <summary>One-sample t test of the cell's mean against the constant; estimate and interval minus the constant.</summary>
    private static TestOutcome TAgainst(HypothesisDefinition h, SampleMoments cell, double constant, IntervalSpec spec, double level)
    {
        var sample = Summary(cell);
        if (TTest.Undefined(sample, $"{h.Metric}[{AnalysisText.Cell(h.Left)}]") is { } why)
        {
            return TestOutcome.NotEvaluable(why);
        }
        var t = TTest.OneSample(sample, constant, spec.Alternative);
        var interval = t.Interval(level);
        var (lower, upper) = spec.Keep(interval.Lower - constant, interval.Upper - constant, null, null);
        return new TestOutcome(t.Estimate - constant, lower, upper, "one-sample t, minus the constant", t.PValue, [StatisticNote(t)],
            IntervalInvertsTest: true);
    }

    /// <summary>The paired t test of the pairs' differences, or Welch's test of the two cells; its own interval.</summary>
    private static TestOutcome TBetween(HypothesisDefinition h, HypothesisData data, IntervalSpec spec, double level, List<string> notes)
    {
        var alternative = spec.Alternative;
        string left = $"{h.Metric}[{AnalysisText.Cell(h.Left)}]", right = $"{h.Metric}[{AnalysisText.Cell(h.Right!)}]";
        TTestResult t;
        string method;
        if (h.Paired)
        {
            var differences = SampleSummary.Of(data.Differences!);
            if (TTest.Undefined(differences, $"the differences {left} - {right}") is { } why)
            {
                return TestOutcome.NotEvaluable(why) with { Notes = [.. notes, why] };
            }
            (t, method) = (TTest.OneSample(differences, 0, alternative), "paired t");
        }
        else
        {
            var (x, y) = (Summary(data.Left), Summary(data.Right));
            if (TTest.Undefined(x, y, left, right) is { } why)
            {
                return TestOutcome.NotEvaluable(why) with { Notes = [.. notes, why] };
            }
            (t, method) = (TTest.Welch(x, y, alternative), "Welch t");
        }
        var interval = t.Interval(level);
        notes.Add(StatisticNote(t));
        var (lower, upper) = spec.Keep(interval.Lower, interval.Upper, null, null);
        return new TestOutcome(t.Estimate, lower, upper, method, t.PValue, notes, IntervalInvertsTest: true);
    }

    /// <summary>The t statistic and its degrees of freedom, as a report cites a t test.</summary>
    private static string StatisticNote(TTestResult t) =>
        string.Create(CultureInfo.InvariantCulture, $"t = {t.Statistic:G4}, df = {t.DegreesOfFreedom:G4}.");

    /// <summary>
    /// A cell's moments as a t test reads them. The analysis keeps sums, not values, so that memory does not grow with
    /// the units, and a sum of n values may be off by n eps of its size: a variance below 2 n eps times the mean square
    /// is rounding, not spread (40 copies of 0.7 leave one), and is read as 0, so the test calls the values constant as
    /// R's t.test does on the values themselves.
    /// </summary>
    private static SampleSummary Summary(SampleMoments m)
    {
        var rounding = 2.0 * m.N * MachineEpsilon * m.SumSquares / Math.Max(1, m.N - 1);
        return new SampleSummary(m.N, m.Mean, m.Variance <= rounding ? 0 : m.Variance);
    }

    private const double MachineEpsilon = 2.220446049250313e-16;

    private static double NewcombeP(PairedTable? pairs, HypothesisData data, Alternative alternative)
    {
        if (pairs is { } t)
        {
            return NewcombeTest.Paired(ToInt(t.BothYes), ToInt(t.LeftOnly), ToInt(t.RightOnly), ToInt(t.Neither), alternative).PValue;
        }
        var (kl, nl) = Counts(data.Left);
        var (kr, nr) = Counts(data.Right);
        return NewcombeTest.Independent(kl, nl, kr, nr, alternative).PValue;
    }

    private static double? Finite(double value) => double.IsFinite(value) ? value : null;

    private static double? Permutation(HypothesisDefinition h, bool rate, HypothesisData data, int seed, Alternative alternative,
        EvaluationSettings settings, List<string> notes)
    {
        if (rate && h.Paired && data.Pairs is { } pairs)
        {
            notes.Add("Paired permutation of 0/1 outcomes (sign flips within pairs) is exactly McNemar's test.");
            return McNemarExactTest.Test(ToInt(pairs.LeftOnly), ToInt(pairs.RightOnly), alternative).PValue;
        }
        if (rate)
        {
            var (kl, nl) = Counts(data.Left);
            var (kr, nr) = Counts(data.Right);
            return PermutationTest.TestRates(kl, nl, kr, nr, alternative).PValue;
        }
        if (h.Paired && data.Differences is { Count: > 0 } differences)
        {
            if ((long)differences.Count * settings.PermutationResamples > settings.MaxResamplingWork)
            {
                notes.Add(LargeSampleNote(differences.Count));
                return NormalTail(differences.Sum(), Math.Sqrt(differences.Sum(d => d * d)), alternative);
            }
            return SignFlipPValue(differences, seed, settings.PermutationResamples, alternative);
        }
        if (data.LeftValues is { Count: > 0 } left && data.RightValues is { Count: > 0 } right)
        {
            long total = left.Count + right.Count;
            if (total * settings.PermutationResamples > settings.MaxResamplingWork)
            {
                // Under relabelling, mean(x) - mean(y) has mean 0 and variance s^2 (1/m + 1/(N-m)), with s^2 the
                // variance of the pooled sample (N - 1 denominator); for this many units it is normal to many digits.
                notes.Add(LargeSampleNote(total));
                var pooled = new SampleMoments();
                foreach (var v in left) pooled.Add(v);
                foreach (var v in right) pooled.Add(v);
                var sd = Math.Sqrt(pooled.Variance * (1.0 / left.Count + 1.0 / right.Count));
                return NormalTail(left.Average() - right.Average(), sd, alternative);
            }
            return PermutationTest.Test(left, right, seed, alternative, settings.PermutationResamples, maxExact: 20_000).PValue;
        }
        notes.Add("The values of the cells were not kept, so the permutation test could not run.");
        return null;
    }

    private static string LargeSampleNote(long units) =>
        $"Permutation p-value from the normal limit of the permutation distribution (its exact mean and variance): {units} units are too many to resample.";

    private static double NormalTail(double statistic, double sd, Alternative alternative)
    {
        if (!(sd > 0))
        {
            // Every relabelling gives the same statistic.
            return alternative switch
            {
                Alternative.Greater => statistic > 0 ? 0 : 1,
                Alternative.Less => statistic < 0 ? 0 : 1,
                _ => statistic != 0 ? 0 : 1,
            };
        }
        var z = statistic / sd;
        return alternative switch
        {
            Alternative.Greater => Normal.CDF(0, 1, -z),
            Alternative.Less => Normal.CDF(0, 1, z),
            _ => Math.Min(1, 2 * Normal.CDF(0, 1, -Math.Abs(z))),
        };
    }

    /// <summary>Sign-flip test of paired differences: under H0 each difference is as likely negated.</summary>
    private static double SignFlipPValue(List<double> differences, int seed, int resamples, Alternative alternative)
    {
        var observed = differences.Sum();
        var slack = 1e-9 * Math.Max(1.0, differences.Sum(Math.Abs));
        var rng = new Xoshiro256StarStar(seed, threadSafe: false);
        long hits = 0;
        var values = differences.ToArray();
        for (var r = 0; r < resamples; r++)
        {
            double s = 0;
            for (var i = 0; i < values.Length; i++)
            {
                s += (rng.NextFullRangeInt64() & 1) == 0 ? values[i] : -values[i];
            }
            var extreme = alternative switch
            {
                Alternative.Greater => s >= observed - slack,
                Alternative.Less => s <= observed + slack,
                _ => Math.Abs(s) >= Math.Abs(observed) - slack,
            };
            if (extreme) hits++;
        }
        return (hits + 1.0) / (resamples + 1.0);
    }

    private static (double Estimate, double Lower, double Upper, double P)? Bootstrap(HypothesisDefinition h, bool rate, HypothesisData data, int seed,
        Alternative alternative, EvaluationSettings settings, List<string> notes, double level)
    {
        var resamples = settings.BootstrapResamples;
        if (h.Paired)
        {
            var shared = data.LeftByEnvironment.Keys.Intersect(data.RightByEnvironment.Keys)
                .Where(e => data.LeftByEnvironment[e].N > 0 && data.RightByEnvironment[e].N > 0).ToList();
            if (shared.Count == 0)
            {
                notes.Add("No environment has data under both conditions.");
                return null;
            }
            if (rate)
            {
                var clusters = shared.Select(e => new PairedCluster(Rate(data.LeftByEnvironment[e]), Rate(data.RightByEnvironment[e]))).ToList();
                var result = ClusterBootstrap.Paired(clusters, seed, resamples, level, alternative);
                return (result.Estimate, result.Interval.Lower, result.Interval.Upper, result.PValue);
            }
            var meanResult = MeanClusterBootstrap.Paired(shared.Select(e => (data.LeftByEnvironment[e], data.RightByEnvironment[e])).ToList(),
                seed, resamples, level, alternative);
            return meanResult;
        }
        var left = data.LeftByEnvironment.Values.Where(m => m.N > 0).ToList();
        var right = data.RightByEnvironment.Values.Where(m => m.N > 0).ToList();
        if (rate)
        {
            var result = ClusterBootstrap.Independent(left.Select(Rate).ToList(), right.Select(Rate).ToList(), seed, resamples, level, alternative);
            return (result.Estimate, result.Interval.Lower, result.Interval.Upper, result.PValue);
        }
        return MeanClusterBootstrap.Independent(left, right, seed, resamples, level, alternative);
    }

    internal static RateCount Rate(SampleMoments m) => new(ToInt((long)Math.Round(m.Sum)), ToInt(m.N));

    internal static (int K, int N) Counts(SampleMoments m) => (ToInt((long)Math.Round(m.Sum)), ToInt(m.N));

    internal static int ToInt(long value) => checked((int)value);
}
