namespace Scheme.Engine.Batching;

/// <summary>
/// What became of a batch cannot be told: its creation failed without an answer and the server's batch list could not be
/// read, or polling it was refused (401/403) while it may still run. Submitting its requests again might pay for them
/// twice, so the run stops; its run.db row stays open and resume looks the batch up (or polls it) again first.
/// </summary>
public sealed class BatchUnknownException(string code, string message, Exception? inner = null) : Exception(message, inner)
{
    public string Code { get; } = code;
}
