
namespace Scheme.Engine.Store;

/// <summary>What a run directory was produced by, so results can be traced to the exact experiment and build.</summary>
/// <param name="Hash">Hash of the compiled experiment; resume should refuse a run directory whose hash differs.</param>
/// <param name="Arguments">The runner's command line, which never holds a key (keys come from the environment).</param>
public sealed record RunManifest(
    string Experiment,
    string Hash,
    string CompilerVersion,
    string? GitCommit,
    IReadOnlyList<string> Arguments,
    DateTimeOffset StartedAt,
    DateTimeOffset? EndedAt = null,
    string? PreregistrationHash = null);
