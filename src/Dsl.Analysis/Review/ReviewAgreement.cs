using Scheme.Analysis.Statistics;
using Scheme.Engine.Store;

namespace Scheme.Analysis.Review;

/// <summary>
/// Agreement on one outcome, over the analyzed done units that carry current labels on it: the detector against the
/// reviewers' decision (<see cref="ReviewDecisions"/>), and every two reviewers against each other.
/// </summary>
/// <param name="Units">Analyzed done units with a current label on the outcome.</param>
/// <param name="Reviewers">Who labelled it, in name order.</param>
public sealed record OutcomeAgreement(string Outcome, long Units, IReadOnlyList<string> Reviewers, DetectorAgreement Detector,
    IReadOnlyList<ReviewerAgreement> ReviewerPairs);

/// <summary>
/// The detector (fired or not) against the reviewers' decision (confirmed or rejected), on units where both exist: the
/// confusion counts, Cohen's kappa with its 95% interval (<see cref="CohensKappa"/>), and the detector's precision among
/// reviewed flags (confirmed / decided flags) with its 95% Wilson interval. <see cref="Undecided"/> counts labelled units
/// the reviewers did not decide (only unclear, or a tie); <see cref="NoDetectorValue"/> labelled units whose outcome was
/// not decided by the detector (indeterminate, or a follow-up not asked).
/// </summary>
public sealed record DetectorAgreement(long FiredConfirmed, long FiredRejected, long NotFiredConfirmed, long NotFiredRejected,
    long Undecided, long NoDetectorValue, KappaEstimate Kappa, double? Precision, double? PrecisionLower, double? PrecisionUpper)
{
    public long Decided => FiredConfirmed + FiredRejected + NotFiredConfirmed + NotFiredRejected;
}

/// <summary>Two reviewers on the units both labelled (current labels), over confirmed, rejected and unclear: Cohen's kappa
/// with its 95% interval; <see cref="Agreed"/> counts the units they gave the same verdict.</summary>
public sealed record ReviewerAgreement(string First, string Second, long N, long Agreed, KappaEstimate Kappa);

/// <summary>
/// Collects, during the analysis's one pass, the detector's value on the labelled units (memory grows with the labels,
/// not the units), then computes <see cref="OutcomeAgreement"/> per labelled outcome.
/// </summary>
public sealed class AgreementCollector(ReviewDecisions decisions)
{
    private readonly Dictionary<(string Unit, string Outcome), bool?> _detector = [];

    public void Add(UnitRecord unit)
    {
        if (unit.Status != UnitStatus.Done || !decisions.HasLabels(unit.UnitId))
        {
            return;
        }
        foreach (var outcome in decisions.OutcomesOf(unit.UnitId))
        {
            _detector[(unit.UnitId, outcome)] = unit.Outcomes.TryGetValue(outcome, out var fired) ? fired : null;
        }
    }

    public IReadOnlyList<OutcomeAgreement> Results()
    {
        var results = new List<OutcomeAgreement>();
        foreach (var outcome in _detector.Keys.Select(k => k.Outcome).Distinct().Order(StringComparer.Ordinal))
        {
            var units = _detector.Where(d => d.Key.Outcome == outcome).ToList();
            long fc = 0, fr = 0, nc = 0, nr = 0, undecided = 0, none = 0;
            foreach (var ((unit, _), fired) in units)
            {
                var decision = decisions.Decide(unit, outcome);
                if (fired is not { } f)
                {
                    none++;
                    continue;
                }
                switch (decision)
                {
                    case ReviewDecision.Confirmed when f: fc++; break;
                    case ReviewDecision.Rejected when f: fr++; break;
                    case ReviewDecision.Confirmed: nc++; break;
                    case ReviewDecision.Rejected: nr++; break;
                    default: undecided++; break;
                }
            }
            var kappa = CohensKappa.Compute(new long[,] { { fc, fr }, { nc, nr } });
            double? precision = null, lower = null, upper = null;
            if (fc + fr > 0)
            {
                var wilson = WilsonInterval.Compute(checked((int)fc), checked((int)(fc + fr)));
                (precision, lower, upper) = (wilson.Estimate, wilson.Lower, wilson.Upper);
            }
            var analyzed = units.Select(u => u.Key.Unit).ToHashSet(StringComparer.Ordinal);
            var labels = decisions.Current.Where(l => l.Outcome == outcome && analyzed.Contains(l.UnitId)).ToList();
            var reviewers = labels.Select(l => l.Reviewer).Distinct().Order(StringComparer.Ordinal).ToList();
            results.Add(new OutcomeAgreement(outcome, units.Count, reviewers,
                new DetectorAgreement(fc, fr, nc, nr, undecided, none, kappa, precision, lower, upper), Pairs(labels, reviewers)));
        }
        return results;
    }

    /// <summary>Every two reviewers, over the units both labelled, on the three verdicts.</summary>
    private static List<ReviewerAgreement> Pairs(List<ReviewLabel> labels, List<string> reviewers)
    {
        var byReviewer = reviewers.ToDictionary(r => r, r => labels.Where(l => l.Reviewer == r).ToDictionary(l => l.UnitId, l => l.Verdict, StringComparer.Ordinal),
            StringComparer.Ordinal);
        var pairs = new List<ReviewerAgreement>();
        for (var a = 0; a < reviewers.Count; a++)
        {
            for (var b = a + 1; b < reviewers.Count; b++)
            {
                var (first, second) = (byReviewer[reviewers[a]], byReviewer[reviewers[b]]);
                var table = new long[3, 3];
                long n = 0, agreed = 0;
                foreach (var (unit, verdict) in first)
                {
                    if (!second.TryGetValue(unit, out var other)) continue;
                    table[(int)verdict, (int)other]++;
                    n++;
                    if (verdict == other) agreed++;
                }
                if (n > 0)
                {
                    pairs.Add(new ReviewerAgreement(reviewers[a], reviewers[b], n, agreed, CohensKappa.Compute(table)));
                }
            }
        }
        return pairs;
    }
}
