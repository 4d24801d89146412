using Scheme.Engine;
using Scheme.Engine.Providers;
using Scheme.Model;

namespace Scheme.Runtime.Tests.Engine;

public class RetryPolicyTests
{
    private static readonly ChatResponse Ok = new("ok", [], null, TokenUsage.Zero, "stop");

    [Fact]
    public void Retry_after_is_honoured_exactly_and_capped_at_ten_minutes()
    {
        var policy = new RetryPolicy(BaseDelay: TimeSpan.FromMilliseconds(100));
        var limited = new ChatProviderException("429", 429, true, TimeSpan.FromSeconds(7));
        Assert.Equal(TimeSpan.FromSeconds(7), policy.Delay(limited, attempt: 0, uniform: 0.0));
        Assert.Equal(TimeSpan.FromSeconds(7), policy.Delay(limited, attempt: 5, uniform: 1.0));
        Assert.Equal(TimeSpan.FromMinutes(10), policy.Delay(new ChatProviderException("429", 429, true, TimeSpan.FromHours(3)), 0, 0.5));
    }

    [Fact]
    public void Backoff_grows_exponentially_with_jitter_and_is_capped()
    {
        var policy = new RetryPolicy(BaseDelay: TimeSpan.FromMilliseconds(100), MaxDelay: TimeSpan.FromSeconds(2));
        Assert.Equal(TimeSpan.FromMilliseconds(10), policy.Backoff(0, 0.0));
        Assert.Equal(TimeSpan.FromMilliseconds(100), policy.Backoff(0, 1.0));
        Assert.Equal(TimeSpan.FromMilliseconds(800), policy.Backoff(3, 1.0));
        Assert.Equal(TimeSpan.FromMilliseconds(80), policy.Backoff(3, 0.0));
        Assert.Equal(TimeSpan.FromSeconds(2), policy.Backoff(10, 1.0));
        Assert.Equal(TimeSpan.FromSeconds(2), policy.Backoff(int.MaxValue, 1.0));
        var server = new ChatProviderException("500", 500, true);
        Assert.Equal(policy.Backoff(2, 0.3), policy.Delay(server, 2, 0.3));
    }

    [Fact]
    public async Task Transient_failures_are_retried_until_success()
    {
        var retries = 0;
        var pipeline = new RetryPolicy(5, TimeSpan.FromMilliseconds(1)).Build(_ => retries++);
        var calls = 0;
        var result = await pipeline.ExecuteAsync(_ => ++calls < 4
            ? throw new ChatProviderException("boom", calls == 1 ? 500 : null, true, calls == 2 ? TimeSpan.FromMilliseconds(1) : null)
            : ValueTask.FromResult(Ok));
        Assert.Same(Ok, result);
        Assert.Equal(4, calls);
        Assert.Equal(3, retries);
    }

    [Fact]
    public async Task Permanent_failures_and_other_exceptions_are_not_retried()
    {
        var pipeline = new RetryPolicy(5, TimeSpan.FromMilliseconds(1)).Build();
        var calls = 0;
        await Assert.ThrowsAsync<ChatProviderException>(async () =>
            await pipeline.ExecuteAsync<ChatResponse>(_ => { calls++; throw new ChatProviderException("bad request", 400, false); }));
        Assert.Equal(1, calls);
        await Assert.ThrowsAsync<InvalidOperationException>(async () =>
            await pipeline.ExecuteAsync<ChatResponse>(_ => { calls++; throw new InvalidOperationException("bug"); }));
        Assert.Equal(2, calls);
    }

    [Fact]
    public async Task Retries_give_up_after_the_maximum_and_rethrow_the_last_failure()
    {
        var pipeline = new RetryPolicy(2, TimeSpan.FromMilliseconds(1)).Build();
        var calls = 0;
        var error = await Assert.ThrowsAsync<ChatProviderException>(async () =>
            await pipeline.ExecuteAsync<ChatResponse>(_ => { calls++; throw new ChatProviderException($"503 #{calls}", 503, true); }));
        Assert.Equal(3, calls);
        Assert.Equal("503 #3", error.Message);
    }

    [Fact]
    public async Task Cancellation_interrupts_a_retry_wait()
    {
        using var cancel = new CancellationTokenSource();
        var pipeline = new RetryPolicy(3).Build();
        var task = pipeline.ExecuteAsync<ChatResponse>(_ =>
        {
            cancel.Cancel();
            throw new ChatProviderException("429", 429, true, TimeSpan.FromMinutes(5));
        }, cancel.Token).AsTask();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => task);
    }
}
