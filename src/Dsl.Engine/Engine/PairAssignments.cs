using System.Collections.Concurrent;
using Scheme.Model;

namespace Scheme.Engine;

/// <summary>
/// The assignments of a pair metric's outcomes (its first condition's, then its second's) under which its rule holds, or
/// does not: what the simulated provider picks from so that a drawn pair has the value it drew. Enumerated once per rule;
/// a rule over more than 16 outcomes is not enumerated (none is returned, and the outcomes are left to other draws).
/// </summary>
internal static class PairAssignments
{
    private const int MaxOutcomes = 16;

    private static readonly ConcurrentDictionary<(PairDefinition Pair, bool Holds), IReadOnlyList<(HashSet<string> First, HashSet<string> Second)>> Cache =
        new();

    public static IReadOnlyList<(HashSet<string> First, HashSet<string> Second)> For(PairDefinition pair, bool holds) =>
        Cache.GetOrAdd((pair, holds), key => Enumerate(key.Pair, key.Holds));

    private static List<(HashSet<string> First, HashSet<string> Second)> Enumerate(PairDefinition pair, bool holds)
    {
        var first = pair.FirstOutcomes;
        var second = pair.SecondOutcomes;
        var result = new List<(HashSet<string>, HashSet<string>)>();
        var count = first.Count + second.Count;
        if (count > MaxOutcomes)
        {
            return result;
        }
        for (var bits = 0; bits < 1 << count; bits++)
        {
            var a = first.Where((_, i) => (bits & (1 << i)) != 0).ToHashSet(StringComparer.Ordinal);
            var b = second.Where((_, i) => (bits & (1 << (first.Count + i))) != 0).ToHashSet(StringComparer.Ordinal);
            bool value;
            try
            {
                value = pair.Holds(a.Contains, b.Contains);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // A rule built by hand that throws is no assignment; the compiler's never does.
                continue;
            }
            if (value == holds)
            {
                result.Add((a, b));
            }
        }
        return result;
    }
}
