using System.Collections.Concurrent;
using Scheme.Model;

namespace Scheme.Engine;

/// <summary>
/// The assignments of a pair metric's outcomes (its first condition's, then its second's) under which its rule holds, or
/// does not: what the simulated provider picks from so that a drawn pair has the value it drew. Each assignment is a bit
/// mask (bit i: the i-th of the first condition's outcomes, then the second's), enumerated once per rule; a rule over more
/// than 16 outcomes is not enumerated (none is returned, and the outcomes are left to other draws).
/// </summary>
internal static class PairAssignments
{
    private const int MaxOutcomes = 16;

    private static readonly ConcurrentDictionary<(PairDefinition Pair, bool Holds), int[]> Cache = new();

    /// <summary>One assignment where the rule has the value <paramref name="holds"/>, chosen by <paramref name="uniform"/> in [0, 1);
    /// null when there is none.</summary>
    public static (Func<string, bool> First, Func<string, bool> Second)? Pick(PairDefinition pair, bool holds, double uniform)
    {
        var masks = Cache.GetOrAdd((pair, holds), key => Enumerate(key.Pair, key.Holds));
        if (masks.Length == 0)
        {
            return null;
        }
        var mask = masks[Math.Min(masks.Length - 1, (int)(uniform * masks.Length))];
        return (Reader(pair.FirstOutcomes, mask, 0), Reader(pair.SecondOutcomes, mask, pair.FirstOutcomes.Count));
    }

    private static Func<string, bool> Reader(IReadOnlyList<string> names, int mask, int offset) => name =>
    {
        for (var i = 0; i < names.Count; i++)
        {
            if (names[i] == name)
            {
                return (mask & (1 << (offset + i))) != 0;
            }
        }
        return false;
    };

    private static int[] Enumerate(PairDefinition pair, bool holds)
    {
        var count = pair.FirstOutcomes.Count + pair.SecondOutcomes.Count;
        if (count > MaxOutcomes)
        {
            return [];
        }
        var result = new List<int>();
        for (var mask = 0; mask < 1 << count; mask++)
        {
            try
            {
                if (pair.Holds(Reader(pair.FirstOutcomes, mask, 0), Reader(pair.SecondOutcomes, mask, pair.FirstOutcomes.Count)) == holds)
                {
                    result.Add(mask);
                }
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // A rule built by hand that throws is no assignment; the compiler's never does.
            }
        }
        return [.. result];
    }
}
