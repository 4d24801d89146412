using Scheme.Contracts;
using Scheme.Engine.Store;
using Scheme.Model;

namespace Scheme.Analysis;

/// <summary>
/// Whether the analyzed units were simulated (drawn from the simulate block) or produced by models, watched as the
/// units stream past. Simulated data are labeled everywhere and are never confirmatory; simulated and live units in
/// one analysis are refused, since pooling them would make the drawn values look like evidence.
/// </summary>
/// <remarks>
/// Each done unit's kind is its row's mark. A row without one (an export or run.db row from before the mark existed,
/// whose run did not record that it was offline) is read as live only where that is provably right: the simulated
/// provider never reports tokens, so a unit that used tokens came from a model. An unmarked unit of a checkpoint
/// declared <c>provider: simulated</c>, or one that used no tokens, may have been simulated and is read as simulated
/// (the safe side: it can cost a confirmatory standing, never grant one). Failed units hold no values and are not counted.
/// A unit marked live that used no tokens contradicts its mark (the simulated
/// provider reports none; a model call does): an export edited to read "simulated": false looks like that. It counts as
/// live for the mixing rule, but its provenance cannot be shown, so <see cref="UnverifiedMessage"/> keeps every hypothesis
/// exploratory. Exports are not tamper-evident beyond that: confirmatory evidence is the run directory.
/// </remarks>
public sealed class DataProvenance(ExperimentDefinition experiment)
{
    private readonly HashSet<string> _simulatedCheckpoints =
        experiment.Checkpoints.Where(c => c.Provider == ProviderKinds.Simulated).Select(c => c.Name).ToHashSet(StringComparer.Ordinal);

    public long SimulatedUnits { get; private set; }

    public long LiveUnits { get; private set; }

    /// <summary>The first simulated unit seen, with why it counts as simulated.</summary>
    public string? FirstSimulated { get; private set; }

    /// <summary>The first live unit seen, with why it counts as live.</summary>
    public string? FirstLive { get; private set; }

    /// <summary>Units marked live that show no model call (no tokens).</summary>
    public long UnverifiedLiveUnits { get; private set; }

    private string? _firstUnverified;

    /// <summary>Why no hypothesis can be confirmatory on units whose live mark nothing corroborates; null when every one is.</summary>
    public string? UnverifiedMessage => UnverifiedLiveUnits == 0 ? null
        : $"{UnverifiedLiveUnits} unit(s) are marked live but used no tokens, which only simulated units do ({_firstUnverified}): " +
          "their provenance cannot be shown (an edited export reads like this), so no hypothesis is confirmatory. Analyze the run directory.";

    /// <summary>Every done unit simulated (and at least one).</summary>
    public bool Simulated => SimulatedUnits > 0 && LiveUnits == 0;

    public bool Mixed => SimulatedUnits > 0 && LiveUnits > 0;

    /// <summary>Passes the units through, noting each done unit's kind.</summary>
    public IEnumerable<UnitRecord> Watch(IEnumerable<UnitRecord> units)
    {
        foreach (var unit in units)
        {
            if (unit.Status == UnitStatus.Done)
            {
                Note(unit);
            }
            yield return unit;
        }
    }

    /// <summary>The refusal of mixed data, naming one unit of each kind; null when the data are of one kind.</summary>
    public string? MixedMessage(string source) => Mixed
        ? $"{source} mixes simulated and live units ({SimulatedUnits} simulated, {LiveUnits} live), which one analysis must not pool: " +
          $"{FirstSimulated}; {FirstLive}. Analyze each run separately (simulated data are for checking the pipeline and power, never evidence)."
        : null;

    private void Note(UnitRecord unit)
    {
        // Text only for the first of each kind: a million-unit analysis must not build a string per unit.
        var (simulated, why) = Kind(unit);
        if (simulated)
        {
            SimulatedUnits++;
            FirstSimulated ??= $"{Where(unit)} is simulated ({why})";
        }
        else
        {
            LiveUnits++;
            FirstLive ??= $"{Where(unit)} is live ({why})";
            if (unit.Simulated == false && unit.TokensIn + unit.TokensOut == 0)
            {
                UnverifiedLiveUnits++;
                _firstUnverified ??= Where(unit);
            }
        }
    }

    private static string Where(UnitRecord unit) => unit.Line > 0 ? $"unit {unit.UnitId} (line {unit.Line})" : $"unit {unit.UnitId}";

    private (bool Simulated, string Why) Kind(UnitRecord unit) => unit.Simulated switch
    {
        true => (true, "marked simulated"),
        false => (false, "marked live"),
        null when _simulatedCheckpoints.Contains(unit.Checkpoint) => (true, "no mark, and its checkpoint is declared provider: simulated"),
        null when unit.TokensIn + unit.TokensOut == 0 => (true, "no mark and no tokens used, so it may have been simulated"),
        null => (false, "no mark, but it used tokens, which only a model does"),
    };
}
