using MathNet.Numerics.Distributions;

namespace Scheme.Analysis.Statistics;

/// <summary>
/// Cohen's kappa for two raters over the same units, from their k x k table of counts (rows: rater 1's category, columns:
/// rater 2's, in one order), with its large-sample standard error for a kappa that need not be 0 (Fleiss, Cohen and
/// Everitt 1969, eq. 13) and the Wald interval kappa -+ z SE cut to [-1, 1], which is what R's <c>psych::cohen.kappa</c>
/// and <c>vcd::Kappa</c> (<c>confint</c>) report.
/// </summary>
public static class CohensKappa
{
    /// <summary>
    /// The kappa of <paramref name="table"/>; null estimate when it is undefined: no units, or a rater who used one category
    /// throughout (then kappa is 0 whatever the other rater did, and R's standard error 0). The standard error is null then
    /// too, and 0 when the raters agree perfectly on more than one category.
    /// </summary>
    public static KappaEstimate Compute(long[,] table, double level = 0.95)
    {
        var k = table.GetLength(0);
        if (table.GetLength(1) != k)
        {
            throw new ArgumentException("A kappa table is square: both raters use the same categories.", nameof(table));
        }
        if (level is <= 0 or >= 1)
        {
            throw new ArgumentOutOfRangeException(nameof(level), level, "The level lies strictly between 0 and 1.");
        }
        double n = 0;
        foreach (var count in table)
        {
            if (count < 0)
            {
                throw new ArgumentException("Counts are never negative.", nameof(table));
            }
            n += count;
        }
        if (n == 0)
        {
            return new KappaEstimate(0, null, null, null, null, null, null, level);
        }
        var rows = new double[k];
        var columns = new double[k];
        double observed = 0;
        for (var i = 0; i < k; i++)
        {
            for (var j = 0; j < k; j++)
            {
                var p = table[i, j] / n;
                rows[i] += p;
                columns[j] += p;
                if (i == j) observed += p;
            }
        }
        double expected = 0;
        for (var i = 0; i < k; i++)
        {
            expected += rows[i] * columns[i];
        }
        // One rater who used a single category (say the detector, when only flagged units were reviewed) makes p_o = p_e:
        // kappa is 0 by construction and its standard error 0, an interval [0, 0] that says nothing. R reports those numbers;
        // here kappa is undefined, so no reader takes that 0 for evidence of chance-level agreement.
        if (rows.Max() >= 1 - 1e-15 || columns.Max() >= 1 - 1e-15)
        {
            return new KappaEstimate((long)n, null, null, null, null, observed, expected, level);
        }
        var kappa = (observed - expected) / (1 - expected);
        // Fleiss, Cohen and Everitt (1969): Var = [sum_i p_ii (1 - (p_i. + p_.i)(1 - kappa))^2
        //   + (1 - kappa)^2 sum_{i != j} p_ij (p_.i + p_j.)^2 - (kappa - p_e (1 - kappa))^2] / (n (1 - p_e)^2).
        double sum = 0;
        for (var i = 0; i < k; i++)
        {
            for (var j = 0; j < k; j++)
            {
                var p = table[i, j] / n;
                if (p == 0) continue;
                sum += i == j
                    ? p * Math.Pow(1 - (rows[i] + columns[i]) * (1 - kappa), 2)
                    : p * Math.Pow(1 - kappa, 2) * Math.Pow(columns[i] + rows[j], 2);
            }
        }
        var variance = (sum - Math.Pow(kappa - expected * (1 - kappa), 2)) / (n * Math.Pow(1 - expected, 2));
        // Rounding can leave a hair below 0 where the true variance is 0 (perfect agreement).
        var se = Math.Sqrt(Math.Max(0, variance));
        var z = Normal.InvCDF(0, 1, 1 - (1 - level) / 2);
        return new KappaEstimate((long)n, kappa, se, Math.Max(-1, kappa - z * se), Math.Min(1, kappa + z * se), observed, expected, level);
    }
}

/// <summary>Cohen's kappa over <see cref="N"/> units, its standard error and Wald interval at <see cref="Level"/>; the observed
/// and chance-expected agreement it compares. Kappa and its interval are null where kappa is undefined.</summary>
public sealed record KappaEstimate(long N, double? Kappa, double? StandardError, double? Lower, double? Upper,
    double? ObservedAgreement, double? ExpectedAgreement, double Level);
