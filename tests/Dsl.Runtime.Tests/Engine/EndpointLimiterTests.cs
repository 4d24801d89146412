using System.Diagnostics;
using Scheme.Engine;

namespace Scheme.Runtime.Tests.Engine;

public class EndpointLimiterTests
{
    [Fact]
    public async Task A_request_beyond_the_concurrency_limit_waits_for_a_slot()
    {
        await using var limiter = new EndpointLimiter(new EndpointLimits(MaxConcurrentRequests: 3));
        var held = new List<IDisposable>();
        for (var i = 0; i < 3; i++)
        {
            held.Add(await limiter.AcquireAsync(0, default));
        }
        var fourth = limiter.AcquireAsync(0, default).AsTask();
        Assert.False(fourth.IsCompleted);
        held[0].Dispose();
        using var lease = await fourth.WaitAsync(TimeSpan.FromSeconds(10));
        held.Skip(1).ToList().ForEach(l => l.Dispose());
    }

    [Fact]
    public async Task Requests_per_minute_are_paced_not_burst()
    {
        // 600/min = 10/s with a one-second burst: 25 requests need at least 1.5 s, and not much more.
        await using var limiter = new EndpointLimiter(new EndpointLimits(MaxConcurrentRequests: 100, RequestsPerMinute: 600));
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, 25).Select(async _ => { using var lease = await limiter.AcquireAsync(0, default); }));
        Assert.InRange(clock.Elapsed.TotalSeconds, 1.3, 4.0);
    }

    [Fact]
    public async Task Token_budget_blocks_until_tokens_are_paid_back()
    {
        // 6000 tokens/min = 100/s, bucket of 100: paying 250 tokens takes about 1.5 s.
        await using var limiter = new EndpointLimiter(new EndpointLimits(MaxConcurrentRequests: 10, TokensPerMinute: 6000));
        var clock = Stopwatch.StartNew();
        await limiter.PayTokensAsync(250, default);
        Assert.InRange(clock.Elapsed.TotalSeconds, 1.2, 4.0);
    }
}
