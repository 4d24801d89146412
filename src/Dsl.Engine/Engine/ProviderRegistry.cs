using Scheme.Contracts;
using Scheme.Engine.Batching;
using Scheme.Engine.Caching;
using Scheme.Engine.Episodes;
using Scheme.Engine.Providers;
using Scheme.Engine.Providers.Harmony;
using Scheme.Engine.Store;
using Scheme.Model;

namespace Scheme.Engine;

/// <summary>
/// Builds, once per endpoint and key variable, the provider stack every request of a checkpoint goes through:
/// response cache (outermost, so hits are free and unthrottled), then limits, retries and cost metering, then
/// the SDK provider. Checkpoints on one endpoint share one limiter, which is how endpoint quotas work.
/// </summary>
public sealed class ProviderRegistry : IAsyncDisposable
{
    public const string OpenAi = ProviderKinds.OpenAi;
    public const string Simulated = ProviderKinds.Simulated;
    public const string Replay = ProviderKinds.Replay;

    private readonly ExperimentDefinition _experiment;
    private readonly EngineSettings _settings;
    private readonly CostMeter _meter;
    private readonly RunCounters _counters;
    private readonly Func<string, string?> _readVariable;
    private readonly Dictionary<string, IChatProvider> _chat = new(StringComparer.Ordinal);
    private readonly Dictionary<string, EndpointLimiter> _limiters = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private readonly ResponseCache? _cache;
    private readonly SimulatedExecutor _simulated;
    private readonly EpisodeExecutor _episodes;
    private readonly SqliteRunStore? _replaySource;
    private readonly ReplayExecutor? _replay;
    private readonly SecretScrubber _scrubber;
    private readonly Dictionary<string, BatchTarget> _batchTargets = new(StringComparer.Ordinal);
    private readonly Dictionary<BatchTarget, OpenAiBatchApi> _batchApis = [];

    /// <param name="sandboxes">Where episodes of environments with a sandbox run (checked before the run by the caller).</param>
    public ProviderRegistry(ExperimentDefinition experiment, EngineSettings settings, CostMeter meter, RunCounters counters,
        Func<string, string?>? readVariable = null, Sandbox.ISandboxBackend? sandboxes = null)
    {
        _experiment = experiment;
        _settings = settings;
        _meter = meter;
        _counters = counters;
        _readVariable = readVariable ?? Environment.GetEnvironmentVariable;
        _scrubber = SecretScrubber.For(experiment, _readVariable);
        _cache = settings.NoCache || settings.Offline ? null : new ResponseCache(settings.CacheDirectory ?? EngineSettings.DefaultCacheDirectory());
        _simulated = new SimulatedExecutor(experiment);
        _episodes = new EpisodeExecutor(new EpisodeRunner(experiment, Chat) { Sandboxes = sandboxes });
        if (settings.ReplayDirectory is { } replay && File.Exists(Path.Combine(replay, SqliteRunStore.FileName)))
        {
            _replaySource = SqliteRunStore.Open(replay);
            _replay = new ReplayExecutor(experiment, _replaySource, Chat) { Sandboxes = sandboxes };
        }
    }

    public SimulatedExecutor SimulatedUnits => _simulated;

    /// <summary>The response cache (null with --no-cache or --offline).</summary>
    public ResponseCache? Cache => _cache;

    /// <summary>With --batch: the requests units were deferred on, shared by every batching provider.</summary>
    public BatchQueue Batches { get; } = new();

    /// <summary>
    /// Whether a checkpoint's requests go through the Batch API under --batch: openai chat checkpoints do; a harmony
    /// checkpoint (raw /v1/completions prompts) runs live, as do prefill continuations of any checkpoint.
    /// </summary>
    public bool IsBatched(CheckpointDefinition checkpoint) =>
        _settings.Batch && _cache is not null && KindOf(checkpoint) == OpenAi && checkpoint.Format != ReasoningFormats.Harmony;

    /// <summary>The batch target of an endpoint and key variable: its SDK provider that captures and reads bodies without a network.</summary>
    public BatchTarget BatchTarget(string endpoint, string keyVariable)
    {
        lock (_lock)
        {
            var key = endpoint + "\n" + keyVariable;
            if (!_batchTargets.TryGetValue(key, out var target))
            {
                var reader = new OpenAiChatProvider(endpoint, keyVariable, new OpenAiProviderOptions
                {
                    ReadEnvironmentVariable = _readVariable,
                    MaxResponseBodyBytes = MaxResponseBodyBytes(_experiment),
                    Handler = new RequestCapture(),
                });
                target = new BatchTarget(endpoint, keyVariable, reader);
                _batchTargets[key] = target;
            }
            return target;
        }
    }

    /// <summary>The files and batches API of a batch target, with the key of its variable.</summary>
    public OpenAiBatchApi BatchApi(BatchTarget target)
    {
        lock (_lock)
        {
            if (!_batchApis.TryGetValue(target, out var api))
            {
                var key = _readVariable(target.KeyVariable);
                if (string.IsNullOrEmpty(key))
                {
                    throw new InvalidOperationException($"The environment variable {target.KeyVariable} is not set: the batches of {target.Endpoint} cannot be polled.");
                }
                api = new OpenAiBatchApi(target.Endpoint, key, _settings.RequestTimeout ?? new OpenAiProviderOptions().RequestTimeout);
                _batchApis[target] = api;
            }
            return api;
        }
    }

    /// <summary>
    /// The transport's bound on a response body: room for the largest model text any environment keeps
    /// (max_response_bytes) with JSON's escaping and envelope around it. Bodies past it are refused unread.
    /// </summary>
    public static long MaxResponseBodyBytes(ExperimentDefinition experiment) =>
        experiment.Environments.Select(e => e.EffectiveLimits.MaxResponseBytes!.Value).DefaultIfEmpty(EnvironmentLimits.Default.MaxResponseBytes!.Value).Max() * 4
        + (1L << 20);

    /// <summary>The provider kind a checkpoint runs with in this run.</summary>
    public string KindOf(CheckpointDefinition checkpoint) => _settings.Offline ? Simulated : checkpoint.Provider;

    /// <summary>The provider kind of a checkpoint's units: as <see cref="KindOf"/>, but replayed with --replay.</summary>
    private string UnitKindOf(CheckpointDefinition checkpoint) =>
        _settings.ReplayDirectory is not null && KindOf(checkpoint) != Simulated ? Replay : KindOf(checkpoint);

    /// <summary>
    /// Everything that would make the run fail on its first request, found before it starts: unknown or
    /// unsupported providers, missing API keys, reasoning edits on checkpoints that cannot prefill their
    /// reasoning (or in replay, which cannot reproduce the edit).
    /// </summary>
    /// <param name="planned">The (checkpoint, condition) pairs of the units that will actually run: a condition is
    /// checked only against the checkpoints it is paired with, never against every selected checkpoint.</param>
    public IReadOnlyList<string> Validate(IEnumerable<(string Checkpoint, string Condition)> planned)
    {
        var errors = new List<string>();
        if (_settings.ReplayDirectory is { } replay && _replaySource is null)
        {
            errors.Add($"--replay {replay}: not a run directory (no {SqliteRunStore.FileName}).");
        }
        foreach (var (name, conditions) in planned.Distinct().GroupBy(p => p.Checkpoint, p => p.Condition).Select(g => (g.Key, g.ToList())))
        {
            var checkpoint = _experiment.Checkpoint(name);
            var kind = UnitKindOf(checkpoint);
            if (kind == Simulated)
            {
                continue;
            }
            if (ReasoningFormats.Find(checkpoint.ReasoningFormat) is null)
            {
                // A hand-built definition: the compiler accepts only the closed set.
                errors.Add($"Checkpoint '{checkpoint.Name}' has reasoning_format '{checkpoint.ReasoningFormat}'; known: {string.Join(", ", ReasoningFormats.Names)}.");
                continue;
            }
            foreach (var manipulation in _experiment.Manipulations.Where(m => m.Reasoning is not null && conditions.Contains(m.Name)))
            {
                CheckReasoningEdit(manipulation, checkpoint, kind, errors);
            }
            var needed = _experiment.Judges.Select(j => _experiment.Checkpoint(j.Checkpoint));
            foreach (var judge in (kind == Replay ? needed : needed.Append(checkpoint)).DistinctBy(c => c.Name))
            {
                CheckLive(judge, errors);
            }
        }
        return errors.Distinct().ToList();
    }

    /// <summary>
    /// A reasoning edit continues the model's own edited reasoning, which only endpoints that accept prefill can do
    /// (vLLM; not OpenAI's hosted models, not llama.cpp in thinking mode). The checkpoint says so with its
    /// capabilities; the compiler rejects the pairing too, but a runner is not always built by it.
    /// </summary>
    private static void CheckReasoningEdit(ManipulationDefinition manipulation, CheckpointDefinition checkpoint, string kind, List<string> errors)
    {
        if (kind == Replay)
        {
            errors.Add($"Condition '{manipulation.Name}' edits the model's reasoning, which --replay cannot reproduce (the recording holds " +
                "only the edited turn). Leave the condition out of the replay.");
            return;
        }
        var format = checkpoint.Format;
        var missing = manipulation.Requires.Append(ReasoningManipulator.Capability).Select(format.Meeting).Distinct().Where(c => !checkpoint.Has(c)).ToList();
        if (missing.Count > 0 && format == ReasoningFormats.Harmony)
        {
            errors.Add($"Condition '{manipulation.Name}' edits the model's reasoning, which needs capability {string.Join(", ", missing)}; " +
                $"checkpoint '{checkpoint.Name}' (reasoning_format harmony) does not declare it. Declare {Capabilities.RawCompletions} only if its " +
                "endpoint serves /v1/completions with a raw Harmony prompt (vLLM); otherwise run with --offline, or leave the condition out.");
        }
        else if (missing.Count > 0)
        {
            errors.Add($"Condition '{manipulation.Name}' edits the model's reasoning, which needs capability {string.Join(", ", missing)}; " +
                $"checkpoint '{checkpoint.Name}' does not declare it. Declare it (capabilities: [{ReasoningManipulator.Capability}]) only if " +
                "its endpoint continues a final assistant message (vLLM's continue_final_message); otherwise run with --offline, " +
                "or leave the condition or the checkpoint out.");
        }
    }

    /// <summary>The lane of a checkpoint's units: simulated units need no endpoint and share one partition.</summary>
    public UnitLane LaneOf(string checkpointName)
    {
        var checkpoint = _experiment.Checkpoint(checkpointName);
        return UnitKindOf(checkpoint) switch
        {
            Simulated => new UnitLane("simulated", _simulated),
            // Replayed turns need no endpoint; units share the judges' limits through Chat.
            Replay when _replay is not null => new UnitLane("replay", _replay),
            _ => new UnitLane(EndpointOf(checkpoint), _episodes),
        };
    }

    /// <summary>The chat provider of a checkpoint (judges included), built on first use.</summary>
    public IChatProvider Chat(CheckpointDefinition checkpoint)
    {
        var kind = KindOf(checkpoint);
        if (kind != OpenAi)
        {
            throw new NotSupportedException($"Checkpoint '{checkpoint.Name}' uses provider '{kind}', which cannot answer chat requests.");
        }
        var endpoint = EndpointOf(checkpoint);
        var harmony = checkpoint.Format == ReasoningFormats.Harmony;
        var key = endpoint + "\n" + checkpoint.ApiKeyVariable + (harmony ? "\n" + HarmonyCompletionsProvider.Kind : "");
        lock (_lock)
        {
            if (_chat.TryGetValue(key, out var provider))
            {
                return provider;
            }
            if (!_limiters.TryGetValue(endpoint, out var limiter))
            {
                limiter = new EndpointLimiter(new EndpointLimits(_settings.Concurrency, _settings.RequestsPerMinute, _settings.TokensPerMinute));
                _limiters[endpoint] = limiter;
            }
            var options = new OpenAiProviderOptions
            {
                ReadEnvironmentVariable = _readVariable,
                RequestTimeout = _settings.RequestTimeout ?? new OpenAiProviderOptions().RequestTimeout,
                MaxResponseBodyBytes = MaxResponseBodyBytes(_experiment),
            };
            // A harmony checkpoint (gpt-oss) sends every request, judges' included, as a raw Harmony prompt.
            IChatProvider transport = harmony
                ? new HarmonyCompletionsProvider(endpoint, checkpoint.ApiKeyVariable, options)
                : new OpenAiChatProvider(endpoint, checkpoint.ApiKeyVariable, options);
            var scrubbed = new ScrubbingChatProvider(transport, _scrubber);
            provider = new ResilientChatProvider(scrubbed, limiter, _settings.Retry ?? new RetryPolicy(), _meter, _counters);
            if (_cache is not null)
            {
                provider = new CachingChatProvider(provider, _cache);
            }
            if (IsBatched(checkpoint))
            {
                provider = new BatchingChatProvider(provider, _cache!, BatchTarget(endpoint, checkpoint.ApiKeyVariable), Batches);
            }
            _chat[key] = provider;
            return provider;
        }
    }

    public async ValueTask DisposeAsync()
    {
        _replaySource?.Dispose();
        foreach (var api in _batchApis.Values)
        {
            api.Dispose();
        }
        foreach (var limiter in _limiters.Values)
        {
            await limiter.DisposeAsync().ConfigureAwait(false);
        }
    }

    private string EndpointOf(CheckpointDefinition checkpoint) =>
        (_settings.Endpoint ?? checkpoint.BaseUrl ?? OpenAiProviderOptions.DefaultEndpoint).TrimEnd('/');

    private void CheckLive(CheckpointDefinition checkpoint, List<string> errors)
    {
        var kind = KindOf(checkpoint);
        if (kind == Replay)
        {
            errors.Add($"Checkpoint '{checkpoint.Name}' uses provider 'replay': give the recorded run with --replay DIR.");
        }
        else if (kind != OpenAi)
        {
            errors.Add($"Checkpoint '{checkpoint.Name}' uses provider '{kind}'; known providers: openai, simulated.");
        }
        else if (ReasoningFormats.Find(checkpoint.ReasoningFormat) is null)
        {
            errors.Add($"Checkpoint '{checkpoint.Name}' has reasoning_format '{checkpoint.ReasoningFormat}'; known: {string.Join(", ", ReasoningFormats.Names)}.");
        }
        else if (checkpoint.Model is null)
        {
            errors.Add($"Checkpoint '{checkpoint.Name}' has no model.");
        }
        else if (string.IsNullOrEmpty(_readVariable(checkpoint.ApiKeyVariable)))
        {
            errors.Add($"The environment variable {checkpoint.ApiKeyVariable} (API key of checkpoint '{checkpoint.Name}') is not set; " +
                "set it, or use --offline for a simulated run.");
        }
    }
}
