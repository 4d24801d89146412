using Scheme.Compiler;

namespace Scheme.LanguageServer.Workspace;

/// <summary>
/// Checks projects as their documents change: a change waits a short debounce (typing does not queue a check per key),
/// a newer change cancels a pending check, and a check whose documents changed while it ran is not published (the newer
/// one will be). Checks run one at a time, so the parse cache is never shared between two.
/// </summary>
public sealed class Analyzer(DocumentStore documents, Func<Snapshot, Task> publish)
{
    private sealed class ProjectState(SchemeProject project)
    {
        public SchemeProject Project { get; } = project;
        public Snapshot? Latest { get; set; }
        public long Generation { get; set; }
        public long CheckedGeneration { get; set; } = -1;
        public CancellationTokenSource? Pending { get; set; }
    }

    private readonly CachingSourceHost _host = new(documents);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<string, ProjectState> _projects = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    /// <summary>Files parsed by checks since last asked: 1 after a one-file edit, however many files the suite imports.</summary>
    public int TakeParsedCount() => _host.TakeParsedCount();

    /// <summary>Marks the project of a file changed and checks it after <paramref name="delay"/>, unless another change comes first.</summary>
    public void Schedule(string fullPath, TimeSpan delay)
    {
        var state = State(fullPath);
        CancellationToken token;
        lock (_lock)
        {
            state.Generation++;
            state.Pending?.Cancel();
            state.Pending = new CancellationTokenSource();
            token = state.Pending.Token;
        }
        _ = RunLaterAsync(state, delay, token);
    }

    /// <summary>The latest check of the file's project, checking first when a document changed since.</summary>
    public async Task<Snapshot> SnapshotAsync(string fullPath, CancellationToken cancellation = default)
    {
        var state = State(fullPath);
        lock (_lock)
        {
            if (state.Latest is { } latest && state.CheckedGeneration == state.Generation)
            {
                return latest;
            }
        }
        return await CheckAsync(state, publishResult: true, cancellation);
    }

    private ProjectState State(string fullPath)
    {
        var project = SchemeProject.For(fullPath);
        lock (_lock)
        {
            var key = project.SingleFile ?? project.Root;
            if (!_projects.TryGetValue(key, out var state))
            {
                _projects[key] = state = new ProjectState(project);
            }
            return state;
        }
    }

    private async Task RunLaterAsync(ProjectState state, TimeSpan delay, CancellationToken token)
    {
        try
        {
            if (delay > TimeSpan.Zero)
            {
                await Task.Delay(delay, token);
            }
            await CheckAsync(state, publishResult: true, token);
        }
        catch (OperationCanceledException)
        {
            // A newer change superseded this check.
        }
    }

    private async Task<Snapshot> CheckAsync(ProjectState state, bool publishResult, CancellationToken token)
    {
        await _gate.WaitAsync(token);
        Snapshot snapshot;
        bool current;
        try
        {
            long generation;
            lock (_lock)
            {
                if (state.Latest is { } latest && state.CheckedGeneration == state.Generation)
                {
                    return latest;
                }
                generation = state.Generation;
            }
            token.ThrowIfCancellationRequested();
            var versions = documents.All.ToDictionary(d => d.FullPath, d => d.Version, StringComparer.Ordinal);
            var project = state.Project;
            var inputs = project.Inputs(documents);
            try
            {
                var result = await BigStack.RunAsync(() => SchemeCompilation.Check(inputs, project.HasProjectFile ? project.Root : null, _host));
                snapshot = new Snapshot(project, result, versions);
            }
            catch (Exception e)
            {
                // A compiler bug must not end the session: the editor shows it, and the next edit checks again.
                snapshot = new Snapshot(project, new CompilationResult([], [], null, []), versions, $"{e.GetType().Name}: {e.Message}");
            }
            List<Snapshot> retained;
            lock (_lock)
            {
                // Copied under the lock: the RPC thread adds projects while a check runs.
                retained = _projects.Values.Select(p => p.Latest).OfType<Snapshot>().ToList();
            }
            _host.Retain(retained.Append(snapshot).SelectMany(s => s.Units.Select(u => u.File.FullPath)));
            lock (_lock)
            {
                current = generation == state.Generation;
            }
            // Published before the snapshot becomes the latest: whoever is answered from it (SnapshotAsync's fast path
            // takes no gate) has had its diagnostics sent first.
            if (publishResult && current)
            {
                await publish(snapshot);
            }
            lock (_lock)
            {
                if (generation >= state.CheckedGeneration)
                {
                    state.Latest = snapshot;
                    state.CheckedGeneration = generation;
                }
            }
        }
        finally
        {
            _gate.Release();
        }
        return snapshot;
    }
}
