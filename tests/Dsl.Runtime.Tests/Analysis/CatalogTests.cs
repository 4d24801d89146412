using Scheme.Analysis;
using Scheme.Contracts;
using Scheme.Engine.Store;
using Scheme.Model;
using static Scheme.Runtime.Tests.Analysis.Fixtures;

namespace Scheme.Runtime.Tests.Analysis;

/// <summary>
/// The analysis implements every test and correction the contracts (and so the compiler) allow: each catalog test is
/// evaluated for every comparison and metric it fits, and each correction adjusts a family. Adding a test to the
/// catalog without implementing it fails here, before any data are collected.
/// </summary>
public class CatalogTests
{
    public static TheoryData<string, Comparison, MetricKind, string> Fits()
    {
        var data = new TheoryData<string, Comparison, MetricKind, string>();
        foreach (var test in StatisticalTests.All)
        {
            foreach (var comparison in test.Comparisons)
            {
                foreach (var metric in test.Metrics)
                {
                    foreach (var estimand in test.TestsEstimands.Where(e => Estimands.Find(e)!.Fits(comparison, metric)))
                    {
                        data.Add(test.Name, comparison, metric, estimand);
                    }
                }
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Fits))]
    public void Every_test_is_evaluated_for_every_comparison_and_metric_it_fits(string test, Comparison comparison, MetricKind metric, string estimand)
    {
        var name = metric == MetricKind.Rate ? "covert_rate" : "score";
        var hypothesis = comparison switch
        {
            Comparison.Constant => Hypothesis("H", new Cell("o3"), Direction.Greater, null, test, name, constant: 0.1),
            Comparison.Paired => Hypothesis("H", new Cell("o3", "A", "EvalCue"), Direction.Greater, new Cell("o3", "A", "baseline"), test, name, paired: true),
            _ => Hypothesis("H", new Cell("o3"), Direction.Greater, new Cell("o3_as"), test, name),
        } with { Estimand = estimand };
        var units = new List<UnitRecord>();
        foreach (var (checkpoint, environment, condition, covert) in new[]
                 { ("o3", "A", "baseline", 10), ("o3", "A", "EvalCue", 20), ("o3", "B", "baseline", 12), ("o3_as", "A", "baseline", 2), ("o3_as", "B", "baseline", 1) })
        {
            for (var i = 0; i < 40; i++)
            {
                units.Add(Unit(checkpoint, environment, condition, i, i < covert, score: i < covert ? 1 + i % 3 : i % 2));
            }
        }

        var result = ExperimentAnalyzer.Analyze(Experiment([hypothesis]), units);

        var row = Assert.Single(result.Hypotheses);
        Assert.True(row.PValue is { } p && p is >= 0 and <= 1, $"{test} on a {comparison} {metric} comparison ({estimand}) was not evaluated: {string.Join("; ", row.Notes)}");
        Assert.Equal(estimand, row.Estimand);
        // Every interval says its level and sides: 1 - alpha, one-sided in the hypothesis's direction (>).
        Assert.Equal((1 - hypothesis.Alpha, "lower_bound"), (row.IntervalLevel, row.IntervalSides));
        Assert.NotNull(row.Lower);
    }

    [Theory]
    [MemberData(nameof(CorrectionNames))]
    public void Every_correction_adjusts_a_family(string correction)
    {
        var hypotheses = new[]
        {
            Hypothesis("H1", new Cell("o3"), Direction.Greater, new Cell("o3_as"), StatisticalTests.FisherExact, correction: correction),
            Hypothesis("H2", new Cell("o3", "A"), Direction.Greater, new Cell("o3_as", "A"), StatisticalTests.FisherExact, correction: correction),
        };
        var units = Units("o3", "A", "baseline", 40, 12).Concat(Units("o3_as", "A", "baseline", 40, 3))
            .Concat(Units("o3", "B", "baseline", 40, 10, epochOffset: 0)).Concat(Units("o3_as", "B", "baseline", 40, 9));

        var result = ExperimentAnalyzer.Analyze(Experiment(hypotheses), units);

        Assert.All(result.Hypotheses, h => Assert.True(h.CorrectedPValue is { } c && c >= h.PValue!.Value - 1e-12 && c <= 1,
            $"{correction}: p {h.PValue} corrected {h.CorrectedPValue}"));
    }

    /// <summary>Every estimand some test tests, and every test an estimand fits, so no estimand is left untestable.</summary>
    [Fact]
    public void Every_estimand_has_a_test_and_a_default()
    {
        foreach (var estimand in Estimands.All)
        {
            foreach (var comparison in estimand.Comparisons)
            {
                foreach (var metric in estimand.Metrics)
                {
                    var fitting = StatisticalTests.Fitting(comparison, metric, estimand.Name).ToList();
                    Assert.NotEmpty(fitting);
                    Assert.Equal(StatisticalTests.DefaultFor(comparison, metric, estimand.Name), fitting[0]);
                }
            }
        }
    }

    public static TheoryData<string> CorrectionNames => new(Corrections.All);
}
