using System.Collections.Concurrent;
using Scheme.Engine.Providers;

namespace Scheme.Engine.Batching;

/// <summary>Where a batched request goes: one endpoint and key, and the provider that reads its answers.</summary>
/// <param name="Reader">An SDK provider of that endpoint whose transport never leaves the process: it writes the exact
/// request bodies the live provider would send and reads answer bodies as the live provider reads them.</param>
public sealed record BatchTarget(string Endpoint, string KeyVariable, OpenAiChatProvider Reader);

/// <summary>One request waiting for a batch: custom_id is the response cache key, body the SDK's /v1/chat/completions body.</summary>
public sealed record PendingRequest(BatchTarget Target, string Model, string Key, string Body);

/// <summary>
/// What a round of a batched run leaves behind for the batch runner, shared by every <see cref="BatchingChatProvider"/>:
/// the requests units were deferred on (each once, however many units asked it), answers that could not be written
/// to the cache, and requests that failed for good.
/// </summary>
public sealed class BatchQueue
{
    /// <summary>Batches a request may go through (failed, expired, cancelled, a transient per-request error) before its unit fails.</summary>
    public const int MaxAttempts = 3;

    private readonly ConcurrentDictionary<string, PendingRequest> _pending = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ChatResponse> _answers = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ChatProviderException> _failed = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _attempts = new(StringComparer.Ordinal);

    public void Defer(PendingRequest request) => _pending.TryAdd(request.Key, request);

    /// <summary>The requests deferred since the last call, in a stable order.</summary>
    public IReadOnlyList<PendingRequest> Drain()
    {
        var drained = new List<PendingRequest>();
        foreach (var key in _pending.Keys.Order(StringComparer.Ordinal))
        {
            if (_pending.TryRemove(key, out var request))
            {
                drained.Add(request);
            }
        }
        return drained;
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

    /// <summary>The request failed for good: the units that ask it fail with this error, as after a live request's last retry.</summary>
    public void Fail(string key, ChatProviderException error) => _failed[key] = error;
}
