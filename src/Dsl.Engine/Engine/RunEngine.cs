using System.Diagnostics;
using Scheme.Engine.Design;
using Scheme.Engine.Episodes;
using Scheme.Engine.Providers;
using Scheme.Engine.Store;

namespace Scheme.Engine;

/// <summary>
/// Runs work units and stores each as it finishes: the units already done in the store are skipped (resume),
/// each partition (endpoint) runs at most <see cref="Concurrency"/> units at once, and a unit is handed to the store
/// the moment it is done or has failed (the store commits it with its group within 20 ms, see <see cref="GroupCommit"/>).
/// </summary>
/// <remarks>
/// <para>Stopping (cancellation, or the run's spending reaching the <see cref="Budget"/>) stops starting units and
/// cancels those in flight. Cancelled units are not recorded: they did not finish, and resume runs them again.
/// Everything that finished before the stop is committed before <see cref="RunAsync"/> returns, so nothing is lost and
/// nothing is redone. A store that cannot write stops the run with its <see cref="RunStoreWriteException"/>.</para>
/// <para>A unit that throws anything but that cancellation is recorded as failed with its error, never dropped;
/// resume retries failed units. Errors and transcripts pass through the <see cref="SecretScrubber"/>.</para>
/// <para>Units are streamed: each partition enumerates the unit source lazily and skips others' units, so a
/// million-unit run never holds its design in memory.</para>
/// </remarks>
public sealed class RunEngine(SqliteRunStore store, Func<string, UnitLane> laneOf, CostMeter meter, RunCounters counters, SecretScrubber scrubber)
{
    public int Concurrency { get; init; } = 8;

    /// <summary>The run's spending and its <c>--max-cost</c> budget (earlier sessions and sibling shards included); null: no budget.</summary>
    public RunBudget? Budget { get; init; }

    /// <summary>Told of each unit that waits for a batched request (run --batch): it is not stored, and runs in the next round.</summary>
    public Action<WorkUnit>? Deferred { get; init; }

    public async Task<RunOutcome> RunAsync(IEnumerable<WorkUnit> units, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var completed = store.CompletedIds();
        var partitions = new HashSet<string>(StringComparer.Ordinal);
        var lanes = new Dictionary<string, UnitLane>(StringComparer.Ordinal);
        long total = 0, skipped = 0;
        foreach (var unit in units)
        {
            total++;
            if (completed.Contains(unit.Id))
            {
                skipped++;
            }
            else if (!lanes.ContainsKey(unit.Checkpoint))
            {
                var lane = laneOf(unit.Checkpoint);
                lanes[unit.Checkpoint] = lane;
                partitions.Add(lane.Partition);
            }
        }
        counters.Total = total;
        counters.AddSkipped(skipped);
        var doneBefore = counters.Done;
        var failedBefore = counters.Failed;

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var budgetHit = 0;
        void OnReached()
        {
            if (Interlocked.Exchange(ref budgetHit, 1) == 0)
            {
                stop.Cancel();
            }
        }
        if (Budget is not null)
        {
            Budget.Reached += OnReached;
        }
        try
        {
            // A run whose budget is already used up (by earlier sessions or sibling shards) sends nothing; with
            // nothing left to run it has simply completed.
            if (Budget?.IsReached == true && total > skipped)
            {
                budgetHit = 1;
            }
            else if (total > skipped)
            {
                var workers = partitions.Select(partition =>
                {
                    var pending = units.Where(u => lanes.TryGetValue(u.Checkpoint, out var lane) && lane.Partition == partition && !completed.Contains(u.Id));
                    return lanes.Values.Where(l => l.Partition == partition).All(l => l.Executor is SimulatedExecutor)
                        ? Task.Run(() => RunInline(pending, lanes, stop.Token), stop.Token)
                        : Parallel.ForEachAsync(pending, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, Concurrency), CancellationToken = stop.Token },
                            (unit, token) => RunUnitAsync(unit, lanes[unit.Checkpoint].Executor, token));
                });
                try
                {
                    await Task.WhenAll(workers).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    // Stopped: what finished is stored, the rest is for resume.
                }
            }
        }
        finally
        {
            if (Budget is not null)
            {
                Budget.Reached -= OnReached;
            }
        }
        // Every unit counted as finished is committed before the run reports, and a group that could not be written
        // stops the run here with its reason even when it was the last one.
        store.Flush();
        var reason = budgetHit == 1 ? StopReason.Budget : cancellationToken.IsCancellationRequested ? StopReason.Cancelled : StopReason.Completed;
        return new RunOutcome(reason, total, skipped, counters.Done - doneBefore, counters.Failed - failedBefore, meter.SpentUsd, clock.Elapsed)
        {
            RunSpentUsd = Budget?.RunTotalUsd ?? meter.SpentUsd,
        };
    }

    /// <summary>
    /// Simulated units only draw numbers: one loop on one thread, since concurrency would only add scheduling to
    /// microseconds of work, and the store's writer thread takes the other core.
    /// </summary>
    private void RunInline(IEnumerable<WorkUnit> pending, Dictionary<string, UnitLane> lanes, CancellationToken token)
    {
        foreach (var unit in pending)
        {
            token.ThrowIfCancellationRequested();
            var run = RunUnitAsync(unit, lanes[unit.Checkpoint].Executor, token);
            if (!run.IsCompletedSuccessfully)
            {
                run.AsTask().GetAwaiter().GetResult();
            }
        }
    }

    private async ValueTask RunUnitAsync(WorkUnit unit, IUnitExecutor executor, CancellationToken token)
    {
        var clock = Stopwatch.StartNew();
        EpisodeResult result;
        try
        {
            result = await executor.ExecuteAsync(unit, token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            return;
        }
        catch (Batching.UnitDeferredException)
        {
            Deferred?.Invoke(unit);
            return;
        }
        catch (Exception ex)
        {
            store.Record(UnitRecord.Failed(unit, scrubber.Scrub(Describe(ex))!, DateTimeOffset.UtcNow, clock.ElapsedMilliseconds,
                executor is SimulatedExecutor));
            counters.AddFinished(false, 0, 0);
            return;
        }
        UnitRecord record;
        double cost;
        try
        {
            cost = result.End == EpisodeEnd.Simulated ? 0
                : meter.Prices.Cost(result.Model, result.Usage) + (result.Verdicts ?? []).Sum(v => meter.Prices.Cost(v.Model, v.Usage));
            record = UnitRecord.Done(result, DateTimeOffset.UtcNow, cost);
            record = record with { TranscriptJson = scrubber.Scrub(record.TranscriptJson) };
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Whatever the episode holds, turning it into a row must not stop the run: the unit fails with the reason.
            store.Record(UnitRecord.Failed(unit, scrubber.Scrub("The unit's result could not be stored: " + Describe(ex))!, DateTimeOffset.UtcNow,
                clock.ElapsedMilliseconds, executor is SimulatedExecutor));
            counters.AddFinished(false, 0, 0);
            return;
        }
        // A store that cannot write (disk full, the file removed) is not the unit's fault: it stops the run, and
        // resume continues once it is fixed.
        store.Record(record);
        counters.AddFinished(true, record.TokensIn, record.TokensOut);
    }

    /// <summary>The error as stored: the exception's message and those of its causes, without stack traces.</summary>
    public static string Describe(Exception exception)
    {
        var parts = new List<string>();
        for (var e = exception; e is not null && parts.Count < 4; e = e.InnerException)
        {
            var text = $"{e.GetType().Name}: {e.Message}";
            if (parts.Count == 0 || !parts[^1].Contains(e.Message, StringComparison.Ordinal))
            {
                parts.Add(text);
            }
        }
        return string.Join(" <- ", parts);
    }
}
