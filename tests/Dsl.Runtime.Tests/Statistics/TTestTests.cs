using System.Globalization;
using Scheme.Analysis.Statistics;

namespace Scheme.Runtime.Tests.Statistics;

/// <summary>One-sample, paired and Welch t tests against R's t.test (t_test.csv, see make_reference.R).</summary>
public class TTestTests
{
    [Fact]
    public void Statistic_df_p_value_estimate_and_interval_match_R_t_test()
    {
        var data = ReferenceData.Load("t_test.csv");
        var bad = new Tolerance.Mismatches();
        var kinds = new HashSet<(string, Alternative)>();
        foreach (var row in data.Rows)
        {
            var kind = data.Text(row, "kind");
            var alternative = ReferenceData.ParseAlternative(data.Text(row, "alternative"));
            var x = Expand(data.Text(row, "x"));
            var result = kind switch
            {
                "one_sample" => TTest.OneSample(x, data.Double(row, "mu"), alternative),
                "paired" => TTest.Paired(x, Expand(data.Text(row, "y")), alternative),
                "welch" => TTest.Welch(x, Expand(data.Text(row, "y")), alternative),
                _ => throw new FormatException(kind),
            };
            var interval = result.Interval(data.Double(row, "level"));
            var what = $"{kind} n={x.Count} {alternative}";
            bad.Check(Tolerance.RelativeClose(data.Double(row, "statistic"), result.Statistic), $"{what}: t R={data.Text(row, "statistic")} C#={result.Statistic:R}");
            bad.Check(Tolerance.RelativeClose(data.Double(row, "df"), result.DegreesOfFreedom), $"{what}: df R={data.Text(row, "df")} C#={result.DegreesOfFreedom:R}");
            bad.Check(Tolerance.RelativeClose(data.Double(row, "p_value"), result.PValue), $"{what}: p R={data.Text(row, "p_value")} C#={result.PValue:R}");
            // Bounds can cancel to near 0, so they are compared relative to the interval's width.
            var width = data.Double(row, "upper") - data.Double(row, "lower");
            foreach (var (column, actual) in new[] { ("estimate", result.Estimate), ("lower", interval.Lower), ("upper", interval.Upper) })
            {
                var expected = data.Double(row, column);
                bad.Check(Math.Abs(actual - expected) <= Tolerance.Relative * (Math.Abs(expected) + width), $"{what}: {column} R={expected:R} C#={actual:R}");
            }
            kinds.Add((kind, alternative));
        }
        bad.AssertNone(minimumChecks: 6 * 200);
        Assert.Equal(9, kinds.Count);
    }

    [Fact]
    public void The_sleep_data_give_Rs_printed_results()
    {
        // R: t.test(extra ~ group, data = sleep) and t.test(sleep$extra[1:10], sleep$extra[11:20], paired = TRUE).
        double[] drug1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0];
        double[] drug2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4];
        var welch = TTest.Welch(drug1, drug2);
        Assert.Equal(-1.860813, welch.Statistic, 6);
        Assert.Equal(17.776, welch.DegreesOfFreedom, 3);
        Assert.Equal(0.07939, welch.PValue, 5);
        var paired = TTest.Paired(drug1, drug2);
        Assert.Equal(-4.062128, paired.Statistic, 6);
        Assert.Equal(9, paired.DegreesOfFreedom);
        Assert.Equal(0.002833, paired.PValue, 6);
        Assert.Equal(-1.58, paired.Estimate, 12);
    }

    [Fact]
    public void Interval_holds_the_null_exactly_when_the_two_sided_p_value_is_above_one_minus_its_level()
    {
        double[] x = [0.2, 0.9, 0.4, 1.3, 0.8, 0.7];
        var p = TTest.OneSample(x, 0.5).PValue;
        Assert.Equal(0.5, TTest.OneSample(x, 0.5).Interval(1 - p).Lower, 9);
        Assert.True(TTest.OneSample(x, 0.5).Interval(1 - p * 1.01).Lower > 0.5);
        Assert.True(TTest.OneSample(x, 0.5).Interval(1 - p * 0.99).Lower < 0.5);
    }

    [Fact]
    public void Wide_intervals_at_one_degree_of_freedom_are_not_cut_at_800()
    {
        // R: qt(1 - 5e-5, 1) = 6366.1976713166368, past the [-800, 800] bracket of MathNet's InvCDF.
        var interval = TTest.OneSample([1.0, 2.0]).Interval(0.9999);
        Assert.Equal(1.5 + 6366.1976713166368 * 0.5, interval.Upper, 6);
    }

    [Fact]
    public void Data_without_two_values_or_without_variance_are_refused_with_the_reason()
    {
        Assert.Contains("has 1 value", TTest.Undefined(SampleSummary.Of([3.0]), "score[o3]"));
        Assert.Contains("every value of score[o3] is the same (2)", TTest.Undefined(SampleSummary.Of([2.0, 2.0, 2.0]), "score[o3]"));
        // A zero mean with zero variance too, where R's strict check lets a NaN through.
        Assert.NotNull(TTest.Undefined(SampleSummary.Of([0.0, 0.0]), "the differences"));
        Assert.Null(TTest.Undefined(SampleSummary.Of([2.0, 2.0, 2.5]), "score[o3]"));
        Assert.Throws<ArgumentException>(() => TTest.OneSample([2.0, 2.0]));
        Assert.Throws<ArgumentException>(() => TTest.Paired([1.0, 2.0], [1.0, 2.0]));
        Assert.Throws<ArgumentException>(() => TTest.Paired([1.0, 2.0], [1.0]));
        Assert.Throws<ArgumentException>(() => TTest.Welch([1.0, 1.0], [3.0, 3.0]));
        Assert.Throws<ArgumentException>(() => TTest.Welch([1.0], [3.0, 4.0]));
        Assert.Throws<ArgumentException>(() => TTest.OneSample([1.0, double.NaN]));
        Assert.Throws<ArgumentOutOfRangeException>(() => TTest.OneSample([1.0, 2.0], double.PositiveInfinity));
    }

    [Fact]
    public void Welch_with_one_constant_sample_is_defined_and_takes_the_other_samples_df()
    {
        Assert.Null(TTest.Undefined(SampleSummary.Of([1.0, 2.0, 3.0]), SampleSummary.Of([5.0, 5.0, 5.0, 5.0]), "x", "y"));
        Assert.Equal(2, TTest.Welch([1.0, 2.0, 3.0], [5.0, 5.0, 5.0, 5.0]).DegreesOfFreedom, 12);
    }

    /// <summary>"v*k" is v repeated k times (how make_reference.R writes samples of a million values).</summary>
    private static List<double> Expand(string text) =>
        text.Split(';').SelectMany(item => item.Split('*') is [var value, var count]
            ? Enumerable.Repeat(ReferenceData.ParseDouble(value), int.Parse(count, CultureInfo.InvariantCulture))
            : [ReferenceData.ParseDouble(item)]).ToList();
}
