using System.Collections.Concurrent;
using System.Text;
using System.Text.Json.Nodes;
using Scheme.Engine.Providers;

namespace Scheme.Engine.Batching;

/// <summary>Where a batched request goes: one endpoint and key, and the provider that reads its answers.</summary>
/// <param name="Reader">An SDK provider of that endpoint whose transport never leaves the process: it writes the exact
/// request bodies the live provider would send and reads answer bodies as the live provider reads them.</param>
public sealed record BatchTarget(string Endpoint, string KeyVariable, OpenAiChatProvider Reader);

/// <summary>
/// One input file being filled with deferred requests (one endpoint, key and model; within the API's limits). Requests
/// go to disk as they are deferred, so a round holds only their keys in memory, never their bodies.
/// </summary>
public sealed class InputFile
{
    private readonly FileStream _stream;
    private readonly HashSet<string> _keys = new(StringComparer.Ordinal);

    internal InputFile(string directory, BatchTarget target, string model)
    {
        Target = target;
        Model = model;
        Directory.CreateDirectory(directory);
        Path = System.IO.Path.Combine(directory, $"batch-input-{Guid.NewGuid():N}.jsonl");
        _stream = new FileStream(Path, FileMode.CreateNew, FileAccess.Write, FileShare.Read, 1 << 16);
    }

    public BatchTarget Target { get; }

    public string Model { get; }

    public string Path { get; }

    /// <summary>The custom_ids (cache keys) of its requests.</summary>
    public IReadOnlySet<string> Keys => _keys;

    public long Bytes { get; private set; }

    /// <summary>The output tokens its requests may be answered with, at most (their max tokens, else <see cref="BatchQueue.UnstatedMaxTokens"/>).</summary>
    public long MaxOutputTokens { get; private set; }

    internal void Append(string key, byte[] line, int maxOutputTokens)
    {
        _stream.Write(line);
        _keys.Add(key);
        Bytes += line.Length;
        MaxOutputTokens += maxOutputTokens;
    }

    internal void Close() => _stream.Dispose();
}

/// <summary>
/// What a round of a batched run leaves behind for the batch runner, shared by every <see cref="BatchingChatProvider"/>:
/// the requests units were deferred on, written once each (however many units asked) into input files split at the
/// Batch API's limits (50,000 requests, 200 MB), answers that could not be written to the cache, and requests that failed
/// for good.
/// </summary>
public sealed class BatchQueue
{
    /// <summary>Batches a request may go through (failed, expired, cancelled, a transient per-request error) before its unit fails.</summary>
    public const int MaxAttempts = 3;

    private readonly Lock _lock = new();
    private readonly HashSet<string> _deferred = new(StringComparer.Ordinal);
    private readonly Dictionary<(string, string, string), InputFile> _open = [];
    private readonly List<InputFile> _full = [];
    private readonly ConcurrentDictionary<string, ChatResponse> _answers = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ChatProviderException> _failed = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _attempts = new(StringComparer.Ordinal);

    // The progress rule (finding: rounds replay a unit from its start, so a request that embeds a tool's changing
    // output, a date or mktemp or $RANDOM, is new each round: a new key, a new batch, paid, forever). Keys answered by the
    // batches of a round are awaited in the next: a deterministic unit reads the answer it was deferred on.
    private ConcurrentDictionary<string, byte> _answered = new(StringComparer.Ordinal);
    private ConcurrentDictionary<string, byte> _awaited = new(StringComparer.Ordinal);
    private int _awaitedCount;
    private int _awaitedRead;

    /// <summary>Where input files are written until they are uploaded (the run directory's batch-inputs).</summary>
    public string SpoolDirectory { get; set; } = Path.Combine(Path.GetTempPath(), "scheme-batch-" + Guid.NewGuid().ToString("N"));

    /// <summary>OpenAI's limits on one input file: 50,000 requests and 200 MB (kept under, with room for the upload's envelope).</summary>
    public int MaxRequestsPerFile { get; init; } = 50_000;

    public long MaxFileBytes { get; init; } = 199L * 1000 * 1000;

    /// <summary>Queues a request for the next batches (once per key per round).</summary>
    public void Defer(BatchTarget target, string model, string key, string body)
    {
        var line = Encoding.UTF8.GetBytes(InputLine(key, body) + "\n");
        lock (_lock)
        {
            if (!_deferred.Add(key))
            {
                return;
            }
            if (line.Length > MaxFileBytes)
            {
                Fail(key, new ChatProviderException(
                    $"The request is {line.Length} bytes, more than a batch input file may hold ({MaxFileBytes}); run it without --batch.", null, false));
                return;
            }
            var group = (target.Endpoint, target.KeyVariable, model);
            if (_open.TryGetValue(group, out var file) && (file.Keys.Count >= MaxRequestsPerFile || file.Bytes + line.Length > MaxFileBytes))
            {
                file.Close();
                _full.Add(file);
                _open.Remove(group);
                file = null;
            }
            if (file is null)
            {
                file = new InputFile(SpoolDirectory, target, model);
                _open[group] = file;
            }
            file.Append(key, line, MaxTokensOf(body));
        }
    }

    /// <summary>The input files of the requests deferred since the last call, closed; the caller uploads and deletes them.</summary>
    public IReadOnlyList<InputFile> Drain()
    {
        lock (_lock)
        {
            foreach (var file in _open.Values)
            {
                file.Close();
                _full.Add(file);
            }
            var drained = _full.ToList();
            _full.Clear();
            _open.Clear();
            _deferred.Clear();
            return drained;
        }
    }

    /// <summary>Output tokens assumed for a request that states no limit, for the worst-case cost of a batch (--max-cost).</summary>
    public const int UnstatedMaxTokens = 16_384;

    private static int MaxTokensOf(string body)
    {
        try
        {
            var json = JsonNode.Parse(body) as JsonObject;
            foreach (var name in new[] { "max_completion_tokens", "max_tokens" })
            {
                if (json?[name] is JsonValue value && value.TryGetValue<int>(out var n) && n > 0)
                {
                    return n;
                }
            }
        }
        catch (System.Text.Json.JsonException)
        {
            // Not JSON: the SDK wrote it, so this does not happen; the worst case is then assumed.
        }
        return UnstatedMaxTokens;
    }

    /// <summary>One line of an input file: the cache key as custom_id, the SDK's body as is (compact JSON, one line).</summary>
    private static string InputLine(string key, string body)
    {
        var compact = body.Contains('\n') ? JsonNode.Parse(body)!.ToJsonString() : body;
        return $"{{\"custom_id\":\"{key}\",\"method\":\"POST\",\"url\":\"{OpenAiBatchApi.ChatEndpoint}\",\"body\":{compact}}}";
    }

    /// <summary>An answer kept in memory because the cache could not be written (a full disk): the run still gets it.</summary>
    public void Remember(string key, ChatResponse response) => _answers[key] = response;

    public bool TryAnswer(string key, out ChatResponse response) => _answers.TryGetValue(key, out response!);

    public ChatProviderException? FailureOf(string key) => _failed.GetValueOrDefault(key);

    /// <summary>
    /// A batch did not answer the request (its batch failed, expired or was cancelled, or the answer was a transient
    /// error): it goes into the next round, unless it has been through <see cref="MaxAttempts"/> batches, when its unit
    /// fails with the reason. Returns whether it failed for good.
    /// </summary>
    public bool Unanswered(string key, string reason, int? status = null)
    {
        var attempts = _attempts.AddOrUpdate(key, 1, (_, n) => n + 1);
        if (attempts < MaxAttempts)
        {
            return false;
        }
        Fail(key, new ChatProviderException($"{reason} (after {attempts} batches)", status, false));
        return true;
    }

    /// <summary>A batch answered the request (its answer is in the cache or remembered): the next round should read it.</summary>
    public void Answered(string key) => _answered.TryAdd(key, 0);

    /// <summary>A unit read an answer from the cache.</summary>
    public void Read(string key)
    {
        if (_awaited.TryRemove(key, out _))
        {
            Interlocked.Increment(ref _awaitedRead);
        }
    }

    /// <summary>Called before each round: the answers batches gave since the last round are the ones this round should read.</summary>
    public void BeginRound()
    {
        _awaited = Interlocked.Exchange(ref _answered, new ConcurrentDictionary<string, byte>(StringComparer.Ordinal));
        _awaitedCount = _awaited.Count;
        _awaitedRead = 0;
    }

    /// <summary>
    /// After a round: batches answered requests for it and no unit read a single one of those answers. Every unit the
    /// round deferred asked again something new instead: its requests are not reproducible, and more rounds would only pay
    /// for more batches.
    /// </summary>
    public bool Stalled => _awaitedCount > 0 && Volatile.Read(ref _awaitedRead) == 0;

    /// <summary>The request failed for good: the units that ask it fail with this error, as after a live request's last retry.</summary>
    public void Fail(string key, ChatProviderException error) => _failed[key] = error;
}
