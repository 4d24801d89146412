using Scheme.Engine.Caching;
using Scheme.Engine.Providers;

namespace Scheme.Engine.Batching;

/// <summary>
/// The chat provider of an openai checkpoint under <c>run --batch</c>: answers from the response cache, which the batch
/// runner fills between rounds; on a miss it queues the request (its cache key and the SDK's body) and defers the unit
/// (<see cref="UnitDeferredException"/>). A request that batches failed for good fails like a live request after its
/// last retry. Prefill requests (a reasoning edit's continuation, vLLM's continue_final_message) are not batched: they go
/// to the live stack, as without --batch.
/// </summary>
/// <param name="live">The checkpoint's ordinary stack (cache, limits, retries, scrubbing, SDK); its name and endpoint make the
/// cache keys, so a batched run and a live run share their answers.</param>
public sealed class BatchingChatProvider(IChatProvider live, ResponseCache cache, BatchTarget target, BatchQueue queue) : IChatProvider
{
    public string Name => live.Name;

    public string Endpoint => live.Endpoint;

    public async Task<ChatResponse> CompleteAsync(ChatRequest request, CancellationToken cancellationToken = default)
    {
        if (request.ContinueFinalMessage)
        {
            return await live.CompleteAsync(request, cancellationToken).ConfigureAwait(false);
        }
        var key = ResponseCache.Key(Name, Endpoint, request);
        if (cache.TryGet(key, out var cached) || queue.TryAnswer(key, out cached))
        {
            queue.Read(key);
            return cached;
        }
        if (queue.FailureOf(key) is { } failure)
        {
            queue.Read(key);
            throw new ChatProviderException(failure.Message, failure.StatusCode, false);
        }
        var body = await RequestCapture.CaptureAsync(() => target.Reader.CompleteAsync(request, cancellationToken)).ConfigureAwait(false);
        queue.Defer(target, request.Model, key, body);
        throw new UnitDeferredException();
    }
}
