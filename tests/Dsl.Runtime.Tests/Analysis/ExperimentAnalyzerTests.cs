using Scheme.Analysis;
using Scheme.Analysis.Statistics;
using Scheme.Engine.Store;
using Scheme.Model;
using static Scheme.Runtime.Tests.Analysis.Fixtures;

namespace Scheme.Runtime.Tests.Analysis;

public class ExperimentAnalyzerTests
{
    [Fact]
    public void Metric_table_has_counts_and_beta_posterior_intervals_per_cell()
    {
        var units = Units("o3", "A", "baseline", 10, 3).ToList();
        units.Add(Unit("o3", "A", "baseline", 99, covert: true) with { Status = UnitStatus.Failed, UnitId = "failed-1" });
        var result = ExperimentAnalyzer.Analyze(Experiment(), units);

        var row = Assert.Single(result.Metrics, r => r.Metric == "covert_rate");
        Assert.Equal(("o3", "A", "baseline"), (row.Checkpoint, row.Environment, row.Condition));
        Assert.Equal(10, row.N);
        Assert.Equal(1, row.Failed);
        Assert.Equal(3, row.Successes);
        Assert.Equal(0.3, row.Estimate!.Value, 12);
        // R: qbeta(c(0.025, 0.975), 4, 8)
        Assert.Equal(0.10926344381909810, row.Lower!.Value, 9);
        Assert.Equal(0.60974255957242118, row.Upper!.Value, 9);
        Assert.Equal(11, result.Data.Units);
        Assert.Equal(1, result.Data.Failed);
    }

    [Fact]
    public void Mean_metric_rows_report_mean_sd_and_t_interval()
    {
        var units = new[] { 1.0, 2.0, 3.0, 4.0 }.Select((v, i) => Unit("o3", "A", "baseline", i, false, score: v));
        var row = Assert.Single(ExperimentAnalyzer.Analyze(Experiment(), units).Metrics, r => r.Metric == "score");
        Assert.Equal(2.5, row.Estimate!.Value, 12);
        Assert.Equal(Math.Sqrt(5.0 / 3.0), row.StandardDeviation!.Value, 12);
        // R: t.test(1:4)$conf.int
        Assert.Equal(0.44573974323947, row.Lower!.Value, 9);
        Assert.Equal(4.55426025676053, row.Upper!.Value, 9);
    }

    [Fact]
    public void Fisher_hypothesis_pools_environments_and_matches_R()
    {
        var h1 = Hypothesis("H1", new Cell(Checkpoint: "o3_as"), Direction.Less, new Cell(Checkpoint: "o3"), "fisher_exact");
        // o3_as 1/50 covert, o3 10/50, split over two environments.
        var units = Units("o3_as", "A", "baseline", 25, 1).Concat(Units("o3_as", "B", "baseline", 25, 0))
            .Concat(Units("o3", "A", "baseline", 25, 6)).Concat(Units("o3", "B", "baseline", 25, 4));
        var result = ExperimentAnalyzer.Analyze(Experiment([h1]), units);

        var h = Assert.Single(result.Hypotheses);
        Assert.Equal(50, h.LeftN);
        Assert.Equal(50, h.RightN);
        Assert.Equal(-0.18, h.Estimate!.Value, 12);
        // R: fisher.test(matrix(c(1, 49, 10, 40), 2, byrow = TRUE), alternative = "less")$p.value
        Assert.Equal(0.0038901956313959888, h.PValue!.Value, 12);
        // The interval matches the one-sided test at alpha 0.05: the Newcombe 95% upper bound (the upper end of the 90%
        // interval), from R's Wilson intervals prop.test(k, 50, conf.level = 0.9, correct = FALSE)$conf.int for 1 and 10.
        Assert.Equal(-1, h.Lower!.Value);
        Assert.Equal(-0.079720254865082801, h.Upper!.Value, 9);
        Assert.Equal((0.95, "upper_bound", false), (h.IntervalLevel, h.IntervalSides, h.IntervalInvertsTest));
        Assert.Contains(h.Notes, n => n.Contains("not the inversion of the test (fisher_exact)"));
        Assert.Equal(h.PValue, h.CorrectedPValue);
        Assert.Equal(Decision.Supported, h.Decision);
        // The pooled cells a hypothesis compares appear in the metric table too.
        Assert.Contains(result.Metrics, r => r is { Checkpoint: "o3_as", Environment: null, Condition: null, N: 50, Successes: 1 });
    }

    [Fact]
    public void Meinkes_35_of_99_against_a_quarter_shows_the_bound_of_its_one_sided_test()
    {
        // Meinke et al.'s rule: one-sided binomial test against 25% at alpha 0.01. 35 of 99 is not enough (36 is), yet
        // the two-sided 95% Clopper-Pearson interval, [0.2601, 0.4560] (R: binom.test(35, 99, 0.25)$conf.int), excludes
        // 25%: the row used to read "interval excludes 0, not supported". It now shows the test's own 99% lower bound.
        var h = Hypothesis("Schemer", new Cell(Checkpoint: "o3"), Direction.Greater, null, "binomial", alpha: 0.01, constant: 0.25);
        var r = Assert.Single(ExperimentAnalyzer.Analyze(Experiment([h]), Units("o3", "A", "baseline", 99, 35)).Hypotheses);

        // R: binom.test(35, 99, 0.25, alternative = "greater", conf.level = 0.99): p and conf.int[1]
        Assert.Equal(0.013969819513519567, r.PValue!.Value, 12);
        Assert.Equal(Decision.NotSupported, r.Decision);
        Assert.Equal(0.24466526651988257 - 0.25, r.Lower!.Value, 12);
        Assert.Equal(0.75, r.Upper!.Value, 12);
        Assert.Equal((0.99, "lower_bound", true), (r.IntervalLevel, r.IntervalSides, r.IntervalInvertsTest));
        Assert.True(r.Lower < 0, "the bound holds 0, as the decision says");
        Assert.Equal(">= -0.005 (99% lower bound)", AnalysisText.Interval(r));

        // 36 of 99 is supported, and its bound excludes 0.
        var s = Assert.Single(ExperimentAnalyzer.Analyze(Experiment([h]), Units("o3", "A", "baseline", 99, 36)).Hypotheses);
        Assert.Equal(Decision.Supported, s.Decision);
        Assert.True(s.Lower > 0);
    }

    [Fact]
    public void McNemar_pairs_units_across_conditions_and_counts_discordant_pairs()
    {
        var h3 = Hypothesis("H3", new Cell(Checkpoint: "o3", Condition: "EvalCue"), Direction.Greater,
            new Cell(Checkpoint: "o3", Condition: "baseline"), "mcnemar", paired: true);
        // 20 pairs: a = 3 (both), b = 9 (EvalCue only), c = 2 (baseline only), d = 6 (neither); one unpaired unit.
        var pattern = Enumerable.Repeat((true, true), 3).Concat(Enumerable.Repeat((true, false), 9))
            .Concat(Enumerable.Repeat((false, true), 2)).Concat(Enumerable.Repeat((false, false), 6)).ToList();
        var units = new List<UnitRecord>();
        for (var epoch = 0; epoch < pattern.Count; epoch++)
        {
            var env = epoch % 2 == 0 ? "A" : "B";
            units.Add(Unit("o3", env, "EvalCue", epoch, pattern[epoch].Item1));
            units.Add(Unit("o3", env, "baseline", epoch, pattern[epoch].Item2));
        }
        units.Add(Unit("o3", "A", "EvalCue", 500, true));
        units.Reverse(); // order must not matter

        var h = Assert.Single(ExperimentAnalyzer.Analyze(Experiment([h3]), units).Hypotheses);
        // R: binom.test(9, 11, 0.5, alternative = "greater")$p.value = 67/2048
        Assert.Equal(67.0 / 2048, h.PValue!.Value, 14);
        Assert.Equal(0.35, h.Estimate!.Value, 12);
        // Newcombe (1998) method 10, computed in R from the formula (Altman et al. 2000, p. 52; make_reference.R's
        // paired_z(3, 9, 2, 6, qnorm(0.95))): the one-sided 95% lower bound, as the test is "greater" at 0.05.
        Assert.Equal(0.092862960225068458, h.Lower!.Value, 9);
        Assert.Equal(1, h.Upper!.Value);
        Assert.Contains(h.Notes, n => n.Contains("1 unit(s) had no partner"));
    }

    [Fact]
    public void Newcombe_hypothesis_with_no_successes_on_the_left_is_significant()
    {
        // Regression: the Wilson bound at z = 0 was 0/0 for 0 successes, which read as "no difference" (p = 0.5).
        var h = Hypothesis("N", new Cell(Checkpoint: "o3_as"), Direction.Less, new Cell(Checkpoint: "o3"), "newcombe");
        var units = Units("o3_as", "A", "baseline", 100, 0).Concat(Units("o3", "A", "baseline", 100, 100));
        var r = Assert.Single(ExperimentAnalyzer.Analyze(Experiment([h]), units).Hypotheses);
        // newcombe_test.csv (make_reference.R): 0/100 vs 100/100, "less"
        Assert.Equal(9.6329689688151912e-55, r.PValue!.Value, 1e-64);
        Assert.Equal(Decision.Supported, r.Decision);
    }

    [Fact]
    public void Paired_newcombe_hypothesis_with_a_zero_left_margin_is_significant()
    {
        // 100 pairs, all (EvalCue no, baseline yes): a = 0, b = 0, c = 100, d = 0; the left margin has 0 successes.
        var h = Hypothesis("P", new Cell(Checkpoint: "o3", Condition: "EvalCue"), Direction.Less,
            new Cell(Checkpoint: "o3", Condition: "baseline"), "newcombe", paired: true);
        var units = Enumerable.Range(0, 100).SelectMany(e => new[] { Unit("o3", "A", "EvalCue", e, false), Unit("o3", "A", "baseline", e, true) });
        var r = Assert.Single(ExperimentAnalyzer.Analyze(Experiment([h]), units).Hypotheses);
        // newcombe_paired_test.csv (make_reference.R): [0, 0, 100, 0], "less"
        Assert.Equal(9.6329689688151912e-55, r.PValue!.Value, 1e-64);
    }

    [Fact]
    public void Corrections_apply_within_each_family_with_the_hypothesis_correction()
    {
        double[] ps = [0.01, 0.04, 0.03];
        // R: p.adjust(c(0.01, 0.04, 0.03), "holm") and "BH"
        Assert.Equal([0.03, 0.06, 0.06], ExperimentAnalyzer.Correct("holm", ps).Select(p => Math.Round(p, 12)));
        Assert.Equal([0.03, 0.04, 0.04], ExperimentAnalyzer.Correct("benjamini_hochberg", ps).Select(p => Math.Round(p, 12)));
        Assert.Equal([0.03, 0.12, 0.09], ExperimentAnalyzer.Correct("bonferroni", ps).Select(p => Math.Round(p, 12)));

        var left = new Cell(Checkpoint: "o3_as");
        var right = new Cell(Checkpoint: "o3");
        var hypotheses = new[]
        {
            Hypothesis("P1", left with { Environment = "A" }, Direction.Less, right with { Environment = "A" }, "fisher_exact", alpha: 0.01),
            Hypothesis("P2", left with { Environment = "B" }, Direction.Less, right with { Environment = "B" }, "fisher_exact", alpha: 0.01),
            Hypothesis("S1", left, Direction.Less, right, "fisher_exact", family: "secondary"),
        };
        var units = Units("o3_as", "A", "baseline", 40, 0).Concat(Units("o3", "A", "baseline", 40, 8))
            .Concat(Units("o3_as", "B", "baseline", 40, 3)).Concat(Units("o3", "B", "baseline", 40, 6));
        var result = ExperimentAnalyzer.Analyze(Experiment(hypotheses), units);
        var p1 = FisherExactTest.Test(0, 40, 8, 32, Alternative.Less).PValue;
        var p2 = FisherExactTest.Test(3, 37, 6, 34, Alternative.Less).PValue;
        var holm = HolmCorrection.Adjust([p1, p2]);
        Assert.Equal(holm[0], result.Hypotheses[0].CorrectedPValue!.Value, 14);
        Assert.Equal(holm[1], result.Hypotheses[1].CorrectedPValue!.Value, 14);
        Assert.Equal(result.Hypotheses[2].PValue, result.Hypotheses[2].CorrectedPValue);
        Assert.Equal(holm[0] <= 0.01 ? Decision.Supported : Decision.NotSupported, result.Hypotheses[0].Decision);
        Assert.Equal(Decision.NotSupported, result.Hypotheses[1].Decision);
    }

    [Fact]
    public void Binomial_against_a_constant_reproduces_the_behavioral_scheming_rule()
    {
        // Meinke et al. (2024): one-sided binomial test against 25% at alpha 0.01 with 99 pairs rejects from 36.
        var h = Hypothesis("Schemer", new Cell(Checkpoint: "o3"), Direction.Greater, null, "binomial", alpha: 0.01, constant: 0.25);
        Decision DecisionAt(int k) =>
            ExperimentAnalyzer.Analyze(Experiment([h]), Units("o3", "A", "baseline", 99, k)).Hypotheses[0].Decision;
        Assert.Equal(Decision.NotSupported, DecisionAt(35));
        Assert.Equal(Decision.Supported, DecisionAt(36));
    }

    [Fact]
    public void Hypothesis_without_data_is_not_evaluated_and_does_not_count_in_its_family()
    {
        var hypotheses = new[]
        {
            Hypothesis("H1", new Cell(Checkpoint: "o3_as"), Direction.Less, new Cell(Checkpoint: "o3"), "fisher_exact"),
            Hypothesis("Ghost", new Cell(Checkpoint: "o3_as", Environment: "Z"), Direction.Less, new Cell(Checkpoint: "o3", Environment: "Z"), "fisher_exact"),
        };
        var units = Units("o3_as", "A", "baseline", 30, 1).Concat(Units("o3", "A", "baseline", 30, 9));
        var result = ExperimentAnalyzer.Analyze(Experiment(hypotheses), units);
        Assert.Equal(Decision.NotEvaluated, result.Hypotheses[1].Decision);
        Assert.Contains("No data", result.Hypotheses[1].Notes[0]);
        Assert.Equal(result.Hypotheses[0].PValue, result.Hypotheses[0].CorrectedPValue);
    }

    [Fact]
    public void Metric_values_come_from_the_metrics_field_before_outcomes_and_null_means_not_applicable()
    {
        var units = new[]
        {
            Unit("o3", "A", "baseline", 0, covert: false) with { Metrics = new Dictionary<string, double?> { ["covert_rate"] = 1 } },
            Unit("o3", "A", "baseline", 1, covert: true) with { Metrics = new Dictionary<string, double?> { ["covert_rate"] = null } },
            Unit("o3", "A", "baseline", 2, covert: true),
            Unit("o3", "A", "baseline", 3, covert: false) with { Outcomes = new Dictionary<string, bool>() },
        };
        var row = Assert.Single(ExperimentAnalyzer.Analyze(Experiment(), units).Metrics, r => r.Metric == "covert_rate");
        Assert.Equal(2, row.N);
        Assert.Equal(2, row.Successes);
    }

    [Fact]
    public void Only_a_metric_the_compiler_calls_a_plain_outcome_rate_is_read_from_outcomes()
    {
        // Not plain: the metric reads the outcome but is not rate(outcome); nothing is guessed from how it behaves.
        var negated = new MetricDefinition("covert_rate", MetricAggregation.Rate, t => t.Outcome("covert_action") ? 0.0 : 1.0, ["covert_action"]);
        Assert.Null(MetricValueSource.For(negated).Outcome);
        Assert.Equal("covert_action", MetricValueSource.For(CovertRate).Outcome);
        Assert.Null(MetricValueSource.For(CovertRate with { Aggregation = MetricAggregation.Mean }).Outcome);
    }

    [Fact]
    public void Before_after_view_compares_lineage_per_environment_with_the_average_posterior()
    {
        var units = Units("o3", "A", "baseline", 100, 30).Concat(Units("o3", "B", "baseline", 100, 10))
            .Concat(Units("o3_as", "A", "baseline", 100, 1)).Concat(Units("o3_as", "B", "baseline", 100, 0));
        var result = ExperimentAnalyzer.Analyze(Experiment(), units);
        var view = Assert.Single(result.BeforeAfter);
        Assert.Equal(("o3", "o3_as", "baseline"), (view.Before, view.After, view.Condition));
        Assert.Equal(["A", "B"], view.Rows.Select(r => r.Environment));
        Assert.Equal(0.30, view.Rows[0].Before!.Estimate, 12);
        Assert.Equal(0.01, view.Rows[0].After!.Estimate, 12);
        var exact = AverageRatePosterior.ExactMean([new RateCount(30, 100), new RateCount(10, 100)]);
        Assert.Equal(exact, view.AverageBefore!.PosteriorMean, 3);
        Assert.True(view.AverageBefore.Lower < exact && exact < view.AverageBefore.Upper);
        Assert.True(view.AverageAfter!.Upper < view.AverageBefore.Lower);
        // The average row's estimate averages the cells' own estimates (k/n) above it: after, (0.01 + 0) / 2 = 0.5%,
        // where the posterior mean, (2/102 + 1/102) / 2 = 1.5%, is what the row showed before.
        Assert.Equal(0.20, view.AverageBefore.Estimate, 12);
        Assert.Equal(view.Rows.Average(r => r.After!.Estimate), view.AverageAfter.Estimate, 12);
        Assert.Equal(0.005, view.AverageAfter.Estimate, 12);
    }

    [Fact]
    public void Analysis_is_deterministic_and_independent_of_unit_order()
    {
        var h = Hypothesis("Boot", new Cell(Checkpoint: "o3_as"), Direction.Less, new Cell(Checkpoint: "o3"), "cluster_bootstrap");
        var envs = Enumerable.Range(0, 12).Select(i => $"E{i}").ToList();
        var units = envs.SelectMany((e, i) => Units("o3", e, "baseline", 20, 5 + i % 4).Concat(Units("o3_as", e, "baseline", 20, i % 3))).ToList();
        var experiment = Experiment([h], environments: envs);
        var first = ExperimentAnalyzer.Analyze(experiment, units).Hypotheses[0];
        units.Reverse();
        var second = ExperimentAnalyzer.Analyze(experiment, units).Hypotheses[0];
        Assert.Equal(first.PValue, second.PValue);
        Assert.Equal(first.Lower, second.Lower);
        Assert.True(first.Upper < 0);
        Assert.Equal(Decision.Supported, first.Decision);
    }

    [Fact]
    public void Permutation_of_a_mean_metric_on_independent_cells_uses_the_values()
    {
        var h = Hypothesis("Scores", new Cell(Checkpoint: "o3_as"), Direction.Greater, new Cell(Checkpoint: "o3"), "permutation", metric: "score");
        var units = new[] { 5.0, 6, 7, 8 }.Select((v, i) => Unit("o3_as", "A", "baseline", i, false, score: v))
            .Concat(new[] { 1.0, 2, 3, 4 }.Select((v, i) => Unit("o3", "A", "baseline", i, false, score: v)));
        var r = ExperimentAnalyzer.Analyze(Experiment([h]), units).Hypotheses[0];
        // Exact: only 1 of C(8, 4) = 70 relabellings is as extreme.
        Assert.Equal(1.0 / 70, r.PValue!.Value, 12);
        Assert.Equal(4.0, r.Estimate!.Value, 12);
        Assert.Equal("Welch t", r.IntervalMethod);
    }

    private static IEnumerable<UnitRecord> Scores(string checkpoint, string condition, params double[] values) =>
        values.Select((v, i) => Unit(checkpoint, i % 2 == 0 ? "A" : "B", condition, i, false, score: v));

    private static readonly double[] O3Scores = [1, 2, 3, 4, 2, 3, 1, 5, 2.5, 3.5];

    [Fact]
    public void T_test_of_a_mean_against_a_constant_matches_R()
    {
        var h = Hypothesis("Scores", new Cell(Checkpoint: "o3"), Direction.Greater, null, "t_test", metric: "score", alpha: 0.01, constant: 1.5);

        var r = ExperimentAnalyzer.Analyze(Experiment([h]), Scores("o3", "baseline", O3Scores)).Hypotheses.Single();

        // R: x <- c(1, 2, 3, 4, 2, 3, 1, 5, 2.5, 3.5); t.test(x, mu = 1.5, alternative = "greater")$p.value;
        //    t.test(x, mu = 1.5, alternative = "greater", conf.level = 0.99)$conf.int[1] - 1.5 (the test's own bound)
        Assert.Equal(10, r.LeftN);
        Assert.Equal(0.0077325530504328121, r.PValue!.Value, 12);
        Assert.Equal(1.2, r.Estimate!.Value, 12);
        Assert.Equal(0.063614528008996585, r.Lower!.Value, 9);
        Assert.Null(r.Upper);
        Assert.Equal((0.99, "lower_bound", true), (r.IntervalLevel, r.IntervalSides, r.IntervalInvertsTest));
        Assert.Equal("one-sample t, minus the constant", r.IntervalMethod);
        Assert.Equal(Decision.Supported, r.Decision);
    }

    [Fact]
    public void T_test_of_two_cells_is_Welchs_and_of_paired_cells_is_on_the_differences_matching_R()
    {
        var welch = Hypothesis("Welch", new Cell(Checkpoint: "o3"), Direction.Greater, new Cell(Checkpoint: "o3_as"), "t_test", metric: "score");
        var paired = Hypothesis("Paired", new Cell("o3_as", Condition: "EvalCue"), Direction.Greater, new Cell("o3_as", Condition: "baseline"),
            "t_test", metric: "score", paired: true, family: "paired");
        var units = Scores("o3", "baseline", O3Scores).Concat(Scores("o3_as", "baseline", 1, 0, 2, 1, 3, 2, 1, 0))
            .Concat(Scores("o3_as", "EvalCue", 2, 1, 2, 3, 4, 2, 3, 1));

        var result = ExperimentAnalyzer.Analyze(Experiment([welch, paired]), units);

        // The o3_as cell pools both conditions. R: y <- c(1, 0, 2, 1, 3, 2, 1, 0); cue <- c(2, 1, 2, 3, 4, 2, 3, 1);
        // t.test(x, c(y, cue), alternative = "greater")$p.value and $conf.int[1]. The two-sided 95% interval,
        // [-0.085, 1.985], held 0 beside p = 0.035 < 0.05; the one-sided bound of the test does not.
        var w = result.Hypotheses.Single(h => h.Name == "Welch");
        Assert.Equal(16, w.RightN);
        Assert.Equal("Welch t", w.IntervalMethod);
        Assert.Equal(2.7 - 1.75, w.Estimate!.Value, 12);
        Assert.Equal(0.034783142832268209, w.PValue!.Value, 12);
        Assert.Equal(0.09653611251112032, w.Lower!.Value, 9);
        Assert.Null(w.Upper);
        Assert.Equal(Decision.Supported, w.Decision);
        // R: t.test(cue, y, paired = TRUE, alternative = "greater")$p.value and $conf.int[1]
        var p = result.Hypotheses.Single(h => h.Name == "Paired");
        Assert.Equal("paired t", p.IntervalMethod);
        Assert.Equal(0.0036234949101439417, p.PValue!.Value, 12);
        Assert.Equal(1.0, p.Estimate!.Value, 12);
        Assert.Equal(0.49365256910293631, p.Lower!.Value, 9);
        Assert.Null(p.Upper);
    }

    [Fact]
    public void T_test_of_values_that_are_all_the_same_is_not_evaluated_and_says_why()
    {
        // 40 copies of 0.7: the sums leave a variance of rounding, which must not become t = 1e8 and p = 0.
        var h = Hypothesis("Scores", new Cell(Checkpoint: "o3"), Direction.Greater, null, "t_test", metric: "score", constant: 0.5);
        var one = Hypothesis("One", new Cell(Checkpoint: "o3_as"), Direction.Greater, null, "t_test", metric: "score", constant: 0.5, family: "one");
        var units = Scores("o3", "baseline", Enumerable.Repeat(0.7, 40).ToArray()).Concat(Scores("o3_as", "baseline", 0.9));

        var result = ExperimentAnalyzer.Analyze(Experiment([h, one]), units);

        var constant = result.Hypotheses.Single(r => r.Name == "Scores");
        Assert.Equal(Decision.NotEvaluated, constant.Decision);
        Assert.Null(constant.PValue);
        Assert.Contains(constant.Notes, n => n.Contains("every value of score[o3] is the same (0.7)"));
        var single = result.Hypotheses.Single(r => r.Name == "One");
        Assert.Equal(Decision.NotEvaluated, single.Decision);
        Assert.Contains(single.Notes, n => n.Contains("score[o3_as] has 1 value, and a t test needs at least 2"));
    }
}

public class LargeSamplePermutationTests
{
    [Fact]
    public void Past_the_resampling_budget_the_permutation_p_value_is_the_normal_limit()
    {
        var h = Fixtures.Hypothesis("Scores", new Cell(Checkpoint: "o3_as"), Direction.Greater, new Cell(Checkpoint: "o3"), "permutation", metric: "score");
        var data = new HypothesisData { LeftValues = [5, 6, 7, 8], RightValues = [1, 2, 3, 4] };
        foreach (var v in data.LeftValues) data.Left.Add(v);
        foreach (var v in data.RightValues) data.Right.Add(v);
        var outcome = HypothesisEvaluator.Evaluate(h, MetricAggregation.Mean, data, 1, new EvaluationSettings(MaxResamplingWork: 10));
        // Pooled variance of 1..8 is 6; var(mean difference) = 6 (1/4 + 1/4) = 3.
        Assert.Equal(MathNet.Numerics.Distributions.Normal.CDF(0, 1, -4 / Math.Sqrt(3)), outcome.PValue!.Value, 12);
        Assert.Contains(outcome.Notes, n => n.Contains("normal limit"));
    }
}
