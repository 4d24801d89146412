using Scheme.Runtime.Design;
using Scheme.Runtime.Episodes;

namespace Scheme.Runtime.Store;

/// <summary>One row of the units table: a work unit's coordinates and what came of it.</summary>
/// <param name="TranscriptJson">See <see cref="EpisodeJson"/>; null for a failed unit.</param>
/// <param name="CostUsd">Null when the price of the model is not known.</param>
/// <param name="Metrics">Per-unit values of the metrics that count this unit; empty for a failed unit.</param>
/// <param name="Missing">Metrics that count this unit but have no value, with why (see <see cref="EpisodeResult.Missing"/>).</param>
/// <param name="Indeterminate">Outcomes that could not be decided, with why (see <see cref="EpisodeResult.Indeterminate"/>).</param>
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
    string? TranscriptJson,
    int TokensIn,
    int TokensOut,
    double? CostUsd,
    long LatencyMs,
    string? Error,
    DateTimeOffset FinishedAt,
    IReadOnlyDictionary<string, double>? Metrics = null,
    IReadOnlyDictionary<string, string>? Missing = null,
    IReadOnlyDictionary<string, string>? Indeterminate = null)
{
    public static UnitRecord Done(EpisodeResult result, DateTimeOffset finishedAt, double? costUsd = null)
    {
        var unit = result.Unit;
        return new UnitRecord(unit.Id, unit.Run, unit.Checkpoint, unit.Environment, unit.Variant, unit.Condition, unit.Epoch, unit.Seed,
            UnitStatus.Done, result.Outcomes, EpisodeJson.Serialize(result), result.TotalUsage.Input, result.TotalUsage.Output, costUsd,
            (long)result.Latency.TotalMilliseconds, null, finishedAt, result.Metrics, result.Missing, result.Indeterminate);
    }

    /// <param name="error">What went wrong, already free of secrets (provider messages never carry the key).</param>
    public static UnitRecord Failed(WorkUnit unit, string error, DateTimeOffset finishedAt, long latencyMs = 0) =>
        new(unit.Id, unit.Run, unit.Checkpoint, unit.Environment, unit.Variant, unit.Condition, unit.Epoch, unit.Seed,
            UnitStatus.Failed, new Dictionary<string, bool>(), null, 0, 0, null, latencyMs, error, finishedAt);
}
