
namespace Scheme.Engine.Providers;

/// <summary>
/// A failed request, classified for the engine's retry logic: transient failures (429, 5xx, timeouts,
/// dropped connections) may be retried, after <see cref="RetryAfter"/> when the server said so.
/// </summary>
public sealed class ChatProviderException : Exception
{
    public ChatProviderException(string message, int? statusCode, bool isTransient, TimeSpan? retryAfter = null, Exception? inner = null)
        : base(message, inner)
    {
        StatusCode = statusCode;
        IsTransient = isTransient;
        RetryAfter = retryAfter;
    }

    /// <summary>The HTTP status, or null when no response came (timeout, dropped connection).</summary>
    public int? StatusCode { get; }

    public bool IsTransient { get; }

    public TimeSpan? RetryAfter { get; }

    public static bool IsTransientStatus(int status) => status is 408 or 409 or 429 or >= 500;
}
