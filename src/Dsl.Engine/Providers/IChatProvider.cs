
namespace Scheme.Engine.Providers;

/// <summary>
/// Sends one chat request and returns the assistant's turn. Implementations do not retry: the engine owns
/// retries so that backoff, Retry-After and rate limits are applied in one place and counted.
/// </summary>
public interface IChatProvider
{
    /// <summary>The provider kind (openai, simulated, replay); part of the response cache key.</summary>
    string Name { get; }

    /// <summary>The endpoint requests go to; part of the response cache key. Never contains a secret.</summary>
    string Endpoint { get; }

    /// <exception cref="ChatProviderException">The endpoint failed or answered something unusable.</exception>
    Task<ChatResponse> CompleteAsync(ChatRequest request, CancellationToken cancellationToken = default);
}
