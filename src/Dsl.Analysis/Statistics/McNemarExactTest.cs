using Scheme.Model;

namespace Scheme.Analysis.Statistics;

/// <summary>
/// Exact McNemar test for paired binary outcomes (e.g. the same prompts before/after an intervention):
/// conditional on the b + c discordant pairs, b ~ Bin(b + c, 1/2) under H0, so this is
/// binom.test(b, b + c, 0.5). Concordant pairs carry no information and are not needed.
/// </summary>
public static class McNemarExactTest
{
    /// <summary>
    /// b = pairs (yes, no), c = pairs (no, yes). Less/Greater refer to b's share of the discordant pairs
    /// being below/above 1/2. Estimate is b / (b + c). With no discordant pairs there is no evidence either
    /// way: p = 1 and Estimate = NaN (R's binom.test would refuse n = 0).
    /// </summary>
    public static TestResult Test(int b, int c, Alternative alternative = Alternative.TwoSided)
    {
        Internal.Guard.NonNegative(b, nameof(b));
        Internal.Guard.NonNegative(c, nameof(c));
        if (b + c == 0) return new TestResult(1.0, double.NaN, alternative);
        return BinomialTest.Test(b, b + c, 0.5, alternative);
    }
}
