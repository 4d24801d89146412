using Scheme.Analysis.Statistics;

namespace Scheme.Runtime.Tests.Statistics;

public class PermutationTestTests
{
    [Fact]
    public void Exact_enumeration_on_a_hand_countable_example()
    {
        // x = {1,2,3}, y = {4,5,6}: of the C(6,3) = 20 relabellings only the observed one has mean(x) - mean(y) = -3,
        // and only its mirror image reaches +3.
        double[] x = { 1, 2, 3 }, y = { 4, 5, 6 };
        var less = PermutationTest.Test(x, y, seed: 1, Alternative.Less);
        Assert.True(less.Exact);
        Assert.Equal(20, less.Permutations);
        Assert.Equal(-3.0, less.Statistic, 14);
        Assert.Equal(1.0 / 20, less.PValue, 14);
        Assert.Equal(2.0 / 20, PermutationTest.Test(x, y, 1).PValue, 14);
        Assert.Equal(1.0, PermutationTest.Test(x, y, 1, Alternative.Greater).PValue, 14);
    }

    [Fact]
    public void Ties_with_the_observed_statistic_count_as_extreme()
    {
        // All values equal: every relabelling ties the observed 0 (up to rounding), so p = 1.
        var r = PermutationTest.Test(new[] { 0.1, 0.1, 0.1 }, new[] { 0.1, 0.1 }, seed: 3);
        Assert.Equal(1.0, r.PValue);
    }

    [Theory]
    [InlineData(3, 7, 8, 9)]
    [InlineData(0, 6, 5, 6)]
    [InlineData(4, 9, 4, 9)]
    [InlineData(1, 4, 6, 11)]
    public void Rate_version_equals_full_enumeration_on_zero_one_data(int k1, int n1, int k2, int n2)
    {
        double[] Bits(int k, int n) => Enumerable.Range(0, n).Select(i => i < k ? 1.0 : 0.0).ToArray();
        foreach (var alt in new[] { Alternative.TwoSided, Alternative.Less, Alternative.Greater })
        {
            var enumerated = PermutationTest.Test(Bits(k1, n1), Bits(k2, n2), seed: 0, alt);
            var rates = PermutationTest.TestRates(k1, n1, k2, n2, alt);
            Assert.True(enumerated.Exact);
            Assert.Equal(enumerated.PValue, rates.PValue, 12);
            Assert.Equal(enumerated.Statistic, rates.Statistic, 12);
            Assert.Equal(enumerated.Permutations, rates.Permutations);
        }
    }

    [Theory]
    [InlineData(12, 40, 25, 41)]
    [InlineData(0, 300, 9, 310)]
    [InlineData(1000, 5000, 1100, 5000)]
    public void Rate_version_one_sided_equals_Fisher(int k1, int n1, int k2, int n2)
    {
        // Relabelling 0/1 outcomes makes the count in group 1 hypergeometric, exactly Fisher's conditioning.
        foreach (var alt in new[] { Alternative.Less, Alternative.Greater })
        {
            double fisher = FisherExactTest.Test(new RateCount(k1, n1), new RateCount(k2, n2), alt).PValue;
            Assert.Equal(fisher, PermutationTest.TestRates(k1, n1, k2, n2, alt).PValue, 12);
        }
    }

    [Fact]
    public void Monte_Carlo_agrees_with_exact_and_is_seeded()
    {
        var rng = new Random(5);
        double[] x = Enumerable.Range(0, 9).Select(_ => rng.NextDouble() + 0.4).ToArray();
        double[] y = Enumerable.Range(0, 10).Select(_ => rng.NextDouble()).ToArray();
        var exact = PermutationTest.Test(x, y, seed: 0); // C(19, 9) = 92,378 relabellings
        Assert.True(exact.Exact);
        var mc = PermutationTest.Test(x, y, seed: 42, resamples: 20_000, maxExact: 0);
        Assert.False(mc.Exact);
        double se = Math.Sqrt(exact.PValue * (1 - exact.PValue) / 20_000);
        Assert.InRange(mc.PValue, exact.PValue - 4 * se, exact.PValue + 4 * se);
        Assert.Equal(mc, PermutationTest.Test(x, y, seed: 42, resamples: 20_000, maxExact: 0));
        Assert.NotEqual(mc.PValue, PermutationTest.Test(x, y, seed: 43, resamples: 20_000, maxExact: 0).PValue);
    }

    [Fact]
    public void Invalid_inputs_throw()
    {
        Assert.Throws<ArgumentException>(() => PermutationTest.Test(Array.Empty<double>(), new[] { 1.0 }, 0));
        Assert.Throws<ArgumentException>(() => PermutationTest.Test(new[] { double.NaN }, new[] { 1.0 }, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => PermutationTest.TestRates(5, 4, 1, 2));
    }
}
