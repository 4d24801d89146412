using Scheme.Model;

namespace Scheme.Analysis.Statistics.Internal;

internal static class Guard
{
    public static void Counts(int k, int n, string kName = "k", string nName = "n")
    {
        if (n < 1) throw new ArgumentOutOfRangeException(nName, n, "number of trials must be >= 1");
        if (k < 0 || k > n) throw new ArgumentOutOfRangeException(kName, k, $"successes must lie in [0, {nName}]");
    }

    public static void Level(double level)
    {
        if (!(level > 0 && level < 1)) throw new ArgumentOutOfRangeException(nameof(level), level, "level must lie in (0, 1)");
    }

    public static void Probability(double p, string name)
    {
        if (!(p >= 0 && p <= 1)) throw new ArgumentOutOfRangeException(name, p, "must lie in [0, 1]");
    }

    public static void NonNegative(int v, string name)
    {
        if (v < 0) throw new ArgumentOutOfRangeException(name, v, "count must be >= 0");
    }
}
