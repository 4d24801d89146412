namespace Scheme.Engine.Batching;

/// <summary>How <see cref="BatchRunner"/> submits and waits.</summary>
/// <param name="PollInterval">The first wait between polls of a batch; it grows by half each poll up to <see cref="MaxPollInterval"/>.</param>
/// <param name="MaxLineBytes">The longest line of an output or error file that is read; longer lines are skipped.</param>
/// <param name="WorkDirectory">Where input files are written before upload (and deleted after).</param>
public sealed record BatchOptions(TimeSpan PollInterval, int MaxLineBytes, string WorkDirectory)
{
    /// <summary>OpenAI's limits on one input file: 50,000 requests and 200 MB (kept under, with room for the upload's envelope).</summary>
    public int MaxRequestsPerFile { get; init; } = 50_000;

    public long MaxFileBytes { get; init; } = 199L * 1000 * 1000;

    public TimeSpan MaxPollInterval => PollInterval > TimeSpan.FromMinutes(5) ? PollInterval : TimeSpan.FromMinutes(5);

    /// <summary>Retries of an upload, a batch creation or a download after a transient failure.</summary>
    public int TransferRetries { get; init; } = 4;
}
