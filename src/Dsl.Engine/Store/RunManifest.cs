
namespace Scheme.Engine.Store;

/// <summary>What a run directory was produced by, so results can be traced to the exact experiment and build.</summary>
/// <param name="Hash">Hash of the compiled experiment; resume should refuse a run directory whose hash differs.</param>
/// <param name="Arguments">The runner's command line, which never holds a key (keys come from the environment).</param>
/// <param name="PreregistrationHash">The overall hash of the preregistration lock in force when the run started,
/// <see cref="NoLock"/> when there was none, null in manifests written before runs recorded it.</param>
/// <param name="PreregistrationLockPath">Where the runner looked for that lock (absolute), null in older manifests.</param>
/// <param name="Simulated">Every unit of the run is simulated (<c>--offline</c>, or only simulated checkpoints); null in
/// older manifests, whose <see cref="Arguments"/> tell (<see cref="IsSimulated"/>).</param>
/// <param name="Shard">Which shard of the run this directory holds (<c>run --shard I/N</c>); null for a whole run (or a merged one).</param>
public sealed record RunManifest(
    string Experiment,
    string Hash,
    string CompilerVersion,
    string? GitCommit,
    IReadOnlyList<string> Arguments,
    DateTimeOffset StartedAt,
    DateTimeOffset? EndedAt = null,
    string? PreregistrationHash = null,
    string? PreregistrationLockPath = null,
    bool? Simulated = null,
    Scheme.Engine.Design.ShardSpec? Shard = null)
{
    /// <summary>What <see cref="PreregistrationHash"/> holds when the run started without a lock: said explicitly,
    /// so "no lock" is told apart from a manifest that predates the record.</summary>
    public const string NoLock = "no lock";

    /// <summary>Whether the run was simulated: the recorded flag, else (older manifests) whether it was started with
    /// <c>--offline</c>. A run of simulated checkpoints without <c>--offline</c> is told by its rows' marks, not here.</summary>
    public bool IsSimulated => Simulated ?? OfflineArguments(Arguments);

    /// <summary>Whether a stored command line started an offline run (the flag's only spelling; it takes no value).</summary>
    public static bool OfflineArguments(IEnumerable<string> arguments) => arguments.Contains("--offline");
}
