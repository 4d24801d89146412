using Scheme.Engine.Store;

namespace Scheme.Engine;

/// <summary>
/// What the whole run has paid, and the <c>--max-cost</c> budget over it. The run's total is what earlier sessions
/// of this run directory paid (run.db's spend table, read once at the start), plus what the sibling shards' run
/// directories say in their spent.json (read at the start and, with a budget, re-read every <see cref="SiblingReadInterval"/>),
/// plus this process's
/// <see cref="CostMeter"/>. <see cref="Reached"/> is raised once when that total reaches the budget, by this process's
/// spending or by a sibling's.
/// </summary>
/// <remarks>
/// <para>This session's figure is written to run.db and spent.json at most every <see cref="FlushInterval"/> while it
/// changes, and at the end (<see cref="DisposeAsync"/>); a session killed with SIGKILL loses at most its last
/// interval's spending from the record, which a resume then does not count.</para>
/// <para>Across shards the budget is approximate: a shard sees the others' spending up to one
/// <see cref="SiblingInterval"/> plus one <see cref="FlushInterval"/> late, so the shards together can pass the
/// budget by about that delay times their combined spending rate (plus the requests in flight when each stops).
/// Every shard stops once the shared total it sees reaches the budget.</para>
/// <para>Reading the siblings costs N-1 file opens per shard per read, N(N-1) across the run: without a budget nothing
/// depends on them, so they are read once, at the start (the summary's run figure is then as of that moment); with one,
/// every <c>max(2 s, N x 5 ms)</c> (<see cref="SiblingReadInterval"/>), which keeps 1,000 shards on a shared file system
/// near 200,000 opens a second in all rather than 500,000. Their sum is kept as a running total, so a spend event
/// costs no pass over them.</para>
/// </remarks>
public sealed class RunBudget : IAsyncDisposable
{
    private readonly SqliteRunStore _store;
    private readonly string _runDirectory;
    private readonly CostMeter _meter;
    private readonly IReadOnlyList<string> _siblings;
    private readonly Action<string>? _warn;
    private readonly double[] _siblingTotals;
    private double _siblingsSum;
    private readonly HashSet<string> _warned = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _flushLock = new();
    private Task? _loop;
    private long _flushedMicro = -1;
    private int _reached;

    /// <param name="maxUsd">The budget for the whole run (every session and shard), or null for none.</param>
    /// <param name="siblingDirectories">The other shards' run directories (existing or not); empty for an unsharded run.</param>
    /// <param name="warn">Told once per sibling whose spent.json cannot be read (its last readable total is kept).</param>
    public RunBudget(SqliteRunStore store, string runDirectory, CostMeter meter, double? maxUsd, IReadOnlyList<string> siblingDirectories,
        Action<string>? warn = null)
    {
        _store = store;
        _runDirectory = runDirectory;
        _meter = meter;
        _siblings = siblingDirectories;
        _warn = warn;
        _siblingTotals = new double[siblingDirectories.Count];
        MaxUsd = maxUsd;
        SiblingReadInterval = TimeSpan.FromMilliseconds(Math.Max(SiblingInterval.TotalMilliseconds, (siblingDirectories.Count + 1) * 5.0));
        // Read before this session writes its own row, so it is every earlier session's.
        EarlierUsd = store.TotalSpentUsd(Session);
        ReadSiblings();
        meter.Spent += OnSpent;
    }

    public static TimeSpan FlushInterval { get; } = TimeSpan.FromSeconds(1);

    /// <summary>The shortest time between two reads of the siblings' spent.json (see <see cref="SiblingReadInterval"/>).</summary>
    public static TimeSpan SiblingInterval { get; } = TimeSpan.FromSeconds(2);

    /// <summary>How often, with a budget, the siblings are re-read: max(2 s, N x 5 ms) for N shards.</summary>
    public TimeSpan SiblingReadInterval { get; }

    /// <summary>Whether the siblings' spent.json are re-read while the run goes: only when a budget depends on them.</summary>
    public bool PollsSiblings => MaxUsd is not null && _siblings.Count > 0;

    /// <summary>This process's key in the spend table.</summary>
    public string Session { get; } = $"{DateTimeOffset.UtcNow:yyyyMMdd'T'HHmmss'Z'}-{Environment.ProcessId}-{Guid.NewGuid():N}";

    public DateTimeOffset StartedAt { get; } = DateTimeOffset.UtcNow;

    public double? MaxUsd { get; }

    /// <summary>Paid by earlier sessions (runs, resumes) of this run directory.</summary>
    public double EarlierUsd { get; }

    /// <summary>Paid by the sibling shards, as their spent.json said when last read.</summary>
    public double SiblingsUsd
    {
        get
        {
            // A running total (written under the lock by ReadSiblings): a spend event reads one double, not N.
            return Volatile.Read(ref _siblingsSum);
        }
    }

    /// <summary>Paid by this process.</summary>
    public double ThisProcessUsd => _meter.SpentUsd;

    /// <summary>Paid by the run so far: earlier sessions, sibling shards and this process.</summary>
    public double RunTotalUsd => EarlierUsd + SiblingsUsd + ThisProcessUsd;

    /// <summary>The run's total has reached the budget.</summary>
    public bool IsReached => MaxUsd is { } max && RunTotalUsd >= max;

    /// <summary>Raised once, when the run's total first reaches the budget.</summary>
    public event Action? Reached;

    /// <summary>Starts writing this session's spending and re-reading the siblings' in the background.</summary>
    public void Start()
    {
        _loop ??= Task.Run(LoopAsync);
    }

    /// <summary>Writes this session's spending now (run.db's spend row and spent.json), if it changed since the last write.</summary>
    public void Flush(bool always = false)
    {
        lock (_flushLock)
        {
            var spent = _meter.SpentUsd;
            var micro = (long)Math.Round(spent * 1e6);
            if (!always && micro == _flushedMicro)
            {
                return;
            }
            try
            {
                _store.RecordSpend(Session, StartedAt, spent);
                SpentFile.Write(_runDirectory, EarlierUsd + spent);
                _flushedMicro = micro;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or Microsoft.Data.Sqlite.SqliteException)
            {
                // Not being able to write the record must not stop the run; said once, tried again next time.
                Warn("write", $"warning: the spending of this session could not be recorded in {_runDirectory} ({e.Message}); will retry.");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _meter.Spent -= OnSpent;
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_loop is not null)
        {
            await _loop.ConfigureAwait(false);
        }
        Flush(always: true);
        _stop.Dispose();
    }

    private async Task LoopAsync()
    {
        using var timer = new PeriodicTimer(FlushInterval);
        var lastSiblings = DateTimeOffset.UtcNow;
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false))
            {
                Flush();
                if (PollsSiblings && DateTimeOffset.UtcNow - lastSiblings >= SiblingReadInterval - TimeSpan.FromMilliseconds(50))
                {
                    lastSiblings = DateTimeOffset.UtcNow;
                    ReadSiblings();
                    CheckReached();
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Disposed: the final flush follows.
        }
    }

    private void ReadSiblings()
    {
        for (var i = 0; i < _siblings.Count; i++)
        {
            try
            {
                var total = SpentFile.Read(_siblings[i]);
                lock (_siblingTotals)
                {
                    Volatile.Write(ref _siblingsSum, _siblingsSum + total - _siblingTotals[i]);
                    _siblingTotals[i] = total;
                }
            }
            catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
            {
                Warn(_siblings[i], $"warning SCH9064: {e.Message} Its last readable total is counted; the shared budget may be exceeded.");
            }
        }
    }

    private void OnSpent(double _) => CheckReached();

    private void CheckReached()
    {
        if (IsReached && Interlocked.Exchange(ref _reached, 1) == 0)
        {
            Reached?.Invoke();
        }
    }

    private void Warn(string key, string message)
    {
        lock (_warned)
        {
            if (!_warned.Add(key))
            {
                return;
            }
        }
        _warn?.Invoke(message);
    }
}
