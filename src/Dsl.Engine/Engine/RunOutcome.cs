
namespace Scheme.Engine;

/// <summary>Why a run ended.</summary>
public enum StopReason
{
    /// <summary>Every unit was attempted.</summary>
    Completed,

    /// <summary>Cancelled (Ctrl+C): finished units are stored, the rest are left for resume.</summary>
    Cancelled,

    /// <summary>The --max-cost budget was reached: as for <see cref="Cancelled"/>.</summary>
    Budget,
}

/// <summary>What one engine run did. Units in flight when it stopped are in none of the counts.</summary>
/// <param name="SpentUsd">Paid by this process.</param>
public sealed record RunOutcome(StopReason Reason, long Total, long Skipped, long Done, long Failed, double SpentUsd, TimeSpan Elapsed)
{
    /// <summary>Paid by the whole run so far: earlier sessions of the directory, sibling shards and this process.</summary>
    public double RunSpentUsd { get; init; } = SpentUsd;
}
