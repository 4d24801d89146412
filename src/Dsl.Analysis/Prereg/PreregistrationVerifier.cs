using System.Globalization;
using Scheme.Model;

namespace Scheme.Analysis.Prereg;

public enum PartChangeKind
{
    /// <summary>The declaration exists in both, with different hashes.</summary>
    Changed,
    /// <summary>Declared now, absent from the lock.</summary>
    Added,
    /// <summary>Locked, no longer declared.</summary>
    Removed,
}

/// <summary>A difference between the lock and the current definition, with both canonical texts where known.</summary>
public sealed record PartChange(string Name, PartChangeKind Kind, string? LockedHash, string? CurrentHash,
    string? LockedCanonical, string? CurrentCanonical)
{
    /// <summary>
    /// What `prereg verify` prints: the part, and for a changed part a unified line diff of its locked and current
    /// canonical text (which holds the loaded files' text too), several lines long; an added or removed part's text.
    /// </summary>
    public string Describe() => Kind switch
    {
        PartChangeKind.Added => $"{Name} was added after the lock" + (CurrentCanonical is null ? "." : ":\n" + Excerpt(CurrentCanonical, '+')),
        PartChangeKind.Removed => $"{Name} was removed after the lock" + (LockedCanonical is null ? "." : "; it was:\n" + Excerpt(LockedCanonical, '-')),
        _ => LockedCanonical is null || CurrentCanonical is null
            ? $"{Name} changed after the lock (hash {Short(LockedHash)} -> {Short(CurrentHash)}); the lock keeps no text to compare."
            : LineDiff.Unified(LockedCanonical, CurrentCanonical) is { Length: > 0 } diff
                ? $"{Name} changed after the lock:\n{diff}"
                : $"{Name} changed after the lock (hash {Short(LockedHash)} -> {Short(CurrentHash)}), though its text reads the same: the lock was written by a toolchain that kept less of the part's text.",
    };

    /// <summary>One line for a list beside an exploratory hypothesis (`analyze`, reports): the part and its first changed lines.</summary>
    public string Summary() => Kind switch
    {
        PartChangeKind.Added => $"{Name} was added after the lock.",
        PartChangeKind.Removed => $"{Name} was removed after the lock.",
        _ when LockedCanonical is not null && CurrentCanonical is not null
               && LineDiff.FirstChanges(LockedCanonical, CurrentCanonical) is { Count: > 0 } first
            => $"{Name} changed after the lock: {string.Join(" ", first.Select(l => $"`{l}`"))}",
        _ => $"{Name} changed after the lock (hash {Short(LockedHash)} -> {Short(CurrentHash)}).",
    };

    private static string Short(string? hash) => hash is null ? "none" : hash[..Math.Min(12, hash.Length)];

    /// <summary>The first lines of a whole text, marked like a diff's.</summary>
    private static string Excerpt(string text, char mark, int maxLines = 20)
    {
        var lines = text.Replace("\r\n", "\n").Split('\n');
        var shown = lines.Take(maxLines).Select(l => mark + (l.Length <= 200 ? l : l[..200] + "..."));
        return string.Join("\n", shown) + (lines.Length > maxLines ? $"\n... and {lines.Length - maxLines} more line(s)" : "");
    }
}

/// <summary>Whether one hypothesis may be reported as confirmatory, and if not, why.</summary>
public sealed record HypothesisStanding(bool Confirmatory, IReadOnlyList<string> Deviations, IReadOnlyList<PartChange> Changes);

/// <summary>
/// Compares a lock with the current compiled definition. A hypothesis is confirmatory only when every part its result
/// depends on (<see cref="HypothesisDefinition.DependsOn"/>, which the compiler resolved) matches the lock, and the lock
/// is older than the run's first unit. Everything else is exploratory, with each reason spelled out. Nothing here
/// works out dependencies: it only compares fingerprints.
/// </summary>
public static class PreregistrationVerifier
{
    public static IReadOnlyList<PartChange> Compare(PreregistrationLock locked, PreregistrationDigest current)
    {
        var now = current.Parts.GroupBy(p => p.Name).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var then = locked.Parts.GroupBy(p => p.Name).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var changes = new List<PartChange>();
        foreach (var part in locked.Parts)
        {
            if (!now.TryGetValue(part.Name, out var currentPart))
            {
                changes.Add(new PartChange(part.Name, PartChangeKind.Removed, part.Hash, null, part.Canonical, null));
            }
            else if (currentPart.Hash != part.Hash)
            {
                changes.Add(new PartChange(part.Name, PartChangeKind.Changed, part.Hash, currentPart.Hash, part.Canonical, currentPart.Canonical));
            }
        }
        changes.AddRange(current.Parts.Where(p => !then.ContainsKey(p.Name))
            .Select(p => new PartChange(p.Name, PartChangeKind.Added, null, p.Hash, null, p.Canonical)));
        return changes;
    }

    /// <param name="firstUnitStartedAt">When the first unit of the analyzed data started; null if unknown.</param>
    public static HypothesisStanding Assess(PreregistrationLock? locked, ExperimentDefinition experiment, HypothesisDefinition hypothesis,
        DateTimeOffset? firstUnitStartedAt)
    {
        if (locked is null)
        {
            return new HypothesisStanding(false, ["No preregistration lock was found; run 'prereg lock' before collecting data."], []);
        }
        var deviations = new List<string>();
        if (locked.Experiment != experiment.Name)
        {
            deviations.Add($"The lock is for experiment {locked.Experiment}, not {experiment.Name}.");
        }
        IReadOnlyList<PartChange> relevant = [];
        if (experiment.Preregistration is null || hypothesis.DependsOn is null)
        {
            deviations.Add("The experiment was compiled without preregistration fingerprints or dependencies, so it cannot be compared with the lock.");
        }
        else
        {
            var dependencies = hypothesis.DependsOn.ToHashSet(StringComparer.Ordinal);
            relevant = Compare(locked, experiment.Preregistration).Where(c => dependencies.Contains(c.Name)).ToList();
            deviations.AddRange(relevant.Select(c => c.Summary()));
        }
        var lockedAt = locked.LockedAt.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        if (firstUnitStartedAt is not { } first)
        {
            deviations.Add($"The time of the first unit is unknown, so the lock ({lockedAt}) cannot be shown to predate the data; analyze a run directory or pass --first-unit-time.");
        }
        else if (locked.LockedAt >= first)
        {
            deviations.Add($"The lock ({lockedAt}) does not predate the first unit ({first.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture)}).");
        }
        return new HypothesisStanding(deviations.Count == 0, deviations, relevant);
    }
}
