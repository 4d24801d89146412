using Scheme.Engine.Providers;

namespace Scheme.Engine.Caching;

/// <summary>Answers from the <see cref="ResponseCache"/> when it can, else asks the inner provider and stores
/// the response. Failures are never cached: a rate limit today must not become an answer tomorrow.</summary>
public sealed class CachingChatProvider(IChatProvider inner, ResponseCache cache) : IChatProvider
{
    public string Name => inner.Name;

    public string Endpoint => inner.Endpoint;

    public async Task<ChatResponse> CompleteAsync(ChatRequest request, CancellationToken cancellationToken = default)
    {
        var key = ResponseCache.Key(inner.Name, inner.Endpoint, request);
        if (cache.TryGet(key, out var cached))
        {
            return cached;
        }
        var response = await inner.CompleteAsync(request, cancellationToken).ConfigureAwait(false);
        try
        {
            cache.Put(key, response);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A cache that cannot be written (disk full, read-only) costs a rerun its savings, never this unit its answer.
        }
        return response;
    }
}
