namespace Scheme.Engine.Providers;

/// <summary>
/// What went wrong on the way to an endpoint, in the terms every provider reports: a body past the size cap (permanent:
/// the same request would bring the same flood), a timeout, or no response at all (both worth a retry). Shared by the chat
/// and the raw completions providers, so the two classify a failure alike.
/// </summary>
internal static class TransportFailure
{
    /// <summary>The failure as a <see cref="ChatProviderException"/>, or null when it is none of these.</summary>
    /// <remarks>Call it after rethrowing a cancellation the caller asked for: an <see cref="OperationCanceledException"/>
    /// here is the request's own timeout.</remarks>
    public static ChatProviderException? Classify(Exception exception, string endpoint, TimeSpan timeout, SecretScrubber ownKey) => exception switch
    {
        _ when Find<ResponseTooLargeException>(exception) is { } tooLarge =>
            new ChatProviderException($"{endpoint} answered a body larger than {tooLarge.Limit} bytes; it was refused unread.", 200, false),
        OperationCanceledException =>
            new ChatProviderException($"The request to {endpoint} timed out after {timeout.TotalSeconds:0.#} s.", null, true, null, exception),
        // The SDK wraps a connection failure in its own exception (status 0): found anywhere in the chain.
        _ when ((Exception?)Find<HttpRequestException>(exception) ?? Find<IOException>(exception)) is { } transport =>
            new ChatProviderException($"No response from {endpoint}: {ownKey.Scrub(transport.Message)}", null, true),
        _ => null,
    };

    private static T? Find<T>(Exception? exception) where T : Exception
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is T found)
            {
                return found;
            }
        }
        return null;
    }
}
