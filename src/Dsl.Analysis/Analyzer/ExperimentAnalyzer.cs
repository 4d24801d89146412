using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using MathNet.Numerics.Distributions;
using Scheme.Analysis.Prereg;
using Scheme.Analysis.Review;
using Scheme.Analysis.Statistics;
using Scheme.Contracts;
using Scheme.Engine.Store;
using Scheme.Model;

namespace Scheme.Analysis;

/// <param name="Source">What was analyzed (a file or run directory), for the report.</param>
/// <param name="ReadErrors">The list the reader adds malformed lines to; read after the units are consumed.</param>
/// <param name="Lock">The preregistration lock, if any; without one every hypothesis is exploratory.</param>
/// <param name="FirstUnitStartedAt">When the data's first unit started; overrides what the units record.</param>
/// <param name="PosteriorDraws">Monte Carlo draws for the average-rate posterior (1e5 gives bounds to about 1e-3).</param>
/// <param name="Dropped">Units left out because they do not fit the design (<c>--drop-invalid</c>); read after the units are consumed.</param>
/// <param name="RunLockHash">The lock hash the run's manifest recorded when it started (<c>RunManifest.NoLock</c> for none);
/// null when the data do not record it. A lock used that differs from it makes every hypothesis exploratory.</param>
/// <param name="Labels">The run's human review labels (<see cref="ReviewLabels.Read"/>), all of them: reviewed metrics and the
/// agreement tables use each reviewer's latest per unit and outcome. Null: none were read (no reviewed values, no agreement).</param>
public sealed record AnalysisOptions(
    string Source = "",
    IReadOnlyCollection<UnitReadError>? ReadErrors = null,
    PreregistrationLock? Lock = null,
    string? LockPath = null,
    DateTimeOffset? FirstUnitStartedAt = null,
    EvaluationSettings? Evaluation = null,
    int PosteriorDraws = 100_000,
    IReadOnlyCollection<InvalidUnit>? Dropped = null,
    string? RunLockHash = null,
    IReadOnlyList<ReviewLabel>? Labels = null);

/// <summary>
/// <c>analyze</c>: one streaming pass over unit results, then the metric table, every hypothesis with its declared
/// test, corrections within families, the confirmatory/exploratory verdict from the preregistration lock, and the
/// before-and-after view per environment. Every Monte Carlo step is seeded from the experiment's seed and the
/// name of what it computes, so the same data give the same analysis.
/// </summary>
public static class ExperimentAnalyzer
{
    public static AnalysisResult Analyze(ExperimentDefinition experiment, IEnumerable<UnitRecord> units, AnalysisOptions? options = null)
    {
        options ??= new AnalysisOptions();
        var reviews = new ReviewDecisions(options.Labels ?? []);
        var sources = experiment.Metrics.Select(m => MetricValueSource.For(m, reviews)).ToList();
        var accumulator = new ResultAccumulator(experiment, sources);
        var agreement = new AgreementCollector(reviews);
        var provenance = new DataProvenance(experiment);
        foreach (var unit in provenance.Watch(units))
        {
            accumulator.Add(unit);
            agreement.Add(unit);
        }
        if (provenance.MixedMessage(options.Source.Length > 0 ? options.Source : "The data") is { } mixed)
        {
            throw new InvalidDataException(mixed);
        }
        var errors = options.ReadErrors ?? [];
        var firstUnit = options.FirstUnitStartedAt ?? accumulator.FirstStartedAt;
        var dropped = options.Dropped ?? [];
        var data = new DataSummary(options.Source, accumulator.Units, accumulator.Done, accumulator.Failed, errors.Count,
            errors.Take(20).ToList(), firstUnit, sources.ToDictionary(s => s.Metric.Name, s => s.Describe(), StringComparer.Ordinal),
            dropped.Count, dropped.GroupBy(u => u.Reason).OrderBy(g => g.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => (long)g.Count(), StringComparer.Ordinal),
            dropped.Take(20).ToList());

        var metricRows = MetricTable(experiment, sources, accumulator);
        var lockMismatch = DataStanding.LockMismatch(options.RunLockHash, options.Lock, options.LockPath);
        var unverified = provenance.UnverifiedMessage;
        // Reasons in the data, not the definition, that no hypothesis is confirmatory (a mismatch with no lock used is only said).
        string[] dataReasons = [.. provenance.Simulated ? [DataStanding.SimulatedReason] : Array.Empty<string>(),
            .. lockMismatch is not null && options.Lock is not null ? [lockMismatch] : Array.Empty<string>(),
            .. unverified is not null ? [unverified] : Array.Empty<string>()];
        var hypotheses = DataStanding.Apply(Hypotheses(experiment, sources, accumulator, options, firstUnit), dataReasons);
        var beforeAfter = BeforeAfter(experiment, sources, accumulator, options.PosteriorDraws);
        var notes = new List<string>();
        if (provenance.Simulated)
        {
            notes.Add($"SIMULATED data: all {provenance.SimulatedUnits} done units were drawn from the simulate block, not produced by a model; no hypothesis is confirmatory.");
        }
        if (lockMismatch is not null)
        {
            notes.Add(lockMismatch);
        }
        if (unverified is not null)
        {
            notes.Add(unverified);
        }
        if (accumulator.Done == 0)
        {
            notes.Add("No finished unit was found in the data.");
        }
        notes.AddRange(ReviewNotes.For(experiment, options.Labels, metricRows));
        foreach (var source in sources.Where(s => s.Metric.Reviewed is null && metricRows.All(r => r.Metric != s.Metric.Name || r.N == 0)))
        {
            var missing = metricRows.Where(r => r.Metric == source.Metric.Name && r.IsFullCell)
                .Sum(r => r.Missing);
            notes.Add(missing > 0
                ? $"Metric {source.Metric.Name} has no value in any unit: all {missing} units it applies to are missing it."
                : $"Metric {source.Metric.Name} has no value in any unit ({source.Describe()}): export per-unit metric values to analyze it.");
        }
        return new AnalysisResult(experiment.Name, experiment.Title, data, metricRows, hypotheses, beforeAfter,
            PreregistrationStatus(experiment, options) with { RunLockHash = options.RunLockHash, RunLockMismatch = lockMismatch }, notes)
        {
            Simulated = provenance.Simulated,
            Agreement = options.Labels is null ? null : agreement.Results(),
        };
    }

    /// <summary>A seed for one Monte Carlo computation, derived from the experiment's seed and a label.</summary>
    public static int SeedFor(long experimentSeed, string label) =>
        BitConverter.ToInt32(SHA256.HashData(Encoding.UTF8.GetBytes(experimentSeed.ToString(CultureInfo.InvariantCulture) + "/" + label)), 0) & int.MaxValue;

    private static List<MetricRow> MetricTable(ExperimentDefinition experiment, List<MetricValueSource> sources, ResultAccumulator accumulator)
    {
        var rows = new List<MetricRow>();
        var checkpointRank = Ranks(experiment.Checkpoints.Select(x => x.Name));
        var environmentRank = Ranks(experiment.Environments.Select(x => x.Name));
        var conditionRank = Ranks(experiment.Runs.SelectMany(r => r.Conditions));
        for (var m = 0; m < sources.Count; m++)
        {
            var metric = sources[m].Metric;
            var cells = accumulator.Cells(m).ToList();
            // Full cells pooled over an environment's variants: the table read first, one row per checkpoint, environment
            // and condition, in the order the experiment declares them.
            var groups = cells.GroupBy(c => (c.Checkpoint, c.Environment, c.Condition))
                .OrderBy(g => checkpointRank.GetValueOrDefault(g.Key.Checkpoint, int.MaxValue)).ThenBy(g => g.Key.Checkpoint, StringComparer.Ordinal)
                .ThenBy(g => environmentRank.GetValueOrDefault(g.Key.Environment, int.MaxValue)).ThenBy(g => g.Key.Environment, StringComparer.Ordinal)
                .ThenBy(g => conditionRank.GetValueOrDefault(g.Key.Condition, int.MaxValue)).ThenBy(g => g.Key.Condition, StringComparer.Ordinal);
            foreach (var group in groups)
            {
                var (checkpoint, environment, condition) = group.Key;
                rows.Add(Row(metric, new Cell(checkpoint, environment, condition), Pool(group.Select(c => c.Tally)), accumulator));
                // Params are design factors too: an environment with variants also gets a row per variant, as the papers'
                // per-variant tables have them.
                if (group.Count() < 2 && group.First().Variant == Scheme.Engine.Design.DesignExpander.DefaultVariant)
                {
                    continue;
                }
                foreach (var variant in group.OrderBy(c => c.Variant, StringComparer.Ordinal))
                {
                    var parameters = accumulator.ParamsOf(environment, variant.Variant).Select(p => new CellParam(p.Key, p.Value)).ToList();
                    rows.Add(Row(metric, new Cell(checkpoint, environment, condition, parameters), variant.Tally, accumulator));
                }
            }
            var pooled = experiment.Hypotheses.Where(h => h.Metric == metric.Name)
                .SelectMany(h => h.Right is { } r ? new[] { h.Left, r } : [h.Left])
                .Where(c => c.Checkpoint is null || c.Environment is null || c.Condition is null || c.Params.Count > 0)
                .Distinct();
            foreach (var cell in pooled)
            {
                var pooledTally = Pool(cells.Where(c => accumulator.Matches(cell, c.Checkpoint, c.Environment, c.Variant, c.Condition)).Select(c => c.Tally));
                if (pooledTally.Moments.N > 0 || pooledTally.Missing > 0)
                {
                    rows.Add(Row(metric, cell, pooledTally, accumulator));
                }
            }
        }
        return rows;
    }

    private static ResultAccumulator.CellTally Pool(IEnumerable<ResultAccumulator.CellTally> tallies)
    {
        var pooled = new ResultAccumulator.CellTally();
        foreach (var tally in tallies)
        {
            pooled.Moments.Add(tally.Moments);
            pooled.Missing += tally.Missing;
            pooled.Indeterminate += tally.Indeterminate;
            pooled.Unreviewed += tally.Unreviewed;
        }
        return pooled;
    }

    /// <summary>Each name's place in declaration order (first occurrence), for sorting rows as the experiment lists them.</summary>
    private static Dictionary<string, int> Ranks(IEnumerable<string> declared)
    {
        var ranks = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var name in declared)
        {
            ranks.TryAdd(name, ranks.Count);
        }
        return ranks;
    }

    private static MetricRow Row(MetricDefinition metric, Cell cell, ResultAccumulator.CellTally tally, ResultAccumulator accumulator) =>
        CountRow(metric, cell, tally, accumulator) with { Unreviewed = metric.Reviewed is null ? null : tally.Unreviewed };

    private static MetricRow CountRow(MetricDefinition metric, Cell cell, ResultAccumulator.CellTally tally, ResultAccumulator accumulator)
    {
        var failed = accumulator.FailedIn(cell);
        var moments = tally.Moments;
        if (moments.N == 0)
        {
            // Every unit of the cell is missing the metric: counts only.
            return new MetricRow(metric.Name, metric.Aggregation, cell.Checkpoint, cell.Environment, cell.Condition, 0, tally.Missing, tally.Indeterminate,
                failed, null, null, null, null, null, null, null, cell.Params);
        }
        if (metric.Aggregation == MetricAggregation.Rate)
        {
            var (k, n) = (checked((int)Math.Round(moments.Sum)), checked((int)moments.N));
            var beta = BetaPosteriorInterval.Compute(k, n);
            var wilson = WilsonInterval.Compute(k, n);
            return new MetricRow(metric.Name, metric.Aggregation, cell.Checkpoint, cell.Environment, cell.Condition, n, tally.Missing, tally.Indeterminate,
                failed, k, (double)k / n, beta.Lower, beta.Upper, wilson.Lower, wilson.Upper, null, cell.Params);
        }
        var mean = moments.Mean;
        var sd = Math.Sqrt(moments.Variance);
        double? lower = null, upper = null;
        if (moments.N > 1)
        {
            var half = StudentT.InvCDF(0, 1, moments.N - 1, 0.975) * sd / Math.Sqrt(moments.N);
            (lower, upper) = (mean - half, mean + half);
        }
        return new MetricRow(metric.Name, metric.Aggregation, cell.Checkpoint, cell.Environment, cell.Condition, moments.N, tally.Missing,
            tally.Indeterminate, failed, null, mean, lower, upper, null, null, double.IsNaN(sd) ? null : sd, cell.Params);
    }

    private static List<HypothesisResult> Hypotheses(ExperimentDefinition experiment, List<MetricValueSource> sources, ResultAccumulator accumulator,
        AnalysisOptions options, DateTimeOffset? firstUnit)
    {
        var evaluated = new List<(HypothesisDefinition H, HypothesisData Data, TestOutcome Outcome)>();
        foreach (var h in experiment.Hypotheses)
        {
            var source = sources.FirstOrDefault(s => s.Metric.Name == h.Metric);
            if (source is null)
            {
                evaluated.Add((h, new HypothesisData(), TestOutcome.NotEvaluable($"The experiment has no metric {h.Metric}.")));
                continue;
            }
            var data = accumulator.DataFor(h);
            TestOutcome outcome;
            try
            {
                outcome = HypothesisEvaluator.Evaluate(h, source.Metric.Aggregation, data, SeedFor(experiment.Seed, "hypothesis " + h.Name), options.Evaluation);
            }
            catch (Exception e) when (e is ArgumentException or OverflowException)
            {
                outcome = TestOutcome.NotEvaluable($"The test could not run on these data: {e.Message}");
            }
            evaluated.Add((h, data, outcome));
        }

        var corrected = new double?[evaluated.Count];
        foreach (var family in evaluated.Select((e, i) => (e, i)).GroupBy(x => x.e.H.Family))
        {
            var members = family.ToList();
            var ps = members.Select(x => x.e.Outcome.PValue ?? double.NaN).ToArray();
            foreach (var (e, i) in members)
            {
                var adjusted = Correct(e.H.Correction, ps);
                var within = members.FindIndex(x => x.i == i);
                corrected[i] = double.IsNaN(adjusted[within]) ? null : adjusted[within];
            }
        }

        var results = new List<HypothesisResult>();
        for (var i = 0; i < evaluated.Count; i++)
        {
            var (h, data, outcome) = evaluated[i];
            var standing = PreregistrationVerifier.Assess(options.Lock, experiment, h, firstUnit);
            var decision = corrected[i] is not { } p ? Decision.NotEvaluated : p <= h.Alpha ? Decision.Supported : Decision.NotSupported;
            long leftN = data.Left.N, rightN = data.Right.N;
            IReadOnlyList<string> notes = ExclusionNote(h, data) is { } note ? [note, .. outcome.Notes] : outcome.Notes;
            if (sources.FirstOrDefault(s => s.Metric.Name == h.Metric)?.Metric.Reviewed is { } reviewed)
            {
                notes = [ReviewNotes.Hypothesis(h, reviewed, data), .. notes];
            }
            if (corrected[i] is { } adjusted && outcome.PValue is { } raw && adjusted != raw && (outcome.Lower is not null || outcome.Upper is not null))
            {
                // The interval is the test's at 1 - alpha; the decision is the corrected p's, so near alpha they can disagree.
                notes = [.. notes, $"The interval is at the hypothesis's own level ({AnalysisText.Number(outcome.IntervalLevel)}), not adjusted for the " +
                    $"family's {h.Correction} correction; the decision uses the corrected p ({AnalysisText.PValue(adjusted)})."];
            }
            results.Add(new HypothesisResult(h.Name, h.Title, h.Metric, AnalysisText.Comparison(h), h.Test, h.Direction, h.Paired, h.Alpha,
                h.Family, h.Correction, leftN, leftN > 0 ? data.Left.Mean : null, rightN, h.Right is null ? null : rightN > 0 ? data.Right.Mean : null,
                data.LeftExcluded, data.RightExcluded,
                outcome.Estimate, outcome.Lower, outcome.Upper, outcome.IntervalMethod, outcome.PValue, corrected[i], decision,
                standing.Confirmatory, standing.Deviations, notes, h.Estimand, outcome.IntervalLevel, outcome.IntervalSides, outcome.IntervalInvertsTest));
        }
        return results;
    }

    /// <summary>What the test left out because the metric is missing, per side; null when nothing was.</summary>
    private static string? ExclusionNote(HypothesisDefinition h, HypothesisData data)
    {
        if (data.LeftExcluded + data.RightExcluded == 0)
        {
            return null;
        }
        static string Side(long missing, long indeterminate) => $"{missing} missing ({indeterminate} with an indeterminate outcome)";
        if (h.Right is null)
        {
            return $"Left out because {h.Metric} is missing: {Side(data.LeftMissing, data.LeftIndeterminate)}.";
        }
        if (h.Paired && data.ExcludedPairs > 0)
        {
            return $"Left out because {h.Metric} is missing on either side: {data.ExcludedPairs} pair(s); left {Side(data.LeftMissing, data.LeftIndeterminate)}, " +
                $"right {Side(data.RightMissing, data.RightIndeterminate)}; with their partners {data.LeftExcluded} left and {data.RightExcluded} right unit(s).";
        }
        return $"Left out because {h.Metric} is missing: left {Side(data.LeftMissing, data.LeftIndeterminate)}, right {Side(data.RightMissing, data.RightIndeterminate)}.";
    }

    /// <summary>
    /// Each hypothesis names its own correction, applied over the p-values of its whole family (hypotheses that
    /// could not be evaluated do not count towards the family size).
    /// </summary>
    public static double[] Correct(string correction, IReadOnlyList<double> pValues) => correction switch
    {
        Scheme.Contracts.Corrections.Holm => HolmCorrection.Adjust(pValues),
        Scheme.Contracts.Corrections.BenjaminiHochberg => BenjaminiHochbergCorrection.Adjust(pValues),
        Scheme.Contracts.Corrections.Bonferroni => pValues.Select(p => double.IsNaN(p) ? p : Math.Min(1, p * pValues.Count(q => !double.IsNaN(q)))).ToArray(),
        Scheme.Contracts.Corrections.None => [.. pValues],
        _ => throw new ArgumentException($"Unknown correction '{correction}'.", nameof(correction)),
    };

    private static List<BeforeAfterView> BeforeAfter(ExperimentDefinition experiment, List<MetricValueSource> sources, ResultAccumulator accumulator, int draws)
    {
        var views = new List<BeforeAfterView>();
        var checkpointRank = Ranks(experiment.Checkpoints.Select(x => x.Name));
        var environmentRank = Ranks(experiment.Environments.Select(x => x.Name));
        var conditionRank = Ranks(experiment.Runs.SelectMany(r => r.Conditions));
        for (var m = 0; m < sources.Count; m++)
        {
            var metric = sources[m].Metric;
            if (metric.Aggregation != MetricAggregation.Rate)
            {
                continue;
            }
            var cells = accumulator.Cells(m).ToList();
            var present = cells.Select(c => c.Checkpoint).ToHashSet(StringComparer.Ordinal);
            var pairs = experiment.Checkpoints
                .Where(c => c.Extends is not null && present.Contains(c.Name) && present.Contains(c.Extends))
                .Select(c => (Before: c.Extends!, After: c.Name)).ToList();
            if (pairs.Count == 0 && present.Count == 2)
            {
                var ordered = present.OrderBy(c => checkpointRank.GetValueOrDefault(c, int.MaxValue)).ThenBy(c => c, StringComparer.Ordinal).ToList();
                pairs.Add((ordered[0], ordered[1]));
            }
            var conditions = cells.Select(c => c.Condition).Distinct()
                .OrderBy(c => conditionRank.GetValueOrDefault(c, int.MaxValue)).ThenBy(c => c, StringComparer.Ordinal).ToList();
            foreach (var (before, after) in pairs)
            {
                foreach (var condition in conditions)
                {
                    var environments = cells.Where(c => c.Condition == condition && (c.Checkpoint == before || c.Checkpoint == after))
                        .Select(c => c.Environment).Distinct()
                        .OrderBy(e => environmentRank.GetValueOrDefault(e, int.MaxValue)).ThenBy(e => e, StringComparer.Ordinal).ToList();
                    if (environments.Count == 0)
                    {
                        continue;
                    }
                    RateCell? Cell(string checkpoint, string environment)
                    {
                        var moments = new SampleMoments();
                        foreach (var c in cells.Where(c => c.Checkpoint == checkpoint && c.Environment == environment && c.Condition == condition))
                        {
                            moments.Add(c.Tally.Moments);
                        }
                        if (moments.N == 0) return null;
                        var (k, n) = (checked((int)Math.Round(moments.Sum)), checked((int)moments.N));
                        var beta = BetaPosteriorInterval.Compute(k, n);
                        return new RateCell(n, k, (double)k / n, beta.Lower, beta.Upper);
                    }
                    var rows = environments.Select(e => new BeforeAfterRow(e, Cell(before, e), Cell(after, e))).ToList();
                    var both = rows.Where(r => r.Before is not null && r.After is not null).ToList();
                    AverageRate? Average(Func<BeforeAfterRow, RateCell> side, string label)
                    {
                        if (both.Count == 0) return null;
                        var counts = both.Select(r => new RateCount(checked((int)side(r).Successes), checked((int)side(r).N))).ToList();
                        var summary = AverageRatePosterior.Compute(counts, SeedFor(experiment.Seed, $"average {metric.Name} {label} {condition}"), draws);
                        // The estimate averages the k/n shown in the cells above; the posterior mean (of (k+1)/(n+2)) is
                        // pulled towards 1/2 and was shown here before, so 0 of 100 everywhere read as an average of 1%.
                        return new AverageRate(counts.Average(c => c.Rate), summary.Interval.Lower, summary.Interval.Upper, counts.Count, summary.Mean);
                    }
                    views.Add(new BeforeAfterView(metric.Name, condition, before, after, rows,
                        Average(r => r.Before!, before), Average(r => r.After!, after)));
                }
            }
        }
        return views;
    }

    private static PreregistrationSummary PreregistrationStatus(ExperimentDefinition experiment, AnalysisOptions options)
    {
        var current = experiment.Preregistration?.Overall;
        if (options.Lock is not { } locked)
        {
            return new PreregistrationSummary(null, null, null, current, false, ["No preregistration lock."]);
        }
        var differences = new List<string>();
        if (locked.Experiment != experiment.Name)
        {
            differences.Add($"The lock is for experiment {locked.Experiment}, not {experiment.Name}.");
        }
        if (experiment.Preregistration is { } digest)
        {
            differences.AddRange(PreregistrationVerifier.Compare(locked, digest).Select(c => c.Summary()));
        }
        else
        {
            differences.Add("The experiment was compiled without preregistration fingerprints.");
        }
        return new PreregistrationSummary(options.LockPath, locked.Overall, locked.LockedAt, current, differences.Count == 0, differences);
    }
}
