using Scheme.Analysis.Prereg;
using Scheme.Engine.Store;

namespace Scheme.Analysis;

/// <summary>
/// What about the data, rather than the definition, keeps every hypothesis from being confirmatory: simulated data
/// (drawn from the simulate block, so a "supported" result only restates the hypothesized truth), and a run that
/// started under another lock than the one the analysis uses (or under none). The definition's own standing is
/// <see cref="PreregistrationVerifier.Assess"/>'s; these reasons are added to it.
/// </summary>
public static class DataStanding
{
    public const string SimulatedLabel = "SIMULATED";

    /// <summary>The deviation every hypothesis on simulated data carries.</summary>
    public const string SimulatedReason =
        "The data are SIMULATED (drawn from the simulate block by run --offline or a simulated checkpoint), not produced by a model: " +
        "a hypothesis on simulated data is never confirmatory.";

    /// <summary>Why the run's recorded lock and the lock used differ, or null when they agree or the data record none.</summary>
    /// <param name="recorded">The lock hash the run's manifest recorded (<see cref="RunManifest.NoLock"/> for none); null when unknown.</param>
    public static string? LockMismatch(string? recorded, PreregistrationLock? used, string? usedPath)
    {
        if (recorded is null)
        {
            return null;
        }
        var at = usedPath is null ? "" : $" at {usedPath}";
        if (used is null)
        {
            return recorded == RunManifest.NoLock ? null
                : $"The run started under preregistration lock {Short(recorded)}, but the analysis found no lock{at}; pass the run's lock with --lock.";
        }
        if (recorded == RunManifest.NoLock)
        {
            return $"The run started without a preregistration lock (its manifest records \"{RunManifest.NoLock}\"); the lock used now ({Short(used.Overall)}{at}) was not in force when the data were collected.";
        }
        return recorded == used.Overall ? null
            : $"The run started under preregistration lock {Short(recorded)}, not the lock used now ({Short(used.Overall)}{at}): the lock in force when the data were collected differs from the one analyzed against.";
    }

    /// <summary>The hypotheses with <paramref name="reasons"/> added to their deviations (and so exploratory), if there are any.</summary>
    public static IReadOnlyList<HypothesisResult> Apply(IReadOnlyList<HypothesisResult> hypotheses, IReadOnlyList<string> reasons) =>
        reasons.Count == 0 ? hypotheses
            : hypotheses.Select(h => h with { Confirmatory = false, Deviations = [.. h.Deviations, .. reasons.Where(r => !h.Deviations.Contains(r))] }).ToList();

    /// <summary>The labels of analysis.json's tables on simulated data (empty on live data).</summary>
    public static IReadOnlyDictionary<string, string> TableLabels(bool simulated) => simulated
        ? new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["metrics"] = SimulatedLabel,
            ["hypotheses"] = SimulatedLabel,
            ["before_after"] = SimulatedLabel,
        }
        : new Dictionary<string, string>(StringComparer.Ordinal);

    private static string Short(string hash) => hash.Length > 12 ? hash[..12] : hash;
}
