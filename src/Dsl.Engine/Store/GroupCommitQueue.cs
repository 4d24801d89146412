namespace Scheme.Engine.Store;

/// <summary>
/// How <see cref="SqliteRunStore"/> groups finished units into transactions: a group is committed when it holds
/// <see cref="MaxUnits"/> units or when its first unit has waited <see cref="MaxDelay"/>, whichever comes first.
/// </summary>
/// <remarks>
/// Chosen by measurement (tests/Dsl.Benchmarks <c>offline-path 1000000 1024 8192</c>): at a million offline units the store
/// cost 12.5 us CPU a unit in groups of 1,024 and 8.2 in groups of 8,192, because unit ids are hashes and every group
/// dirties index pages all over the unit_id index, each appended to the WAL once per commit. 20 ms keeps a live unit
/// (seconds of model time) durable within a small fraction of its own duration, and an offline group holds what
/// accumulated during the previous commit, up to 8,192 (Engine/README.md, "Durability").
/// </remarks>
/// <param name="MaxUnits">Units per group at most (at least 1; 1 is one transaction per unit, as before).</param>
/// <param name="MaxDelay">How long a finished unit may wait for its group's commit.</param>
public sealed record GroupCommit(int MaxUnits, TimeSpan MaxDelay)
{
    public static GroupCommit Default { get; } = new(8192, TimeSpan.FromMilliseconds(20));

    /// <summary>Units queued at most before <c>Record</c> waits for the writer: bounds memory when the disk is slower than the units.</summary>
    internal int MaxPending => Math.Max(4 * MaxUnits, 64);
}

/// <summary>
/// The single writer behind <see cref="SqliteRunStore.Record"/>: callers queue prepared rows and return; one dedicated
/// thread commits them in groups (see <see cref="GroupCommit"/>). A commit that fails is kept and thrown to every later
/// caller (<see cref="Add"/>, <see cref="Flush"/>), so a full disk stops the run with its reason instead of dying on a
/// background thread.
/// </summary>
/// <remarks>A dedicated thread rather than a pool task: on a loaded pool the commit would wait behind the very units
/// that fill the queue.</remarks>
internal sealed class GroupCommitQueue<TRow> : IDisposable
{
    private readonly object _gate = new();
    private readonly GroupCommit _policy;
    private readonly Action<List<TRow>> _commit;
    private readonly Func<Exception, int, Exception> _describe;
    private readonly Thread _writer;
    private List<TRow> _pending = [];
    private List<TRow> _spare = [];
    private long _queued;
    private long _committed;
    private long _flushTo;
    private long _firstPendingAt;
    private bool _stopping;
    private Exception? _failure;
    private bool _failureSeen;

    /// <param name="commit">Writes one group in one transaction; runs on the writer thread only.</param>
    /// <param name="describe">Turns a failed commit (and how many units it lost) into the exception callers see.</param>
    public GroupCommitQueue(GroupCommit policy, Action<List<TRow>> commit, Func<Exception, int, Exception> describe)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(policy.MaxUnits, 1);
        _policy = policy;
        _commit = commit;
        _describe = describe;
        _writer = new Thread(WriteLoop) { IsBackground = true, Name = "run.db group commit" };
        _writer.Start();
    }

    /// <summary>Queues a row; returns at once unless <see cref="GroupCommit.MaxPending"/> rows already wait.</summary>
    public void Add(TRow row)
    {
        lock (_gate)
        {
            while (_failure is null && _pending.Count >= _policy.MaxPending)
            {
                Monitor.Wait(_gate);
            }
            ThrowIfFailed();
            ObjectDisposedException.ThrowIf(_stopping, this);
            _pending.Add(row);
            _queued++;
            if (_pending.Count == 1)
            {
                _firstPendingAt = Environment.TickCount64;
                Monitor.PulseAll(_gate);
            }
            else if (_pending.Count == _policy.MaxUnits)
            {
                Monitor.PulseAll(_gate);
            }
        }
    }

    /// <summary>Commits everything queued so far and waits for it; throws the writer's failure if there was one.</summary>
    public void Flush()
    {
        lock (_gate)
        {
            var target = _queued;
            if (_committed < target && _failure is null)
            {
                _flushTo = Math.Max(_flushTo, target);
                Monitor.PulseAll(_gate);
                while (_committed < target && _failure is null)
                {
                    Monitor.Wait(_gate);
                }
            }
            ThrowIfFailed();
        }
    }

    /// <summary>Commits what is queued and stops the writer. Throws a failure no caller has seen yet (a lost group must
    /// not go unnoticed), never one already thrown.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_stopping)
            {
                return;
            }
            _stopping = true;
            Monitor.PulseAll(_gate);
        }
        _writer.Join();
        lock (_gate)
        {
            if (_failure is not null && !_failureSeen)
            {
                _failureSeen = true;
                throw _failure;
            }
        }
    }

    private void ThrowIfFailed()
    {
        if (_failure is not null)
        {
            _failureSeen = true;
            throw _failure;
        }
    }

    private void WriteLoop()
    {
        lock (_gate)
        {
            while (true)
            {
                if (_pending.Count == 0)
                {
                    if (_stopping || _failure is not null)
                    {
                        return;
                    }
                    Monitor.Wait(_gate);
                    continue;
                }
                // Wait for a full group, the first unit's deadline, a flush or the end, whichever comes first.
                while (_pending.Count < _policy.MaxUnits && _flushTo <= _committed && !_stopping)
                {
                    var left = _firstPendingAt + (long)_policy.MaxDelay.TotalMilliseconds - Environment.TickCount64;
                    if (left <= 0)
                    {
                        break;
                    }
                    Monitor.Wait(_gate, TimeSpan.FromMilliseconds(left));
                }
                var group = _pending;
                _pending = _spare;
                _spare = group;
                // Room in the queue again: callers waiting on a full queue go on while this group is written.
                Monitor.PulseAll(_gate);
                Exception? failure = null;
                Monitor.Exit(_gate);
                try
                {
                    _commit(group);
                }
                catch (Exception ex)
                {
                    failure = ex;
                }
                finally
                {
                    Monitor.Enter(_gate);
                }
                if (failure is not null)
                {
                    // The group and everything still queued are lost: said once, with how many, to whoever asks next.
                    _failure = _describe(failure, group.Count + _pending.Count);
                    _pending.Clear();
                    group.Clear();
                    Monitor.PulseAll(_gate);
                    return;
                }
                _committed += group.Count;
                group.Clear();
                Monitor.PulseAll(_gate);
            }
        }
    }
}
