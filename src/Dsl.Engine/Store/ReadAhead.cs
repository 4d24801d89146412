using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;

namespace Scheme.Engine.Store;

/// <summary>
/// Reads a sequence on a second thread, a few batches ahead of its consumer, and yields it in the same order: reading a
/// million rows (SQLite's scan and sort, decoding) and consuming them (analysis, writing an export) then take the longer
/// of the two instead of their sum. Nothing but the order is shared, so the result is what a single thread gives.
/// </summary>
public static class ReadAhead
{
    /// <summary>
    /// The items of <paramref name="source"/>, enumerated on a worker thread at most <paramref name="batches"/> batches of
    /// <paramref name="batchSize"/> ahead. An exception of the source is thrown here, as the source would have, after the
    /// items read before it; a consumer that stops early stops the worker. Whatever the source writes on the side (a list
    /// of malformed rows) is complete once this sequence ends.
    /// </summary>
    public static IEnumerable<T> Of<T>(IEnumerable<T> source, int batchSize = 1024, int batches = 8)
    {
        using var queue = new BlockingCollection<T[]>(batches);
        using var stop = new CancellationTokenSource();
        Exception? failure = null;
        var worker = Task.Factory.StartNew(() =>
        {
            try
            {
                var batch = new List<T>(batchSize);
                foreach (var item in source)
                {
                    batch.Add(item);
                    if (batch.Count == batchSize)
                    {
                        queue.Add([.. batch], stop.Token);
                        batch.Clear();
                    }
                }
                if (batch.Count > 0)
                {
                    queue.Add([.. batch], stop.Token);
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                // The consumer stopped early.
            }
            catch (Exception e)
            {
                failure = e;
            }
            finally
            {
                queue.CompleteAdding();
            }
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        try
        {
            foreach (var batch in queue.GetConsumingEnumerable())
            {
                foreach (var item in batch)
                {
                    yield return item;
                }
            }
            worker.Wait();
            if (failure is not null)
            {
                ExceptionDispatchInfo.Throw(failure);
            }
        }
        finally
        {
            stop.Cancel();
            worker.Wait();
        }
    }
}
