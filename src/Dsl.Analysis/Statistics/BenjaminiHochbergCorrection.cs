using Scheme.Model;

namespace Scheme.Analysis.Statistics;

/// <summary>
/// Benjamini-Hochberg (1995) step-up adjustment controlling the false discovery rate; identical to R's
/// p.adjust(p, "BH"): sort descending, multiply the value of rank i by m / i, take running minima, cap at 1.
/// NaN entries (R's NA) are passed through and not counted in m.
/// </summary>
public static class BenjaminiHochbergCorrection
{
    public static double[] Adjust(IReadOnlyList<double> pValues)
    {
        ArgumentNullException.ThrowIfNull(pValues);
        var (index, p) = Corrections.NonMissing(pValues);
        int m = p.Length;
        var result = pValues.ToArray();
        if (m <= 1) return result;
        int[] order = Corrections.StableOrder(p, descending: true);
        double running = double.PositiveInfinity;
        for (int j = 0; j < m; j++)
        {
            int rank = m - j; // rank of this p-value in ascending order
            // (m / rank) * p, in R's evaluation order so results match bit for bit.
            running = Math.Min(running, (double)m / rank * p[order[j]]);
            result[index[order[j]]] = Math.Min(1.0, running);
        }
        return result;
    }
}
