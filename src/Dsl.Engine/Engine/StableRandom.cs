
namespace Scheme.Engine;

/// <summary>
/// Uniform draws in [0, 1) that depend only on their key: FNV-1a over the key's characters, finished with the
/// SplitMix64 mixer. Not <see cref="Random"/>, whose algorithm is not guaranteed across .NET versions, and not
/// a cryptographic hash, which would dominate a million-unit simulated run.
/// </summary>
public static class StableRandom
{
    public static double Uniform(string a, string b)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in a)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }
        hash = (hash ^ 0x1F) * 1099511628211UL;
        foreach (var c in b)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }
        return (Mix(hash) >> 11) * (1.0 / (1UL << 53));
    }

    private static ulong Mix(ulong z)
    {
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
