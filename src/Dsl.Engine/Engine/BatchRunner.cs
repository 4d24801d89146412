using System.Collections.Concurrent;
using System.Diagnostics;
using Scheme.Engine.Caching;
using Scheme.Engine.Design;
using Scheme.Engine.Providers;
using Scheme.Engine.Store;

using Scheme.Engine.Batching;

namespace Scheme.Engine;

/// <summary>
/// <c>run --batch</c>: runs the units in rounds that fill the response cache through the OpenAI Batch API. Round k runs the
/// units still waiting with <see cref="BatchingChatProvider"/>s, which answer from the cache and defer a unit on its
/// first miss; the requests deferred on are submitted as batches (one per endpoint, key and model, split at the API's
/// limits), recorded in run.db before the runner waits on them, polled, and their answers written to the cache; round
/// k+1 runs the deferred units again, one step further. A single-turn unit with a judge takes two rounds.
/// </summary>
/// <remarks>
/// Nothing a batch or its server does stops the run: a batch that cannot be submitted, fails, expires or is cancelled,
/// an error line, a malformed or unknown line, an output file that is too large or never arrives, each leaves the
/// requests concerned unanswered, and they go into the next round, at most <see cref="BatchQueue.MaxAttempts"/> times,
/// then their units fail with the reason, as a live request does after its last retry. A request the server answered
/// with a permanent error fails its units at once. Resume first polls the batches run.db holds as open, so no request
/// is submitted (and paid) twice.
/// </remarks>
public sealed class BatchRunner(SqliteRunStore store, BatchQueue queue, ResponseCache cache, CostMeter meter, SecretScrubber scrubber,
    Func<string, string, BatchTarget> targetOf, Func<BatchTarget, OpenAiBatchApi> apiOf, BatchOptions options, TextWriter log)
{
    public const string SubmitFailed = "SCH9065", BatchUnanswered = "SCH9066", LinesIgnored = "SCH9067";

    private long _batches;
    private long _requests;
    private readonly BatchOutputReader _output = new(queue, cache, meter, scrubber, options.MaxLineBytes, log);

    /// <summary>Batches this process submitted.</summary>
    public long BatchesSubmitted => Interlocked.Read(ref _batches);

    /// <summary>Requests this process submitted in batches.</summary>
    public long RequestsSubmitted => Interlocked.Read(ref _requests);

    /// <summary>Requests answered by batches read in this process (resumed ones included).</summary>
    public long RequestsAnswered => _output.Answered;

    /// <param name="runRound">Runs the given units once (the engine) and reports each unit deferred to the callback.</param>
    /// <param name="budgetReached">Whether the run's --max-cost budget (every session and shard) is used up once the given
    /// dollars more are spent (0: already): asked before each input file is submitted, with its worst-case cost.</param>
    public async Task<RunOutcome> RunAsync(IEnumerable<WorkUnit> units, Func<IEnumerable<WorkUnit>, Action<WorkUnit>, Task<RunOutcome>> runRound,
        Func<double, bool> budgetReached, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        RunOutcome? first = null;
        long done = 0, failed = 0;
        RunOutcome Result(StopReason reason) => new(reason, first?.Total ?? 0, first?.Skipped ?? 0, done, failed, meter.SpentUsd, clock.Elapsed);
        try
        {
            var recorded = store.Batches();
            var round = recorded.Select(b => b.Round).DefaultIfEmpty(0).Max() + 1;
            var open = recorded.Where(b => b.IsOpen).ToList();
            if (open.Count > 0)
            {
                log.WriteLine($"{open.Count} batch(es) were submitted before this process: polling them (their requests are not submitted again).");
                await Task.WhenAll(open.Select(b => FinishAsync(b, null, cancellationToken))).ConfigureAwait(false);
            }
            var selection = units;
            var idle = false;
            while (true)
            {
                var deferred = new ConcurrentDictionary<string, byte>(StringComparer.Ordinal);
                queue.BeginRound();
                var outcome = await runRound(selection, u => deferred.TryAdd(u.Id, 0)).ConfigureAwait(false);
                first ??= outcome;
                done += outcome.Done;
                failed += outcome.Failed;
                if (outcome.Reason != StopReason.Completed)
                {
                    return Result(outcome.Reason);
                }
                var pending = queue.Drain();
                if (!deferred.IsEmpty && queue.Stalled)
                {
                    failed += FailStalled(units.Where(u => deferred.ContainsKey(u.Id)).ToList());
                    deferred.Clear();
                }
                var budgetHit = budgetReached(0);
                if (deferred.IsEmpty || budgetHit || (pending.Count == 0 && idle))
                {
                    foreach (var file in pending)
                    {
                        File.Delete(file.Path);
                    }
                    return Result(budgetHit && !deferred.IsEmpty ? StopReason.Budget : StopReason.Completed);
                }
                // Units deferred on nothing to submit (their requests failed for good while being queued) run once more, to fail.
                idle = pending.Count == 0;
                if (!idle)
                {
                    log.WriteLine($"Round {round}: {deferred.Count} unit(s) wait for {pending.Sum(f => f.Keys.Count)} request(s); submitting them as batches.");
                    var (submitted, withheld) = await SubmitAsync(pending, round, budgetReached, cancellationToken).ConfigureAwait(false);
                    await Task.WhenAll(submitted.Select(s => FinishAsync(s.Row, s.Keys, cancellationToken))).ConfigureAwait(false);
                    round++;
                    if (withheld > 0)
                    {
                        // The answers of the batches sent are in the cache; resume with a larger budget goes on from there.
                        log.WriteLine($"--max-cost: {withheld} request(s) were not submitted: their batch could cost more than the budget has left.");
                        return Result(StopReason.Budget);
                    }
                }
                var ids = deferred.Keys.ToHashSet(StringComparer.Ordinal);
                selection = units.Where(u => ids.Contains(u.Id));
            }
        }
        catch (BatchUnknownException ex)
        {
            log.WriteLine($"error {ex.Code}: {ex.Message}. Stopped so that its requests are not submitted (and paid) twice: " +
                "resume later; resume looks the batch up again first.");
            return Result(StopReason.Cancelled);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Batches submitted are in run.db: resume polls them.
            return Result(StopReason.Cancelled);
        }
    }

    /// <summary>
    /// The progress rule: the batches of the last round answered requests and this round read none of them, so every
    /// unit deferred again asked something new (a tool's output that changes from run to run is in its request). Another
    /// round would pay for another batch and defer them again: they fail with the reason instead.
    /// </summary>
    private int FailStalled(List<WorkUnit> stalled)
    {
        const string reason = "The unit was deferred again without reading the answers batches gave it: its requests change from round to " +
            "round (tool output not reproducible?); run it without --batch.";
        log.WriteLine($"error {BatchUnanswered}: {stalled.Count} unit(s) made no progress between rounds: {reason}");
        foreach (var unit in stalled)
        {
            store.Record(UnitRecord.Failed(unit, reason, DateTimeOffset.UtcNow));
        }
        store.Flush();
        return stalled.Count;
    }

    /// <summary>
    /// Uploads each input file of the round and creates its batch, unless what it could cost at most (input tokens about
    /// a quarter of its bytes, every request answered with its max tokens, at the batch price), added to the worst case of
    /// the batches already sent this round (not yet read, so not yet spent), would pass the --max-cost budget: such a file
    /// is withheld, and the run stops once the batches sent are read.
    /// </summary>
    private async Task<(List<(BatchRow Row, HashSet<string> Keys)> Submitted, int Withheld)> SubmitAsync(IReadOnlyList<InputFile> files, int round,
        Func<double, bool> budgetReached, CancellationToken cancellationToken)
    {
        var submitted = new List<(BatchRow, HashSet<string>)>();
        var inFlight = 0.0;
        var withheld = 0;
        foreach (var file in files)
        {
            try
            {
                var worst = WorstCaseUsd(file);
                if (withheld > 0 || budgetReached(inFlight + worst))
                {
                    withheld += file.Keys.Count;
                    continue;
                }
                if (await SubmitOneAsync(file, round, cancellationToken).ConfigureAwait(false) is { } batch)
                {
                    submitted.Add(batch);
                    inFlight += worst;
                }
            }
            finally
            {
                File.Delete(file.Path);
            }
        }
        return (submitted, withheld);
    }

    private double WorstCaseUsd(InputFile file) =>
        meter.Prices.Cost(file.Model, new TokenUsage((int)Math.Min(int.MaxValue, file.Bytes / 4), (int)Math.Min(int.MaxValue, file.MaxOutputTokens)), batch: true);

    private async Task<(BatchRow Row, HashSet<string> Keys)?> SubmitOneAsync(InputFile file, int round, CancellationToken cancellationToken)
    {
        var api = apiOf(file.Target);
        var keys = file.Keys.ToHashSet(StringComparer.Ordinal);
        BatchRow? row = null;
        try
        {
            var fileId = await RetryingAsync(() => api.UploadAsync(file.Path, cancellationToken), cancellationToken).ConfigureAwait(false);
            // Recorded before the batch is created: if the process dies before the answer is stored, resume looks the batch
            // up by its input file instead of creating (and paying for) a second one.
            row = new BatchRow(0, null, fileId, round, BatchLedger.Creating, DateTimeOffset.UtcNow, keys.Count, file.Target.Endpoint, file.Target.KeyVariable, file.Model);
            row = row with { Seq = store.AddBatch(row) };
            var status = await CreateOnceAsync(api, row, cancellationToken).ConfigureAwait(false);
            store.UpdateBatch(row.Seq, status.Id, BatchLedger.Submitted);
            Interlocked.Increment(ref _batches);
            Interlocked.Add(ref _requests, keys.Count);
            log.WriteLine($"Submitted batch {status.Id}: {keys.Count} request(s) to {file.Model} at {file.Target.Endpoint}.");
            return (row with { BatchId = status.Id, State = BatchLedger.Submitted }, keys);
        }
        catch (BatchApiException ex)
        {
            var reason = $"A batch of {keys.Count} request(s) to {file.Target.Endpoint} could not be submitted: {ex.Message}";
            log.WriteLine($"error {SubmitFailed}: {reason}. They go into the next round.");
            if (row is not null)
            {
                store.UpdateBatch(row.Seq, null, BatchLedger.NeverCreated, ex.Message);
            }
            foreach (var key in keys)
            {
                queue.Unanswered(key, reason);
            }
            return null;
        }
    }

    /// <summary>
    /// Creates the batch. A failed creation may still have created it (the answer was lost): before trying again, and
    /// after the last try, the server's batches are searched for this input file, so a request is never in two batches.
    /// </summary>
    private async Task<BatchStatus> CreateOnceAsync(OpenAiBatchApi api, BatchRow row, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await api.CreateAsync(row.InputFileId, cancellationToken).ConfigureAwait(false);
            }
            catch (BatchApiException ex) when (ex.IsTransient)
            {
                if (attempt < options.TransferRetries)
                {
                    await Task.Delay(Backoff(attempt), cancellationToken).ConfigureAwait(false);
                }
                if (await FindAsync(api, row, cancellationToken).ConfigureAwait(false) is { } found)
                {
                    return found;
                }
                if (attempt >= options.TransferRetries)
                {
                    throw;
                }
            }
        }
    }

    /// <summary>
    /// The server's batch of the row's input file, or null when the server lists none. A list that cannot be read is not
    /// "absent" (that would submit the requests again, and pay twice): <see cref="BatchUnknownException"/> stops the run.
    /// </summary>
    private async Task<BatchStatus?> FindAsync(OpenAiBatchApi api, BatchRow row, CancellationToken cancellationToken)
    {
        try
        {
            var batches = await RetryingAsync(() => api.ListAsync(cancellationToken), cancellationToken).ConfigureAwait(false);
            return batches.FirstOrDefault(b => b.InputFileId == row.InputFileId);
        }
        catch (BatchApiException ex)
        {
            throw new BatchUnknownException(SubmitFailed, $"Whether the batch of input file {row.InputFileId} ({row.RequestCount} request(s) to {row.Endpoint}) " +
                $"was created cannot be told: its creation got no answer and the server's batch list could not be read ({ex.Message})", ex);
        }
    }

    private async Task<T> RetryingAsync<T>(Func<Task<T>> call, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await call().ConfigureAwait(false);
            }
            catch (BatchApiException ex) when (ex.IsTransient && attempt < options.TransferRetries)
            {
                await Task.Delay(Backoff(attempt), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private TimeSpan Backoff(int attempt) =>
        TimeSpan.FromTicks(Math.Min(options.MaxPollInterval.Ticks, options.PollInterval.Ticks * (1L << Math.Min(attempt, 10))));

    /// <summary>
    /// Waits for a batch to end, reads its output and error files into the cache, and leaves every request it did not
    /// answer for the next round. <paramref name="keys"/> are the custom ids it was sent with, or null for a batch of an
    /// earlier process (then any well-formed key is accepted: keys are hashes of the requests they answer).
    /// </summary>
    private async Task FinishAsync(BatchRow row, HashSet<string>? keys, CancellationToken cancellationToken)
    {
        var target = targetOf(row.Endpoint, row.KeyVariable);
        var api = apiOf(target);
        var batchId = row.BatchId;
        if (batchId is null)
        {
            // Killed between uploading and storing the batch's id: it exists only if the server has one for the file.
            if (await FindAsync(api, row, cancellationToken).ConfigureAwait(false) is not { } found)
            {
                store.UpdateBatch(row.Seq, null, BatchLedger.NeverCreated, "no batch of this input file on the server");
                return;
            }
            batchId = found.Id;
            store.UpdateBatch(row.Seq, batchId, BatchLedger.Submitted);
        }
        var status = await PollAsync(api, batchId, cancellationToken).ConfigureAwait(false);
        var handled = new HashSet<string>(StringComparer.Ordinal);
        var problems = new List<string>();
        if (status is not null)
        {
            foreach (var file in new[] { status.OutputFileId, status.ErrorFileId }.OfType<string>())
            {
                if (await ReadFileAsync(api, target, row with { BatchId = batchId }, file, keys, handled, cancellationToken).ConfigureAwait(false) is { } problem)
                {
                    problems.Add(problem);
                }
            }
        }
        var why = status switch
        {
            null => $"batch {batchId} could not be polled",
            { Status: "failed" } => $"batch {batchId} failed: {status.Errors ?? "the server gave no reason"}",
            { Status: "expired" } => $"batch {batchId} expired (24 h) before answering the request",
            { Status: "cancelled" } => $"batch {batchId} was cancelled before answering the request",
            _ => $"batch {batchId} ended without answering the request",
        };
        var unanswered = keys?.Where(k => !handled.Contains(k)).ToList() ?? [];
        foreach (var key in unanswered)
        {
            queue.Unanswered(key, why);
        }
        if (status is not { Status: "completed" } || unanswered.Count > 0 || problems.Count > 0)
        {
            log.WriteLine($"error {BatchUnanswered}: {char.ToUpperInvariant(why[0])}{why[1..]}" +
                (keys is null ? "" : $"; {unanswered.Count} of {keys.Count} request(s) unanswered go into the next round") +
                (problems.Count > 0 ? $" ({string.Join("; ", problems)})" : "") + ".");
        }
        store.UpdateBatch(row.Seq, batchId, status?.Status ?? "unreachable", status?.Errors ?? (problems.Count > 0 ? string.Join("; ", problems) : null));
    }

    /// <summary>Polls until the batch ends; null when the server says it does not know it (or no longer answers sensibly).</summary>
    private async Task<BatchStatus?> PollAsync(OpenAiBatchApi api, string batchId, CancellationToken cancellationToken)
    {
        var wait = options.PollInterval;
        while (true)
        {
            try
            {
                var status = await api.GetAsync(batchId, cancellationToken).ConfigureAwait(false);
                if (status.IsTerminal)
                {
                    return status;
                }
            }
            catch (BatchApiException ex) when (ex.IsAuthorization)
            {
                // The key was refused (revoked, rotated, the project's rights changed): the batch may still run and be
                // charged. Taking it for unanswered would submit its requests again; it stays open for resume instead.
                throw new BatchUnknownException(BatchUnanswered, $"Polling batch {batchId} was refused ({ex.Message}); the batch may still run, " +
                    "so it stays open in run.db (check the API key)", ex);
            }
            catch (BatchApiException ex) when (!ex.IsTransient)
            {
                log.WriteLine($"error {BatchUnanswered}: polling batch {batchId}: {ex.Message}");
                return null;
            }
            catch (BatchApiException ex)
            {
                // A network hiccup while a batch runs for hours is normal: keep polling, at the backed-off pace.
                log.WriteLine($"warning: polling batch {batchId}: {ex.Message}; polling on.");
            }
            await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
            wait = TimeSpan.FromTicks(Math.Min(options.MaxPollInterval.Ticks, wait.Ticks * 3 / 2));
        }
    }

    /// <summary>Downloads one output or error file and reads it (<see cref="BatchOutputReader"/>); returns what went wrong with the file, or null.</summary>
    private async Task<string?> ReadFileAsync(OpenAiBatchApi api, BatchTarget target, BatchRow row, string fileId, HashSet<string>? keys,
        HashSet<string> handled, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await RetryingAsync(() => api.OpenContentAsync(fileId, cancellationToken), cancellationToken).ConfigureAwait(false);
            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            return await _output.ReadAsync(stream, fileId, target, row, keys, handled, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is BatchApiException or IOException or HttpRequestException
            || (ex is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return $"file {fileId} could not be read: {ex.Message}";
        }
    }
}
