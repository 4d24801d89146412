namespace Scheme.Engine.Store;

/// <summary>A human reviewer's verdict on one automated outcome of one unit.</summary>
public enum ReviewVerdict
{
    /// <summary>The reviewer read the transcript and agrees the outcome happened.</summary>
    Confirmed,

    /// <summary>The reviewer read the transcript and finds the outcome did not happen (a false positive).</summary>
    Rejected,

    /// <summary>The transcript does not settle it; counted as reviewed but as neither confirmed nor rejected.</summary>
    Unclear,
}

/// <summary>
/// One human review label, as stored (append-only) in the run's <c>run.db</c>. A label never changes the automated
/// outcome it judges; a later label of the same reviewer on the same (unit, outcome) supersedes the earlier one for
/// analyses (<see cref="ReviewLabels.Current"/>), and both stay in the store.
/// </summary>
/// <param name="Sequence">The store's order of labels (0 before the label is stored).</param>
public sealed record ReviewLabel(string UnitId, string Outcome, ReviewVerdict Verdict, string Reviewer, string? Note, DateTimeOffset At, long Sequence = 0)
{
    public static string Text(ReviewVerdict verdict) => verdict switch
    {
        ReviewVerdict.Confirmed => "confirmed",
        ReviewVerdict.Rejected => "rejected",
        ReviewVerdict.Unclear => "unclear",
        _ => throw new ArgumentOutOfRangeException(nameof(verdict), verdict, "Unknown review verdict."),
    };

    public static bool TryParse(string? text, out ReviewVerdict verdict)
    {
        (var ok, verdict) = text switch
        {
            "confirmed" => (true, ReviewVerdict.Confirmed),
            "rejected" => (true, ReviewVerdict.Rejected),
            "unclear" => (true, ReviewVerdict.Unclear),
            _ => (false, ReviewVerdict.Unclear),
        };
        return ok;
    }
}
