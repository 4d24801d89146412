using System.Collections.Concurrent;
using System.Runtime.Versioning;

namespace Scheme.Engine.Sandbox;

/// <summary>
/// The user each episode's sandbox runs as. After every command the session kills every process of its user, and the
/// process limit counts by user, so two live episodes must never share one: a user is taken only when no live session
/// of this runner holds it and no process on the machine (another runner's episode) runs as it, and released when the
/// session ends.
/// </summary>
[SupportedOSPlatform("linux")]
internal static class SandboxUsers
{
    /// <summary>Far above any account a system creates; First + Count stays below the 2^32 - 1 that means "no user".</summary>
    private const uint First = 1_000_000;

    private const long Count = 1_000_000_000;

    private static readonly ConcurrentDictionary<uint, byte> Live = new();

    public static uint Take()
    {
        while (true)
        {
            var user = First + (uint)Random.Shared.NextInt64(Count);
            if (!Live.TryAdd(user, 0))
            {
                continue;
            }
            if (Native.ProcessesOf(user).Count == 0)
            {
                return user;
            }
            Live.TryRemove(user, out _);
        }
    }

    public static void Release(uint user) => Live.TryRemove(user, out _);
}
