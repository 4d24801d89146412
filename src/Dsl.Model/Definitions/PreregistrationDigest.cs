namespace Scheme.Model;

/// <summary>
/// Fingerprints of what a preregistration locks, computed by the compiler from a canonical rendering of the
/// declarations (so whitespace and comments do not count): each hypothesis, metric, run, environment,
/// manipulation and checkpoint, and the simulate block.
/// </summary>
/// <param name="Parts">One entry per declaration, e.g. "hypothesis H1", "metric covert_rate", "simulate".</param>
public sealed record PreregistrationDigest(IReadOnlyList<PreregisteredPart> Parts)
{
    /// <summary>SHA-256 over every part's name and hash, in order.</summary>
    public string Overall => Hashing.Sha256Hex(string.Join("\n", Parts.Select(p => $"{p.Name} {p.Hash}")));
}

/// <param name="Canonical">The canonical text, kept for the parts a deviation report should quote; else null.</param>
public sealed record PreregisteredPart(string Name, string Hash, string? Canonical = null);

internal static class Hashing
{
    public static string Sha256Hex(string text) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)));
}
