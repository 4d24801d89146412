using Polly;
using Polly.Retry;
using Scheme.Engine.Providers;

namespace Scheme.Engine;

/// <summary>
/// How one request is retried: transient failures (429, 5xx, timeouts, dropped connections, bodies that are
/// not a completion) are retried with exponential backoff and jitter, waiting exactly as long as the server
/// asked when it sent Retry-After. Permanent failures (400, 401, 404) are not retried: they would fail again
/// and burn quota.
/// </summary>
/// <remarks>
/// Retries live at the request level, not the unit level: a 429 on turn 7 of an agentic episode must not
/// throw away six paid turns. The provider is deterministic given the history (and the cache serves the
/// earlier turns on a rerun), so retrying one request keeps the episode intact.
/// </remarks>
public sealed record RetryPolicy(int MaxRetries = 6, TimeSpan? BaseDelay = null, TimeSpan? MaxDelay = null)
{
    public TimeSpan Base => BaseDelay ?? TimeSpan.FromSeconds(1);

    public TimeSpan Max => MaxDelay ?? TimeSpan.FromSeconds(60);

    public static bool IsRetryable(Exception exception) =>
        exception is ChatProviderException { IsTransient: true };

    /// <summary>
    /// The wait before retry number <paramref name="attempt"/> (0-based) when the server gave no Retry-After:
    /// "full jitter" (a uniform draw in [0, base * 2^attempt], capped), which spreads the retries of many
    /// concurrent units so they do not hit a recovering server in lockstep. Polly's built-in jitter is not used
    /// so that the formula is documented and unit-testable here.
    /// </summary>
    public TimeSpan Backoff(int attempt, double uniform)
    {
        var ceiling = Math.Min(Max.TotalMilliseconds, Base.TotalMilliseconds * Math.Pow(2, Math.Min(attempt, 30)));
        // Never less than a tenth of the ceiling: a zero wait would turn a burst of 500s into a hot loop.
        return TimeSpan.FromMilliseconds(ceiling * (0.1 + 0.9 * uniform));
    }

    /// <summary>
    /// The wait before a retry: Retry-After when the server sent it (never shortened, because a server that is
    /// answered early only rejects again; capped at 10 minutes against absurd values), else <see cref="Backoff"/>.
    /// </summary>
    public TimeSpan Delay(Exception? exception, int attempt, double uniform) =>
        exception is ChatProviderException { RetryAfter: { } after }
            ? after < TimeSpan.FromMinutes(10) ? after : TimeSpan.FromMinutes(10)
            : Backoff(attempt, uniform);

    /// <summary>The Polly pipeline applying this policy; <paramref name="onRetry"/> counts retries for the progress view.</summary>
    public ResiliencePipeline<ChatResponse> Build(Action<Exception?>? onRetry = null, TimeProvider? time = null)
    {
        var options = new RetryStrategyOptions<ChatResponse>
        {
            MaxRetryAttempts = Math.Max(0, MaxRetries),
            ShouldHandle = new PredicateBuilder<ChatResponse>().Handle<ChatProviderException>(e => e.IsTransient),
            DelayGenerator = args => ValueTask.FromResult<TimeSpan?>(Delay(args.Outcome.Exception, args.AttemptNumber, Random.Shared.NextDouble())),
            OnRetry = args =>
            {
                onRetry?.Invoke(args.Outcome.Exception);
                return ValueTask.CompletedTask;
            },
        };
        if (MaxRetries <= 0)
        {
            return ResiliencePipeline<ChatResponse>.Empty;
        }
        var builder = new ResiliencePipelineBuilder<ChatResponse>().AddRetry(options);
        if (time is not null)
        {
            builder.TimeProvider = time;
        }
        return builder.Build();
    }
}
