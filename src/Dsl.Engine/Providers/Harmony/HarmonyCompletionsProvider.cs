using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Scheme.Model;

namespace Scheme.Engine.Providers.Harmony;

/// <summary>
/// Requests of a <c>reasoning_format: harmony</c> checkpoint (gpt-oss): each chat request is rendered to a Harmony
/// prompt (<see cref="HarmonyPrompt"/>) and sent to the raw completions endpoint (<c>POST {base_url}/completions</c>,
/// as vLLM serves it), and the generated text is read back by channel (<see cref="HarmonyOutput"/>). This is how a
/// reasoning edit can prefill gpt-oss's analysis channel, which chat completions cannot.
/// </summary>
/// <remarks>
/// The OpenAI .NET SDK has no client for the legacy completions API, so this is a plain HttpClient with the same
/// guarantees as <see cref="OpenAiChatProvider"/>: the key only in the Authorization header, a per-request timeout,
/// bodies bounded while they stream in, and every failure or unreadable 200 a classified <see cref="ChatProviderException"/>.
/// The body asks vLLM for <c>skip_special_tokens: false</c> (else the channel markers are stripped from the text) and
/// always states <c>max_tokens</c> (the completions API's own default is 16 tokens).
/// </remarks>
public sealed class HarmonyCompletionsProvider : IChatProvider
{
    /// <summary>The provider's name: part of the response cache key, so a Harmony answer is never served to a chat request.</summary>
    public const string Kind = "openai-harmony";

    /// <summary>max_tokens when the checkpoint sets none.</summary>
    public const int DefaultMaxTokens = 16384;

    private readonly HttpClient _http;
    private readonly string _key;
    private readonly SecretScrubber _ownKey;
    private readonly TimeSpan _timeout;

    public HarmonyCompletionsProvider(string? baseUrl, string apiKeyVariable, OpenAiProviderOptions? options = null)
    {
        options ??= new OpenAiProviderOptions();
        Endpoint = (baseUrl ?? OpenAiProviderOptions.DefaultEndpoint).TrimEnd('/');
        var key = options.ReadEnvironmentVariable(apiKeyVariable);
        if (string.IsNullOrEmpty(key))
        {
            throw new InvalidOperationException(
                $"The environment variable {apiKeyVariable} is not set. Set it to the API key of {Endpoint} " +
                "(any non-empty value for a server without authentication).");
        }
        _key = key;
        _ownKey = new SecretScrubber([key]);
        _timeout = options.RequestTimeout;
        _http = new HttpClient(new ResponseSizeLimit(options.MaxResponseBodyBytes, new SocketsHttpHandler())) { Timeout = Timeout.InfiniteTimeSpan };
    }

    public string Name => Kind;

    public string Endpoint { get; }

    /// <summary>The JSON body of the request: the model, the rendered prompt and the sampling settings.</summary>
    public static JsonObject Body(ChatRequest request)
    {
        var p = request.Parameters;
        var body = new JsonObject
        {
            ["model"] = request.Model,
            ["prompt"] = HarmonyPrompt.Render(request),
            ["max_tokens"] = p.MaxOutputTokens ?? DefaultMaxTokens,
            ["skip_special_tokens"] = false,
            ["stop"] = new JsonArray(HarmonyPrompt.Return, HarmonyPrompt.Call),
        };
        if (p.Temperature is { } temperature)
        {
            body["temperature"] = temperature;
        }
        if (p.TopP is { } topP)
        {
            body["top_p"] = topP;
        }
        if (p.Seed is { } seed)
        {
            body["seed"] = seed;
        }
        return body;
    }

    public async Task<ChatResponse> CompleteAsync(ChatRequest request, CancellationToken cancellationToken = default)
    {
        // Built before sending: a malformed request is the caller's bug, not something the endpoint answered.
        var body = Body(request).ToJsonString();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_timeout);
        using var message = new HttpRequestMessage(HttpMethod.Post, Endpoint + "/completions")
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _key);
        string text;
        int status;
        HttpResponseMessage? response = null;
        try
        {
            response = await _http.SendAsync(message, timeout.Token).ConfigureAwait(false);
            status = (int)response.StatusCode;
            text = await response.Content.ReadAsStringAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex) when (TransportFailure.Classify(ex, Endpoint, _timeout, _ownKey) is { } failure)
        {
            throw failure;
        }
        using (response)
        {
            if (status is < 200 or > 299)
            {
                throw new ChatProviderException($"{Endpoint} answered HTTP {status}: {OpenAiChatProvider.Truncate(_ownKey.Scrub(text))}",
                    status, ChatProviderException.IsTransientStatus(status),
                    OpenAiChatProvider.RetryAfter(name => response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null));
            }
        }
        return Read(text, request);
    }

    /// <summary>
    /// A completion body, read defensively: anything but a first choice with a text (no choices, wrong types, not
    /// JSON: most often a proxy's error page) is a transient <see cref="ChatProviderException"/>.
    /// </summary>
    private ChatResponse Read(string body, ChatRequest request)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("choices", out var choices) || choices.ValueKind != JsonValueKind.Array
                || choices.GetArrayLength() == 0 || choices[0].ValueKind != JsonValueKind.Object
                || !choices[0].TryGetProperty("text", out var textElement) || textElement.ValueKind != JsonValueKind.String)
            {
                throw new ChatProviderException($"{Endpoint} answered a completion without a choice's text (nothing to read).", 200, true);
            }
            var output = HarmonyOutput.Parse(textElement.GetString()!, HarmonyPrompt.OpenHeader(request));
            var finish = choices[0].TryGetProperty("finish_reason", out var f) && f.ValueKind == JsonValueKind.String ? f.GetString()! : "stop";
            if (output.ToolCalls.Count > 0 && finish == "stop")
            {
                finish = "tool_calls";
            }
            var model = root.TryGetProperty("model", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
            // A continuation's reasoning is what followed the prefix, even if empty: the caller adds the prefix.
            var reasoning = request.ContinueFinalMessage ? output.Reasoning ?? "" : output.Reasoning;
            return new ChatResponse(output.Content, output.ToolCalls, reasoning, Usage(root), finish, model);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException)
        {
            // Not JSON, or text JSON cannot give as a string (a lone surrogate): most often a proxy's error page, worth a retry.
            throw new ChatProviderException($"{Endpoint} answered a body that is not a completion ({_ownKey.Scrub(ex.Message)})", 200, true);
        }
    }

    private static TokenUsage Usage(JsonElement root)
    {
        if (!root.TryGetProperty("usage", out var usage) || usage.ValueKind != JsonValueKind.Object)
        {
            return TokenUsage.Zero;
        }
        static int Count(JsonElement usage, string name) =>
            usage.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var n) && n >= 0 ? n : 0;
        return new TokenUsage(Count(usage, "prompt_tokens"), Count(usage, "completion_tokens"));
    }
}
