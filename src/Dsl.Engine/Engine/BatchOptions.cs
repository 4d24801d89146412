namespace Scheme.Engine;

/// <summary>How <see cref="BatchRunner"/> submits and waits.</summary>
/// <param name="PollInterval">The first wait between polls of a batch; it grows by half each poll up to <see cref="MaxPollInterval"/>.</param>
/// <param name="MaxLineBytes">The longest line of an output or error file that is read; longer lines are skipped.</param>
public sealed record BatchOptions(TimeSpan PollInterval, int MaxLineBytes)
{
    public TimeSpan MaxPollInterval => PollInterval > TimeSpan.FromMinutes(5) ? PollInterval : TimeSpan.FromMinutes(5);

    /// <summary>Retries of an upload, a batch creation or a download after a transient failure.</summary>
    public int TransferRetries { get; init; } = 4;
}
