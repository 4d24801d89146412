namespace Scheme.Engine.Batching;

/// <summary>
/// Whether a batch exists cannot be told: its creation failed without an answer and the server's batch list could not be
/// read. Submitting its requests again might pay for them twice, so the run stops; its run.db row stays `creating` and
/// resume looks the batch up again before anything else.
/// </summary>
public sealed class BatchUnknownException(string message, Exception? inner = null) : Exception(message, inner);
