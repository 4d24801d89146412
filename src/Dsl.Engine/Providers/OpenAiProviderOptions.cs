
namespace Scheme.Engine.Providers;

public sealed record OpenAiProviderOptions
{
    public const string DefaultEndpoint = "https://api.openai.com/v1";

    /// <summary>How long one request may take, reasoning included; then it fails as a transient timeout.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// The largest response body read from the endpoint. A larger body is refused while it streams in (never held
    /// whole in memory, never cached), and the request fails permanently with that reason. Environments cut the
    /// model's text further (<c>limits { max_response_bytes }</c>); this cap is the transport's own bound.
    /// </summary>
    public long MaxResponseBodyBytes { get; init; } = 16L << 20;

    /// <summary>Where the API key is read from; tests substitute it instead of touching the process environment.</summary>
    public Func<string, string?> ReadEnvironmentVariable { get; init; } = Environment.GetEnvironmentVariable;

    /// <summary>The transport in place of the network; null for sockets. <c>run --batch</c> gives one that only records
    /// the request bodies (see Batching/RequestCapture).</summary>
    public HttpMessageHandler? Handler { get; init; }
}
