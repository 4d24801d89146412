using Polly;
using Scheme.Engine.Providers;

namespace Scheme.Engine;

/// <summary>
/// Puts the engine's policies around a provider: each attempt waits for the endpoint's limiter, failed
/// attempts are retried by <see cref="RetryPolicy"/>, and answered requests are charged to the
/// <see cref="CostMeter"/>. The limiter is released while a retry waits, so a backing-off request does not
/// hold a concurrency slot that another request could use.
/// </summary>
/// <remarks>
/// Wrapped by the response cache (not the other way round), so cache hits take no rate-limit permit and cost
/// nothing.
/// </remarks>
public sealed class ResilientChatProvider : IChatProvider
{
    private readonly IChatProvider _inner;
    private readonly EndpointLimiter _limiter;
    private readonly CostMeter? _meter;
    private readonly ResiliencePipeline<ChatResponse> _pipeline;
    private readonly RunCounters? _counters;

    public ResilientChatProvider(IChatProvider inner, EndpointLimiter limiter, RetryPolicy retry, CostMeter? meter = null, RunCounters? counters = null)
    {
        _inner = inner;
        _limiter = limiter;
        _meter = meter;
        _counters = counters;
        _pipeline = retry.Build(_ => counters?.AddRetry());
    }

    public string Name => _inner.Name;

    public string Endpoint => _inner.Endpoint;

    public async Task<ChatResponse> CompleteAsync(ChatRequest request, CancellationToken cancellationToken = default)
    {
        return await _pipeline.ExecuteAsync(async token =>
        {
            var estimate = EstimateTokens(request);
            ChatResponse response;
            using (await _limiter.AcquireAsync(estimate, token).ConfigureAwait(false))
            {
                _counters?.AddRequest();
                response = await _inner.CompleteAsync(request, token).ConfigureAwait(false);
            }
            // Priced by the model asked for: what an endpoint reports back (a snapshot, a local alias) is not what
            // the price table or the researcher knows it by.
            _meter?.Add(request.Model, response.Usage);
            await _limiter.PayTokensAsync(response.Usage.Input + response.Usage.Output - estimate, token).ConfigureAwait(false);
            return response;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>About four characters per token in English prose: close enough to pace a per-minute budget.</summary>
    private static int EstimateTokens(ChatRequest request) =>
        request.Messages.Sum(m => m.Content.Length + (m.ToolCalls?.Sum(c => c.ArgumentsJson.Length) ?? 0)) / 4;
}
