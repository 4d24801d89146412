using Scheme.Model;

namespace Scheme.Analysis.Statistics;

/// <summary>
/// Holm (1979) step-down adjustment controlling the family-wise error rate; identical to R's
/// p.adjust(p, "holm"): sort ascending, multiply the i-th smallest by (m + 1 - i), take running maxima,
/// cap at 1. NaN entries (R's NA) are passed through and not counted in m.
/// </summary>
public static class HolmCorrection
{
    public static double[] Adjust(IReadOnlyList<double> pValues)
    {
        ArgumentNullException.ThrowIfNull(pValues);
        var (index, p) = Corrections.NonMissing(pValues);
        int m = p.Length;
        var result = pValues.ToArray();
        if (m <= 1) return result; // R returns the input unchanged for a family of one
        int[] order = Corrections.StableOrder(p, descending: false);
        double running = double.NegativeInfinity;
        for (int i = 0; i < m; i++)
        {
            running = Math.Max(running, (m - i) * p[order[i]]);
            result[index[order[i]]] = Math.Min(1.0, running);
        }
        return result;
    }
}

internal static class Corrections
{
    public static (int[] Index, double[] Values) NonMissing(IReadOnlyList<double> pValues)
    {
        var idx = new List<int>(pValues.Count);
        for (int i = 0; i < pValues.Count; i++)
        {
            double v = pValues[i];
            if (double.IsNaN(v)) continue;
            if (v < 0 || v > 1) throw new ArgumentOutOfRangeException(nameof(pValues), v, "p-values must lie in [0, 1]");
            idx.Add(i);
        }
        return (idx.ToArray(), idx.Select(i => pValues[i]).ToArray());
    }

    /// <summary>Indices sorted by value; ties keep input order (as R's order()).</summary>
    public static int[] StableOrder(double[] values, bool descending)
    {
        var order = Enumerable.Range(0, values.Length);
        return (descending ? order.OrderByDescending(i => values[i]) : order.OrderBy(i => values[i])).ToArray();
    }
}
