
namespace Scheme.Engine;

/// <summary>Everything the command line decides about how a run talks to its endpoints.</summary>
/// <param name="Offline">Every checkpoint uses the simulated provider: no request leaves the process.</param>
/// <param name="Endpoint">Replaces the base URL of every openai checkpoint (a local vLLM, a test server).</param>
/// <param name="CacheDirectory">The shared response cache; null with <paramref name="NoCache"/>.</param>
/// <param name="ReplayDirectory">Replay the transcripts recorded there instead of asking the models (judges stay live).</param>
/// <param name="Concurrency">Units in flight per endpoint, and concurrent requests per endpoint.</param>
/// <param name="Batch">Send openai checkpoints' chat requests through the OpenAI Batch API, in rounds (see Engine/BatchRunner).</param>
/// <param name="PollInterval">With <paramref name="Batch"/>: the first wait between polls of a batch.</param>
public sealed record EngineSettings(
    bool Offline = false,
    string? Endpoint = null,
    string? CacheDirectory = null,
    bool NoCache = false,
    int Concurrency = 8,
    int? RequestsPerMinute = null,
    int? TokensPerMinute = null,
    TimeSpan? RequestTimeout = null,
    RetryPolicy? Retry = null,
    double? MaxCostUsd = null,
    string? ReplayDirectory = null,
    bool Batch = false,
    TimeSpan? PollInterval = null)
{
    /// <summary>The user cache directory: $XDG_CACHE_HOME/scheme/responses, else ~/.cache/scheme/responses.</summary>
    public static string DefaultCacheDirectory()
    {
        var root = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        if (string.IsNullOrEmpty(root))
        {
            root = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        }
        return Path.Combine(root, "scheme", "responses");
    }
}
