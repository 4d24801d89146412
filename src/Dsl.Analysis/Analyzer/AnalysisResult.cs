using System.Text.Json.Serialization;
using Scheme.Engine.Store;
using Scheme.Model;

namespace Scheme.Analysis;

/// <summary>Everything <c>analyze</c> found; serialized as analysis.json and rendered by the reports.</summary>
public sealed record AnalysisResult(
    string Experiment,
    string? Title,
    DataSummary Data,
    IReadOnlyList<MetricRow> Metrics,
    IReadOnlyList<HypothesisResult> Hypotheses,
    IReadOnlyList<BeforeAfterView> BeforeAfter,
    PreregistrationSummary Preregistration,
    IReadOnlyList<string> Notes)
{
    /// <summary>The data are simulated (every done unit drawn from the simulate block): every output says so, and no
    /// hypothesis is confirmatory (<see cref="DataStanding"/>).</summary>
    public bool Simulated { get; init; }

    /// <summary>"SIMULATED" on simulated data, else null: what titles, tables and plots carry.</summary>
    public string? Label => Simulated ? DataStanding.SimulatedLabel : null;

    /// <summary>The label of each of analysis.json's tables (metrics, hypotheses, before_after) on simulated data.</summary>
    public IReadOnlyDictionary<string, string> TableLabels => DataStanding.TableLabels(Simulated);

    /// <summary>Agreement per labelled outcome: the detector against the reviewers, and reviewers pairwise; null when no
    /// labels were read (then absent from analysis.json), empty when the run has none on analyzed units.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<Review.OutcomeAgreement>? Agreement { get; init; }
}

/// <param name="MetricSources">How each metric's per-unit value was obtained ("metrics field", "outcome covert_action", "unavailable").</param>
/// <param name="FirstErrors">The first malformed lines (at most 20); <see cref="Malformed"/> counts all.</param>
/// <param name="Units">Units analyzed (after any dropped ones were left out).</param>
/// <param name="Dropped">Units left out with <c>--drop-invalid</c> because they do not fit the design; <see cref="DroppedByReason"/>
/// counts them per reason and <see cref="FirstDropped"/> lists the first 20 with their line.</param>
public sealed record DataSummary(
    string Source,
    long Units,
    long Done,
    long Failed,
    long Malformed,
    IReadOnlyList<UnitReadError> FirstErrors,
    DateTimeOffset? FirstUnitStartedAt,
    IReadOnlyDictionary<string, string> MetricSources,
    long Dropped,
    IReadOnlyDictionary<string, long> DroppedByReason,
    IReadOnlyList<InvalidUnit> FirstDropped);

/// <summary>
/// One metric in one cell. Null factors mean pooled (rows pooled over a factor are added where a hypothesis
/// compares pooled cells). Rates: estimate k/n, 95% Beta(k+1, n-k+1) posterior interval (what the anti-scheming
/// paper reports) and the Wilson interval. Means: estimate, SD and a 95% t interval. analysis.json names each interval
/// by its method (<c>beta_lower</c>, <c>wilson_upper</c>, <c>t_lower</c>); <see cref="Lower"/>/<see cref="Upper"/> hold
/// the Beta (rates) or t (means) bounds for the reports. N counts the units with a value;
/// <see cref="Missing"/> the done units the metric applies to that have none (never counted as 0), of which
/// <see cref="Indeterminate"/> because an outcome the metric requires is indeterminate. With N = 0 only counts are given.
/// </summary>
public sealed record MetricRow(
    string Metric,
    MetricAggregation Aggregation,
    string? Checkpoint,
    string? Environment,
    string? Condition,
    long N,
    long Missing,
    long Indeterminate,
    long Failed,
    double? Successes,
    double? Estimate,
    [property: JsonIgnore] double? Lower,
    [property: JsonIgnore] double? Upper,
    double? WilsonLower,
    double? WilsonUpper,
    double? StandardDeviation,
    IReadOnlyList<CellParam>? Params = null)
{
    private bool IsRate => Aggregation == MetricAggregation.Rate;

    /// <summary>The 95% Beta(k+1, n-k+1) posterior interval of a rate.</summary>
    public double? BetaLower => IsRate ? Lower : null;
    public double? BetaUpper => IsRate ? Upper : null;

    /// <summary>The 95% t interval of a mean.</summary>
    public double? TLower => IsRate ? null : Lower;
    public double? TUpper => IsRate ? null : Upper;

    public string CellLabel => AnalysisText.Cell(new Cell(Checkpoint, Environment, Condition, Params));

    /// <summary>A row of one checkpoint, environment and condition, pooled over variants (not a variant's row, not a pooled cell).</summary>
    public bool IsFullCell => Checkpoint is not null && Environment is not null && Condition is not null && (Params is null || Params.Count == 0);

    /// <summary>
    /// For a reviewed metric (<c>rate(reviewed(outcome))</c>): the eligible units (the detector fired) without a reviewers'
    /// decision, which are not counted. <see cref="N"/> is then the reviewed units, and <see cref="Eligible"/> all of them,
    /// so a reader sees the coverage. Null (and absent from analysis.json) for every other metric.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? Unreviewed { get; init; }

    /// <summary>A reviewed metric's eligible units: reviewed, unreviewed and missing; null for other metrics.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? Eligible => Unreviewed is { } unreviewed ? N + Missing + unreviewed : null;
}

public enum Decision
{
    /// <summary>The corrected p-value is at most alpha: the null is rejected in the declared direction.</summary>
    Supported,
    NotSupported,
    /// <summary>No test could be run (a cell has no data, or no complete pairs); see the note.</summary>
    NotEvaluated,
}

/// <summary>
/// A hypothesis evaluated with its declared test. Estimate is of its <see cref="Estimand"/>: left - right (or left -
/// constant), left / right (risk_ratio), the odds ratio, or the difference of the rates averaged over environments.
/// The interval matches the test: level <see cref="IntervalLevel"/> = 1 - alpha, two-sided for != and a one-sided bound
/// (<see cref="IntervalSides"/> "upper_bound" for &lt;, "lower_bound" for &gt;; the other end is the parameter's own limit,
/// null where it has none) by <see cref="IntervalMethod"/>; <see cref="IntervalInvertsTest"/> says it is the test's own
/// inversion, so that it excludes the null value exactly when p &lt;= alpha. CorrectedPValue applies the
/// hypothesis's correction over the p-values of its family. LeftN/RightN count the units the test used;
/// LeftExcluded/RightExcluded the units it left out because the metric is missing (in a paired test, a pair goes
/// when either side is missing, so the partner counts as excluded too); a note gives the details.
/// </summary>
public sealed record HypothesisResult(
    string Name,
    string? Title,
    string Metric,
    string Comparison,
    string Test,
    Direction Direction,
    bool Paired,
    double Alpha,
    string Family,
    string Correction,
    long LeftN,
    double? LeftEstimate,
    long RightN,
    double? RightEstimate,
    long LeftExcluded,
    long RightExcluded,
    double? Estimate,
    double? Lower,
    double? Upper,
    string? IntervalMethod,
    double? PValue,
    double? CorrectedPValue,
    Decision Decision,
    bool Confirmatory,
    IReadOnlyList<string> Deviations,
    IReadOnlyList<string> Notes,
    string Estimand = Scheme.Contracts.Estimands.Difference,
    double? IntervalLevel = null,
    string? IntervalSides = null,
    bool IntervalInvertsTest = false);

/// <summary>A metric in one cell as shown in the before-and-after view: k/n with its 95% Beta(k+1, n-k+1) interval.</summary>
public sealed record RateCell(long N, long Successes, double Estimate, [property: JsonPropertyName("beta_lower")] double Lower,
    [property: JsonPropertyName("beta_upper")] double Upper);

public sealed record BeforeAfterRow(string Environment, RateCell? Before, RateCell? After);

/// <summary>
/// The unweighted average rate over environments, as the cells above it: <see cref="Estimate"/> is the mean of their
/// k/n, with the 95% equal-tailed posterior interval of the average of their Beta(k+1, n-k+1) posteriors (Monte Carlo)
/// and its posterior mean, mean of (k+1)/(n+2).
/// </summary>
public sealed record AverageRate(double Estimate, [property: JsonPropertyName("posterior_lower")] double Lower,
    [property: JsonPropertyName("posterior_upper")] double Upper, int Environments, double PosteriorMean);

/// <summary>
/// Checkpoint <see cref="Before"/> against <see cref="After"/> per environment for one rate metric under one
/// condition, with the average over environments (Schoen et al. 2025, Figure 9). Intervals are Beta posterior.
/// </summary>
public sealed record BeforeAfterView(
    string Metric,
    string Condition,
    string Before,
    string After,
    IReadOnlyList<BeforeAfterRow> Rows,
    AverageRate? AverageBefore,
    AverageRate? AverageAfter);

/// <param name="Verified">The whole digest matches the lock.</param>
public sealed record PreregistrationSummary(
    string? LockPath,
    string? LockHash,
    DateTimeOffset? LockedAt,
    string? CurrentHash,
    bool Verified,
    IReadOnlyList<string> Differences)
{
    /// <summary>The lock hash the run recorded when it started ("no lock" if none); null when the data do not say (a JSONL export, an older run).</summary>
    public string? RunLockHash { get; init; }

    /// <summary>How <see cref="RunLockHash"/> differs from the lock used, or null when they agree (or the data record none).</summary>
    public string? RunLockMismatch { get; init; }
}
