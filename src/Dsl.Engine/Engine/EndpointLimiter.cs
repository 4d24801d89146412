using System.Threading.RateLimiting;

namespace Scheme.Engine;

/// <summary>
/// The gate in front of one endpoint (System.Threading.RateLimiting): a concurrency limiter held for the whole
/// request, a token bucket of requests per minute, and a token bucket of model tokens per minute.
/// </summary>
/// <remarks>
/// Token buckets refill continuously (in small steps), so a quota of N per minute is spread evenly instead of
/// spent in a burst at the start of each minute and then rejected with 429s. The bucket starts with a small
/// burst only (one second's worth) for the same reason: a fresh runner must not fire a minute's quota at once.
/// Token use is known only after the response, so a request takes an estimate of its prompt tokens up front
/// (characters / 4) and pays the difference after the answer; paying blocks the caller while the bucket is
/// empty, which is the back-pressure that keeps the next requests under the limit.
/// </remarks>
public sealed class EndpointLimiter : IAsyncDisposable
{
    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(100);

    private readonly ConcurrencyLimiter _concurrency;
    private readonly TokenBucketRateLimiter? _requests;
    private readonly TokenBucketRateLimiter? _tokens;
    private readonly int _tokenLimit;

    public EndpointLimiter(EndpointLimits limits)
    {
        Limits = limits;
        _concurrency = new ConcurrencyLimiter(new ConcurrencyLimiterOptions
        {
            PermitLimit = Math.Max(1, limits.MaxConcurrentRequests),
            QueueLimit = int.MaxValue,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        });
        if (limits.RequestsPerMinute is { } rpm and > 0)
        {
            (_requests, _) = Bucket(rpm);
        }
        if (limits.TokensPerMinute is { } tpm and > 0)
        {
            (_tokens, _tokenLimit) = Bucket(tpm);
        }
    }

    public EndpointLimits Limits { get; }

    /// <summary>Waits for a slot, a request permit and the estimated tokens; dispose the lease when the request ends.</summary>
    public async ValueTask<IDisposable> AcquireAsync(int estimatedTokens, CancellationToken cancellationToken)
    {
        var slot = await _concurrency.AcquireAsync(1, cancellationToken).ConfigureAwait(false);
        try
        {
            if (_requests is not null)
            {
                await Take(_requests, 1, cancellationToken).ConfigureAwait(false);
            }
            await PayTokensAsync(estimatedTokens, cancellationToken).ConfigureAwait(false);
            return slot;
        }
        catch
        {
            slot.Dispose();
            throw;
        }
    }

    /// <summary>Takes tokens from the per-minute budget, in chunks no larger than the bucket.</summary>
    public async ValueTask PayTokensAsync(int tokens, CancellationToken cancellationToken)
    {
        if (_tokens is null)
        {
            return;
        }
        while (tokens > 0)
        {
            var chunk = Math.Min(tokens, _tokenLimit);
            await Take(_tokens, chunk, cancellationToken).ConfigureAwait(false);
            tokens -= chunk;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _concurrency.DisposeAsync().ConfigureAwait(false);
        if (_requests is not null)
        {
            await _requests.DisposeAsync().ConfigureAwait(false);
        }
        if (_tokens is not null)
        {
            await _tokens.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static (TokenBucketRateLimiter Limiter, int Capacity) Bucket(int perMinute)
    {
        // Refill every 100 ms with a tenth of a second's quota; fractional rates are carried by refilling less
        // often (a 30/min quota refills one permit every 2 s).
        var perSecond = perMinute / 60.0;
        var period = perSecond >= 10 ? Step : TimeSpan.FromSeconds(Math.Max(0.1, 1 / perSecond));
        var perPeriod = Math.Max(1, (int)Math.Round(perSecond * period.TotalSeconds));
        var capacity = Math.Max(perPeriod, (int)Math.Ceiling(perSecond));
        return (new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = capacity,
            TokensPerPeriod = perPeriod,
            ReplenishmentPeriod = period,
            QueueLimit = int.MaxValue,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
            AutoReplenishment = true,
        }), capacity);
    }

    private static async ValueTask Take(RateLimiter limiter, int permits, CancellationToken cancellationToken)
    {
        // Rate-limiter leases hold nothing once acquired (the permits are spent), so they are disposed at once.
        using var lease = await limiter.AcquireAsync(permits, cancellationToken).ConfigureAwait(false);
        if (!lease.IsAcquired)
        {
            throw new InvalidOperationException("The rate limiter refused a request it should have queued.");
        }
    }
}
