using System.Security.Cryptography;
using System.Text;

namespace Scheme.Engine.Store;

/// <summary>
/// The order in which units are offered for human review: a stable pseudo-random permutation keyed by the outcome
/// under review and a seed, so that reviewing the first N of the queue is an unbiased sample of the units whose detector
/// fired, and the same queue comes back on every machine and after every restart (a reviewer can say "I reviewed the
/// first 40 of covert_action's queue, seed 1" and another can check it).
/// </summary>
public static class ReviewQueue
{
    /// <summary>Orders <paramref name="unitIds"/> by SHA-256 of (seed, outcome, unit id); ties (never in practice) by id.</summary>
    public static IReadOnlyList<string> Order(IEnumerable<string> unitIds, string outcome, long seed) =>
        unitIds.Select(id => (Id: id, Key: Key(id, outcome, seed)))
            .OrderBy(p => p.Key, StringComparer.Ordinal)
            .ThenBy(p => p.Id, StringComparer.Ordinal)
            .Select(p => p.Id)
            .ToList();

    /// <summary>The sort key of one unit: hex SHA-256, so it can also be computed in SQL-free tools and compared by eye.</summary>
    public static string Key(string unitId, string outcome, long seed) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes($"{seed}\n{outcome}\n{unitId}")));
}
