using Sdk = OpenAI.Chat;
using System.ClientModel;
using System.ClientModel.Primitives;
using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using OpenAI;
using Scheme.Model;

namespace Scheme.Engine.Providers;

/// <summary>
/// Chat completions through the official OpenAI .NET SDK, against api.openai.com or any compatible server
/// (vLLM, a local proxy). One instance per endpoint and key; it serves every model there.
/// </summary>
/// <remarks>
/// The API key is read once from the environment variable the checkpoint names and handed only to the SDK's
/// credential, which puts it in the Authorization header: it is never part of a message, an exception
/// text, a cache key or a log line. The SDK's own retries are switched off: see <see cref="IChatProvider"/>.
/// </remarks>
public sealed class OpenAiChatProvider : IChatProvider
{
    private readonly ApiKeyCredential _credential;
    private readonly SecretScrubber _ownKey;
    private readonly OpenAIClientOptions _clientOptions;
    private readonly TimeSpan _timeout;
    private readonly ConcurrentDictionary<string, Sdk.ChatClient> _clients = new(StringComparer.Ordinal);

    /// <summary>
    /// SDK messages by the message they were made from. An episode sends its whole history every turn, and the same
    /// message objects each time: converting each once keeps an N-turn episode from copying its history N times
    /// (tool arguments become UTF-8 BinaryData). Weak, so a finished episode's messages are collected.
    /// </summary>
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<ChatMessage, Sdk.ChatMessage> Converted = new();

    public OpenAiChatProvider(string? baseUrl, string apiKeyVariable, OpenAiProviderOptions? options = null)
    {
        options ??= new OpenAiProviderOptions();
        Endpoint = (baseUrl ?? OpenAiProviderOptions.DefaultEndpoint).TrimEnd('/');
        var key = options.ReadEnvironmentVariable(apiKeyVariable);
        if (string.IsNullOrEmpty(key))
        {
            // Named, never shown: the message must be safe to print even when the variable is set elsewhere.
            throw new InvalidOperationException(
                $"The environment variable {apiKeyVariable} is not set. Set it to the API key of {Endpoint} " +
                "(any non-empty value for a server without authentication).");
        }
        _credential = new ApiKeyCredential(key);
        // A server may echo the key in an error body; it is masked before the body is quoted (and cut) in a message.
        _ownKey = new SecretScrubber([key]);
        _timeout = options.RequestTimeout;
        _clientOptions = new OpenAIClientOptions
        {
            Endpoint = new Uri(Endpoint),
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
            NetworkTimeout = options.RequestTimeout,
            Transport = new HttpClientPipelineTransport(new HttpClient(new ResponseSizeLimit(options.MaxResponseBodyBytes, options.Handler ?? new SocketsHttpHandler()))
            {
                Timeout = Timeout.InfiniteTimeSpan,
            }),
        };
    }

    public static OpenAiChatProvider For(CheckpointDefinition checkpoint, OpenAiProviderOptions? options = null) =>
        new(checkpoint.BaseUrl, checkpoint.ApiKeyVariable, options);

    public string Name => "openai";

    public string Endpoint { get; }

    public async Task<ChatResponse> CompleteAsync(ChatRequest request, CancellationToken cancellationToken = default)
    {
        var client = _clients.GetOrAdd(request.Model, model => new Sdk.ChatClient(model, _credential, _clientOptions));
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_timeout);
        // Built before sending: a malformed request is the caller's bug, not something the endpoint answered.
        var messages = request.Messages.Select(m => Converted.GetValue(m, ToSdk)).ToList();
        var options = ToOptions(request);
        System.ClientModel.ClientResult<Sdk.ChatCompletion> result;
        try
        {
            result = await client.CompleteChatAsync(messages, options, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex) when (TransportFailure.Classify(ex, Endpoint, _timeout, _ownKey) is { } failure)
        {
            throw failure;
        }
        catch (ClientResultException ex)
        {
            throw new ChatProviderException(
                $"{Endpoint} answered HTTP {ex.Status}: {Truncate(_ownKey.Scrub(ex.GetRawResponse()?.Content?.ToString()))}",
                ex.Status, ChatProviderException.IsTransientStatus(ex.Status), RetryAfter(ex.GetRawResponse()));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A 200 whose body is not a chat completion: most often a proxy's error page, so worth a retry.
            throw new ChatProviderException($"{Endpoint} answered a body that is not a chat completion ({ex.GetType().Name}: {_ownKey.Scrub(ex.Message)})", 200, true);
        }
        return Read(result.Value, result.GetRawResponse());
    }

    /// <summary>
    /// The response, read defensively: whatever a server sends in a 200 (no choices, numbers out of range, fields
    /// of the wrong type) becomes a classified <see cref="ChatProviderException"/>, never a bare exception of the SDK's.
    /// </summary>
    private ChatResponse Read(Sdk.ChatCompletion completion, PipelineResponse raw) => Read(completion, raw.Content.ToMemory());

    /// <summary>
    /// A chat completion body that did not come over this provider's own connection (a line of a batch's output file),
    /// read exactly as a live answer is; what cannot be read is a <see cref="ChatProviderException"/> as there.
    /// </summary>
    public ChatResponse ReadBody(BinaryData body)
    {
        Sdk.ChatCompletion? completion;
        try
        {
            completion = ModelReaderWriter.Read<Sdk.ChatCompletion>(body);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw new ChatProviderException($"{Endpoint} answered a body that is not a chat completion ({ex.GetType().Name}: {_ownKey.Scrub(ex.Message)})", 200, true);
        }
        return completion is null
            ? throw new ChatProviderException($"{Endpoint} answered a body that is not a chat completion.", 200, true)
            : Read(completion, body.ToMemory());
    }

    private ChatResponse Read(Sdk.ChatCompletion completion, ReadOnlyMemory<byte> raw)
    {
        var (choices, reasoning) = Inspect(raw);
        if (choices == 0)
        {
            // Some gateways answer a filtered prompt this way; a retry may be served normally.
            throw new ChatProviderException($"{Endpoint} answered a completion without choices (nothing to read).", 200, true);
        }
        try
        {
            return FromSdk(completion, reasoning);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw new ChatProviderException($"{Endpoint} answered a completion that cannot be read ({ex.GetType().Name}: {_ownKey.Scrub(ex.Message)})", 200, true);
        }
    }

#pragma warning disable OPENAI001, SCME0001 // Seed, ReasoningEffortLevel and Patch are marked experimental in the SDK.
    private static Sdk.ChatCompletionOptions ToOptions(ChatRequest request)
    {
        var p = request.Parameters;
        var options = new Sdk.ChatCompletionOptions
        {
            Temperature = (float?)p.Temperature,
            TopP = (float?)p.TopP,
            MaxOutputTokenCount = p.MaxOutputTokens,
            Seed = p.Seed,
        };
        if (p.ReasoningEffort is { } effort)
        {
            options.ReasoningEffortLevel = new Sdk.ChatReasoningEffortLevel(effort);
        }
        foreach (var tool in request.Tools)
        {
            options.Tools.Add(Sdk.ChatTool.CreateFunctionTool(tool.Name, tool.Description ?? "", BinaryData.FromString(ToolSchema.Build(tool))));
        }
        if (!request.AllowToolCalls && request.Tools.Count > 0)
        {
            options.ToolChoice = Sdk.ChatToolChoice.CreateNoneChoice();
        }
        if (request.ContinueFinalMessage)
        {
            if (request.Messages.Count == 0 || request.Messages[^1].Role != ChatRole.Assistant)
            {
                throw new ArgumentException("A prefill request must end with the assistant message to continue.", nameof(request));
            }
            // vLLM's extensions to chat completions, which the SDK does not model: its JsonPatch adds them to the
            // serialized body beside the typed fields, and the response is still read as a typed completion.
            options.Patch.Set("$.add_generation_prompt"u8, false);
            options.Patch.Set("$.continue_final_message"u8, true);
        }
        return options;
    }
#pragma warning restore OPENAI001, SCME0001

    private static Sdk.ChatMessage ToSdk(ChatMessage message)
    {
        switch (message.Role)
        {
            case ChatRole.System:
                return new Sdk.SystemChatMessage(message.Content);
            case ChatRole.User:
                return new Sdk.UserChatMessage(message.Content);
            case ChatRole.Tool:
                return new Sdk.ToolChatMessage(message.ToolCallId ?? "", message.Content);
            case ChatRole.Assistant when message.ToolCalls is { Count: > 0 } calls:
                var assistant = new Sdk.AssistantChatMessage(calls.Select(c =>
                    Sdk.ChatToolCall.CreateFunctionToolCall(c.Id, c.Name, BinaryData.FromString(c.ArgumentsJson))));
                if (message.Content.Length > 0)
                {
                    assistant.Content.Add(Sdk.ChatMessageContentPart.CreateTextPart(message.Content));
                }
                return assistant;
            case ChatRole.Assistant:
                return new Sdk.AssistantChatMessage(message.Content);
            default:
                throw new ArgumentOutOfRangeException(nameof(message), message.Role, "Unknown role.");
        }
    }

    private static ChatResponse FromSdk(Sdk.ChatCompletion completion, string? reasoning)
    {
        var text = string.Concat(completion.Content.Where(p => p.Kind == Sdk.ChatMessageContentPartKind.Text).Select(p => p.Text));
        if (text.Length == 0 && !string.IsNullOrEmpty(completion.Refusal))
        {
            text = completion.Refusal;
        }
        var calls = completion.ToolCalls
            .Select(c => new ToolCallRequest(c.Id, c.FunctionName, c.FunctionArguments?.ToString() ?? "{}"))
            .ToList();
        var usage = completion.Usage is { } u ? new TokenUsage(u.InputTokenCount, u.OutputTokenCount) : TokenUsage.Zero;
        return new ChatResponse(text, calls, reasoning, usage, FinishReason(completion.FinishReason), completion.Model);
    }

    /// <summary>
    /// The number of choices (-1 when the body has no choices array) and the reasoning of the first. OpenAI's chat
    /// API hides reasoning, but compatible servers return it beside the content: vLLM and DeepSeek as
    /// reasoning_content, OpenRouter and newer vLLM as reasoning. The SDK models neither, so both are read from
    /// the raw body.
    /// </summary>
    private static (int Choices, string? Reasoning) Inspect(ReadOnlyMemory<byte> raw)
    {
        try
        {
            using var document = JsonDocument.Parse(raw);
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("choices", out var choices) || choices.ValueKind != JsonValueKind.Array)
            {
                return (0, null);
            }
            if (choices.GetArrayLength() == 0 || choices[0].ValueKind != JsonValueKind.Object || !choices[0].TryGetProperty("message", out var message)
                || message.ValueKind != JsonValueKind.Object)
            {
                return (choices.GetArrayLength(), null);
            }
            foreach (var name in (string[])["reasoning_content", "reasoning"])
            {
                if (message.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String)
                {
                    return (choices.GetArrayLength(), value.GetString());
                }
            }
            return (choices.GetArrayLength(), null);
        }
        catch (JsonException)
        {
            return (0, null);
        }
    }

    private static string FinishReason(Sdk.ChatFinishReason reason) => reason switch
    {
        Sdk.ChatFinishReason.Stop => "stop",
        Sdk.ChatFinishReason.Length => "length",
        Sdk.ChatFinishReason.ToolCalls => "tool_calls",
        Sdk.ChatFinishReason.ContentFilter => "content_filter",
        Sdk.ChatFinishReason.FunctionCall => "function_call",
        _ => reason.ToString().ToLowerInvariant(),
    };

    /// <summary>Retry-After in seconds or as an HTTP date, or OpenAI's retry-after-ms.</summary>
    internal static TimeSpan? RetryAfter(PipelineResponse? response) =>
        response is null ? null : RetryAfter(name => response.Headers.TryGetValue(name, out var value) ? value : null);

    private static readonly TimeSpan MaxRetryAfter = TimeSpan.FromHours(1);

    /// <summary>Retry-After in seconds or as an HTTP date, or OpenAI's retry-after-ms, from headers read by name.</summary>
    internal static TimeSpan? RetryAfter(Func<string, string?> header)
    {
        // A server may say anything: "Infinity" or 1e300 is a wait past what TimeSpan holds; an hour is as long as any retry waits.
        static TimeSpan Capped(double seconds) => seconds >= MaxRetryAfter.TotalSeconds ? MaxRetryAfter : TimeSpan.FromSeconds(seconds);
        if (header("retry-after-ms") is { } ms
            && double.TryParse(ms, NumberStyles.Float, CultureInfo.InvariantCulture, out var milliseconds) && milliseconds >= 0)
        {
            return Capped(milliseconds / 1000);
        }
        if (header("Retry-After") is not { } value)
        {
            return null;
        }
        if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0)
        {
            return Capped(seconds);
        }
        return DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date)
            ? (date - DateTimeOffset.UtcNow) is var wait && wait > TimeSpan.Zero ? wait : TimeSpan.Zero
            : null;
    }

    internal static string Truncate(string? text) =>
        text is null ? "" : text.Length <= 500 ? text : text[..500] + "...";
}
