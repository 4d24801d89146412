using Scheme.Runtime.Store;

namespace Scheme.Runtime.Analysis;

/// <summary>
/// One unit's result as analyses read it: the JSONL export schema (<c>unit_id, run, checkpoint, environment,
/// variant, condition, epoch, seed, status, outcomes, metrics, tokens_in, tokens_out, cost_usd, latency_ms,
/// error</c>), whatever produced it.
/// </summary>
/// <param name="Metrics">Per-unit metric values: 1/0 for rate metrics, the value for mean metrics; null means the
/// metric does not apply to this unit. A metric absent from the map is missing when <see cref="Missing"/> names it or an
/// outcome it requires is indeterminate, else looked up through its outcome (see <see cref="MetricValueSource"/>).</param>
/// <param name="FinishedAt">When the unit finished, if the source records it (run.db does, the export may not).</param>
public sealed record UnitResult(
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
    /// <summary>
    /// Metrics that apply to the unit but have no value (not finite, or depending on an indeterminate outcome), with
    /// the reason: export field <c>missing</c>, run.db column <c>missing</c> (schema 4). Empty for older data.
    /// </summary>
    public IReadOnlyDictionary<string, string> Missing { get; init; } = NoReasons;

    /// <summary>
    /// Outcomes that could not be decided (e.g. the detector's regular expression timed out), with the reason; such an
    /// outcome is absent from <see cref="Outcomes"/>. Export field and run.db column <c>indeterminate</c>.
    /// </summary>
    public IReadOnlyDictionary<string, string> Indeterminate { get; init; } = NoReasons;

    private static readonly IReadOnlyDictionary<string, string> NoReasons = new Dictionary<string, string>();

    /// <summary>Where the unit was read: its line in a JSONL export or its row in run.db (by unit id), 1-based; 0 if not read from a file.</summary>
    public long Line { get; init; }

    /// <summary>When the unit started, as best the record tells: finish time less latency.</summary>
    public DateTimeOffset? StartedAt => FinishedAt?.AddMilliseconds(-LatencyMs);
}

/// <summary>A line or row that could not be read: where it is and what is wrong with it.</summary>
public sealed record ResultReadError(string Source, long Line, string Message)
{
    public override string ToString() => $"{Source}({Line}): {Message}";
}
