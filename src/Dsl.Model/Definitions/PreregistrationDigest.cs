namespace Scheme.Model;

/// <summary>
/// Fingerprints of what a preregistration locks, computed by the compiler from a canonical rendering of the
/// declarations (so whitespace and comments do not count): each declaration, and each metric's simulated values.
/// </summary>
/// <param name="Parts">One entry per declaration, e.g. "hypothesis H1", "metric covert_rate", and per metric's
/// simulated values, "simulate covert_rate".</param>
public sealed record PreregistrationDigest(IReadOnlyList<PreregisteredPart> Parts)
{
    /// <summary>
    /// SHA-256 over every part's name and hash, sorted by name: the same parts give the same hash in whatever order a
    /// compiler lists them, as the per-part comparison of a verification already does.
    /// </summary>
    public string Overall => Hashing.Sha256Hex(string.Join("\n", Parts.OrderBy(p => p.Name, StringComparer.Ordinal).Select(p => $"{p.Name} {p.Hash}")));
}

/// <param name="Canonical">The canonical text, kept for the parts a deviation report should quote; else null.</param>
public sealed record PreregisteredPart(string Name, string Hash, string? Canonical = null);

internal static class Hashing
{
    public static string Sha256Hex(string text) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)));
}
