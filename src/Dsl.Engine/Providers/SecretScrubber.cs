using System.Text.Encodings.Web;
using Scheme.Model;

namespace Scheme.Engine.Providers;

/// <summary>
/// Keeps API keys off disk: replaces the value of every key variable the experiment names. Text is scrubbed where
/// it enters the runner (every model response and provider error, before the cache, the episode or a judge sees
/// it: <see cref="ScrubbingChatProvider"/>) and again where it leaves (errors, transcripts and arguments about to
/// be written). The second pass matches every encoding the writers produce: the raw key, and the key as JSON
/// writers escape it (System.Text.Json's default encoder turns <c>+ ' &lt; &gt; &amp;</c> into <c>\u002B</c>
/// and so on; the relaxed one escapes only quotes and backslashes), and as CSV doubles its quotes.
/// </summary>
public sealed class SecretScrubber
{
    public const string Mask = "[redacted]";

    /// <summary>Every spelling to replace, longest first so that no shorter spelling leaves a tail behind.</summary>
    private readonly string[] _spellings;

    public SecretScrubber(IEnumerable<string> secrets)
    {
        // Very short values would mask ordinary words; real keys are long.
        _spellings = secrets.Where(s => s.Length >= 8)
            .SelectMany(Spellings)
            .Distinct(StringComparer.Ordinal)
            .OrderByDescending(s => s.Length)
            .ToArray();
    }

    public static SecretScrubber None { get; } = new([]);

    public static SecretScrubber For(ExperimentDefinition experiment, Func<string, string?>? readVariable = null)
    {
        readVariable ??= Environment.GetEnvironmentVariable;
        var names = experiment.Checkpoints.Select(c => c.ApiKeyVariable).Append("OPENAI_API_KEY").Distinct(StringComparer.Ordinal);
        return new SecretScrubber(names.Select(readVariable).OfType<string>());
    }

    public bool IsEmpty => _spellings.Length == 0;

    public string? Scrub(string? text)
    {
        if (text is null || _spellings.Length == 0)
        {
            return text;
        }
        foreach (var secret in _spellings)
        {
            if (text.Contains(secret, StringComparison.Ordinal))
            {
                text = text.Replace(secret, Mask, StringComparison.Ordinal);
            }
        }
        return text;
    }

    /// <summary>A response with every text the model or server sent scrubbed.</summary>
    public ChatResponse Scrub(ChatResponse response)
    {
        if (_spellings.Length == 0)
        {
            return response;
        }
        return response with
        {
            Content = Scrub(response.Content)!,
            Reasoning = Scrub(response.Reasoning),
            Model = Scrub(response.Model),
            FinishReason = Scrub(response.FinishReason)!,
            ToolCalls = response.ToolCalls.Select(c => new ToolCallRequest(Scrub(c.Id)!, Scrub(c.Name)!, Scrub(c.ArgumentsJson)!)).ToList(),
        };
    }

    private static IEnumerable<string> Spellings(string secret)
    {
        yield return secret;
        yield return JavaScriptEncoder.Default.Encode(secret);
        yield return JavaScriptEncoder.UnsafeRelaxedJsonEscaping.Encode(secret);
        yield return secret.Replace("\"", "\"\"", StringComparison.Ordinal);
    }
}

/// <summary>
/// Scrubs what a provider returns before anything else sees it: a server or proxy that echoes the key in a
/// completion or an error body must not get it into the response cache (shared between runs), a transcript, a
/// judge's prompt or an error message, whole or truncated. Sits directly above the SDK provider.
/// </summary>
public sealed class ScrubbingChatProvider(IChatProvider inner, SecretScrubber scrubber) : IChatProvider
{
    public string Name => inner.Name;

    public string Endpoint => inner.Endpoint;

    public async Task<ChatResponse> CompleteAsync(ChatRequest request, CancellationToken cancellationToken = default)
    {
        try
        {
            return scrubber.Scrub(await inner.CompleteAsync(request, cancellationToken).ConfigureAwait(false));
        }
        catch (ChatProviderException ex) when (!scrubber.IsEmpty)
        {
            throw new ChatProviderException(scrubber.Scrub(ex.Message)!, ex.StatusCode, ex.IsTransient, ex.RetryAfter);
        }
    }
}
