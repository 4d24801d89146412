using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace Scheme.Engine.Design;

/// <summary>
/// One shard of a run split over <see cref="Count"/> processes (<c>run --shard I/N</c>, I zero-based so that it is Slurm's
/// <c>SLURM_ARRAY_TASK_ID</c> of <c>--array=0-(N-1)</c> and Kubernetes' <c>JOB_COMPLETION_INDEX</c> as they are).
/// </summary>
/// <remarks>
/// A unit belongs to the shard its id hashes to, never to its position in the plan: the id derives from the unit's
/// coordinates only, so adding epochs, checkpoints or variants adds units to every shard and moves none of the existing
/// ones, and every process computes the same split alone, without talking to the others. SHA-256 spreads ids evenly, so
/// shards are balanced to within sampling noise (a binomial spread: about 1% of a shard's size at 10,000 units each).
/// </remarks>
public sealed partial record ShardSpec(int Index, int Count)
{
    /// <summary>What the runner accepts: more shards than this is a typo, not a cluster.</summary>
    public const int MaxCount = 100_000;

    /// <summary>The shard's own run directory inside the whole run's folder.</summary>
    public string DirectoryName => string.Create(CultureInfo.InvariantCulture, $"shard-{Index}-of-{Count}");

    /// <summary>Whether the unit of this id runs in this shard.</summary>
    public bool Contains(string unitId) => Of(unitId, Count) == Index;

    /// <summary>The index of the shard (of <paramref name="count"/>) that runs the unit of this id.</summary>
    public static int Of(string unitId, int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(unitId), hash);
        return (int)(BinaryPrimitives.ReadUInt64BigEndian(hash) % (ulong)count);
    }

    /// <summary>"I/N" with 0 &lt;= I &lt; N and 1 &lt;= N &lt;= <see cref="MaxCount"/>; null and the reason otherwise.</summary>
    public static ShardSpec? TryParse(string text, out string? problem)
    {
        var match = SpecPattern().Match(text);
        if (!match.Success || !int.TryParse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var index)
            || !int.TryParse(match.Groups[2].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var count))
        {
            problem = $"--shard takes I/N (shard I of N, I counted from 0), e.g. 0/8, not '{text}'.";
            return null;
        }
        problem = count is < 1 or > MaxCount ? $"--shard {text}: N must be between 1 and {MaxCount}."
            : index >= count ? $"--shard {text}: I counts from 0, so it must be below N (the last shard of {count} is {count - 1}/{count})."
            : null;
        return problem is null ? new ShardSpec(index, count) : null;
    }

    /// <summary>Parses "I/N"; <see cref="FormatException"/> with the reason otherwise.</summary>
    public static ShardSpec Parse(string text) => TryParse(text, out var problem) ?? throw new FormatException(problem);

    /// <summary>The shard whose run directory has this name ("shard-I-of-N"), or null.</summary>
    public static ShardSpec? FromDirectoryName(string name)
    {
        var match = DirectoryPattern().Match(name);
        return match.Success && TryParse($"{match.Groups[1].Value}/{match.Groups[2].Value}", out _) is { } spec ? spec : null;
    }

    /// <summary>The run directories of the other shards of the run in <paramref name="outRoot"/>, existing or not.</summary>
    public static IReadOnlyList<string> SiblingDirectories(string outRoot, ShardSpec self) =>
        Enumerable.Range(0, self.Count).Where(i => i != self.Index).Select(i => Path.Combine(outRoot, new ShardSpec(i, self.Count).DirectoryName)).ToList();

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Index}/{Count}");

    [GeneratedRegex(@"^\s*([0-9]{1,9})\s*/\s*([0-9]{1,9})\s*$", RegexOptions.CultureInvariant)]
    private static partial Regex SpecPattern();

    [GeneratedRegex(@"^shard-([0-9]{1,9})-of-([0-9]{1,9})$", RegexOptions.CultureInvariant)]
    private static partial Regex DirectoryPattern();
}
