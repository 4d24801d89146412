using Scheme.Engine.Store;

namespace Scheme.Analysis.Review;

/// <summary>What the reviewers of one unit's outcome decided, by <see cref="ReviewDecisions"/>' rule.</summary>
public enum ReviewDecision
{
    /// <summary>No current label on the unit's outcome.</summary>
    Unreviewed,

    /// <summary>More of the decisive current labels say confirmed than rejected.</summary>
    Confirmed,

    /// <summary>More of the decisive current labels say rejected than confirmed.</summary>
    Rejected,

    /// <summary>Labelled, but not decided: only unclear labels, or as many confirmed as rejected.</summary>
    Undecided,
}

/// <summary>
/// The reviewers' decision per (unit, outcome), from the run's labels. Each reviewer counts once, with their latest label
/// (<see cref="ReviewLabels.Current"/>); unclear labels are not decisive; the decision is the majority of the decisive
/// labels, and a tie (one confirmed and one rejected) is undecided, never broken by order or by name. Memory grows with
/// the labels, not the units.
/// </summary>
public sealed class ReviewDecisions
{
    private readonly Dictionary<(string Unit, string Outcome), (int Confirmed, int Rejected, int Unclear)> _votes = [];

    public ReviewDecisions(IEnumerable<ReviewLabel> labels)
    {
        Current = ReviewLabels.Current(labels);
        _units = Current.Select(l => l.UnitId).ToHashSet(StringComparer.Ordinal);
        _outcomesOf = Current.GroupBy(l => l.UnitId, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<string>)g.Select(l => l.Outcome).Distinct(StringComparer.Ordinal).ToList(), StringComparer.Ordinal);
        foreach (var label in Current)
        {
            var key = (label.UnitId, label.Outcome);
            var (confirmed, rejected, unclear) = _votes.GetValueOrDefault(key);
            _votes[key] = label.Verdict switch
            {
                ReviewVerdict.Confirmed => (confirmed + 1, rejected, unclear),
                ReviewVerdict.Rejected => (confirmed, rejected + 1, unclear),
                _ => (confirmed, rejected, unclear + 1),
            };
        }
    }

    public static ReviewDecisions None { get; } = new([]);

    /// <summary>Each reviewer's latest label per (unit, outcome), in store order.</summary>
    public IReadOnlyList<ReviewLabel> Current { get; }

    public bool IsEmpty => _votes.Count == 0;

    /// <summary>Whether any current label is on this unit (for any outcome): the analysis keeps such units' outcomes for agreement.</summary>
    public bool HasLabels(string unitId) => _units.Contains(unitId);

    private readonly HashSet<string> _units;
    private readonly Dictionary<string, IReadOnlyList<string>> _outcomesOf;

    /// <summary>The outcomes of a unit that carry current labels.</summary>
    public IReadOnlyList<string> OutcomesOf(string unitId) => _outcomesOf.GetValueOrDefault(unitId) ?? [];

    public ReviewDecision Decide(string unitId, string outcome)
    {
        if (!_votes.TryGetValue((unitId, outcome), out var votes))
        {
            return ReviewDecision.Unreviewed;
        }
        return votes.Confirmed > votes.Rejected ? ReviewDecision.Confirmed
            : votes.Rejected > votes.Confirmed ? ReviewDecision.Rejected
            : ReviewDecision.Undecided;
    }
}
