
namespace Scheme.Engine;

/// <summary>
/// Live totals of a run for the progress display, updated lock-free from every worker. Only the totals of
/// this process: units skipped because an earlier process finished them are counted in <see cref="Skipped"/>.
/// </summary>
/// <param name="meter">Where the money spent comes from: one number, the same in the progress line and the summary.</param>
public sealed class RunCounters(CostMeter? meter = null)
{
    private long _done;
    private long _failed;
    private long _skipped;
    private long _requests;
    private long _retries;
    private long _tokensIn;
    private long _tokensOut;

    public long Total { get; set; }

    public DateTimeOffset StartedAt { get; } = DateTimeOffset.UtcNow;

    public long Done => Interlocked.Read(ref _done);

    public long Failed => Interlocked.Read(ref _failed);

    public long Skipped => Interlocked.Read(ref _skipped);

    public long Requests => Interlocked.Read(ref _requests);

    public long Retries => Interlocked.Read(ref _retries);

    public long TokensIn => Interlocked.Read(ref _tokensIn);

    public long TokensOut => Interlocked.Read(ref _tokensOut);

    /// <summary>Money spent by this process on requests endpoints answered (retries, judges and failed units included;
    /// cache hits are free): what <c>--max-cost</c> limits. See <see cref="CostMeter"/>.</summary>
    public double SpentUsd => meter?.SpentUsd ?? 0;

    /// <summary>Money spent by the whole run so far (earlier sessions, sibling shards, this process), once a
    /// <see cref="RunBudget"/> is attached; until then this process's.</summary>
    public double RunSpentUsd => Budget?.RunTotalUsd ?? SpentUsd;

    /// <summary>Where <see cref="RunSpentUsd"/> comes from.</summary>
    public RunBudget? Budget { get; set; }

    /// <summary>Units finished (done or failed) by this process per second since it started.</summary>
    public double Rate
    {
        get
        {
            var seconds = (DateTimeOffset.UtcNow - StartedAt).TotalSeconds;
            return seconds <= 0 ? 0 : (Done + Failed) / seconds;
        }
    }

    /// <summary>Time left at the current rate, or null before the first unit finishes.</summary>
    public TimeSpan? Eta
    {
        get
        {
            var left = Total - Skipped - Done - Failed;
            var rate = Rate;
            return rate <= 0 ? null : TimeSpan.FromSeconds(Math.Max(0, left) / rate);
        }
    }

    public void AddSkipped(long count = 1) => Interlocked.Add(ref _skipped, count);

    public void AddRequest() => Interlocked.Increment(ref _requests);

    public void AddRetry() => Interlocked.Increment(ref _retries);

    public void AddFinished(bool done, long tokensIn, long tokensOut)
    {
        Interlocked.Increment(ref done ? ref _done : ref _failed);
        Interlocked.Add(ref _tokensIn, tokensIn);
        Interlocked.Add(ref _tokensOut, tokensOut);
    }
}
