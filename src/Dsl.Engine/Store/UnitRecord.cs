using Scheme.Engine.Design;
using Scheme.Engine.Episodes;

namespace Scheme.Engine.Store;

/// <summary>
/// The one row of a unit, whatever holds it: run.db's units table, the JSONL, CSV and Parquet exports, and what the
/// analyses read. Its columns are named once, in <see cref="UnitColumns"/>; each format has one writer and one reader.
/// </summary>
/// <param name="Metrics">Per-unit metric values: 1/0 for rate metrics, the value for mean metrics. The engine writes
/// only finite values of the metrics that count the unit; a null value (older exports) means the metric does not
/// apply. A metric that counts the unit but has no value is in <see cref="Missing"/> instead.</param>
/// <param name="CostUsd">List price of the unit's tokens; null when the model's price is not known.</param>
/// <param name="FinishedAt">When the unit finished; run.db always records it, an export may not.</param>
public sealed record UnitRecord(
    string UnitId,
    string Run,
    string Checkpoint,
    string Environment,
    string Variant,
    string Condition,
    int Epoch,
    long Seed,
    UnitStatus Status,
    IReadOnlyDictionary<string, bool> Outcomes,
    IReadOnlyDictionary<string, double?> Metrics,
    long TokensIn = 0,
    long TokensOut = 0,
    double? CostUsd = null,
    long LatencyMs = 0,
    string? Error = null,
    DateTimeOffset? FinishedAt = null)
{
    private static readonly IReadOnlyDictionary<string, string> NoReasons = new Dictionary<string, string>();

    /// <summary>Metrics that count the unit but have no value (not finite, or read from an indeterminate outcome), with why.</summary>
    public IReadOnlyDictionary<string, string> Missing { get; init; } = NoReasons;

    /// <summary>Outcomes that could not be decided (a detector's regular expression timed out), with why; absent from <see cref="Outcomes"/>.</summary>
    public IReadOnlyDictionary<string, string> Indeterminate { get; init; } = NoReasons;

    /// <summary>
    /// True when the unit's outcomes were simulated (drawn from the simulate block), false when a model produced them,
    /// null when the row carries no mark (an export or a run.db row from before the mark existed, whose run did not
    /// say it was offline): the analysis then decides (<c>Scheme.Analysis.DataProvenance</c>).
    /// </summary>
    public bool? Simulated { get; init; }

    /// <summary>The episode as stored (<see cref="EpisodeJson"/>): in run.db only, and only when it was asked for; none for a
    /// simulated unit, which has no episode.</summary>
    public string? TranscriptJson { get; init; }

    /// <summary>Where the row was read: its line in a JSONL export or its row in run.db (by unit id), 1-based; 0 if not read from a file.</summary>
    public long Line { get; init; }

    /// <summary>When the unit started, as best the record tells: finish time less latency.</summary>
    public DateTimeOffset? StartedAt => FinishedAt?.AddMilliseconds(-LatencyMs);

    public static UnitRecord Done(EpisodeResult result, DateTimeOffset finishedAt, double? costUsd = null)
    {
        var unit = result.Unit;
        var usage = result.TotalUsage;
        return new UnitRecord(unit.Id, unit.Run, unit.Checkpoint, unit.Environment, unit.Variant, unit.Condition, unit.Epoch, unit.Seed,
            UnitStatus.Done, result.Outcomes, (result.Metrics ?? new Dictionary<string, double?>()).ToDictionary(),
            usage.Input, usage.Output, costUsd, (long)result.Latency.TotalMilliseconds, null, finishedAt)
        {
            Missing = result.Missing ?? NoReasons,
            Indeterminate = result.Indeterminate ?? NoReasons,
            Simulated = result.End == EpisodeEnd.Simulated,
            // A simulated unit has no episode: its transcript would only repeat the row (and was most of a million-unit
            // offline run's time and store).
            TranscriptJson = result.End == EpisodeEnd.Simulated ? null : EpisodeJson.Serialize(result),
        };
    }

    /// <param name="error">What went wrong, already free of secrets (provider messages never carry the key).</param>
    /// <param name="simulated">Whether the unit ran on the simulated provider.</param>
    public static UnitRecord Failed(WorkUnit unit, string error, DateTimeOffset finishedAt, long latencyMs = 0, bool? simulated = null) =>
        new(unit.Id, unit.Run, unit.Checkpoint, unit.Environment, unit.Variant, unit.Condition, unit.Epoch, unit.Seed,
            UnitStatus.Failed, new Dictionary<string, bool>(), new Dictionary<string, double?>(), 0, 0, null, latencyMs, error, finishedAt)
        {
            Simulated = simulated,
        };
}

/// <summary>A line or row that could not be read: where it is and what is wrong with it.</summary>
public sealed record UnitReadError(string Source, long Line, string Message)
{
    public override string ToString() => $"{Source}({Line}): {Message}";
}
