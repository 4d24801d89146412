namespace Scheme.Runtime.Providers;

public sealed record OpenAiProviderOptions
{
    public const string DefaultEndpoint = "https://api.openai.com/v1";

    /// <summary>How long one request may take, reasoning included; then it fails as a transient timeout.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Where the API key is read from; tests substitute it instead of touching the process environment.</summary>
    public Func<string, string?> ReadEnvironmentVariable { get; init; } = Environment.GetEnvironmentVariable;
}
