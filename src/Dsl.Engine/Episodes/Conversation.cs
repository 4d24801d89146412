using Scheme.Engine.Providers;
using Scheme.Model;

namespace Scheme.Engine.Episodes;

/// <summary>
/// The model's side of one episode: the messages so far with one checkpoint, every request sent with the unit's
/// settings, the tokens used, and the environment's limits on what a response may hold. Messages are only appended.
/// </summary>
public sealed class Conversation(IChatProvider provider, string model, IReadOnlyList<ToolDefinition> tools, ChatParameters parameters, int epoch,
    EnvironmentLimits limits, IEnumerable<ChatMessage> prompts)
{
    private readonly List<ChatMessage> _messages = [.. prompts];
    private readonly List<LimitEvent> _limits = [];

    public IChatProvider Provider => provider;

    public IReadOnlyList<ChatMessage> Messages => _messages;

    public TokenUsage Usage { get; private set; } = TokenUsage.Zero;

    /// <summary>What the limits refused or cut so far, in order.</summary>
    public IReadOnlyList<LimitEvent> LimitEvents => _limits;

    public EnvironmentLimits Limits => limits;

    /// <summary>UTF-8 bytes of the conversation so far, as max_transcript_bytes counts them.</summary>
    public long Bytes { get; private set; } = prompts.Sum(ResponseLimit.Bytes);

    /// <summary>The request for the model's next turn (tools callable).</summary>
    public ChatRequest NextTurn() => new(model, _messages.ToList(), tools, parameters, epoch);

    public async Task<ChatResponse> SendAsync(ChatRequest request, CancellationToken cancellationToken)
    {
        var response = await provider.CompleteAsync(request, cancellationToken).ConfigureAwait(false);
        Usage += response.Usage;
        return response;
    }

    /// <summary>Cuts a response to max_response_bytes, recording the cut.</summary>
    public ChatResponse Bounded(ChatResponse response, int turn, string what = "")
    {
        var (bounded, cut) = ResponseLimit.Apply(response, limits.MaxResponseBytes!.Value);
        if (cut is not null)
        {
            Record(new LimitEvent(LimitNames.MaxResponseBytes, turn, what + cut));
        }
        return bounded;
    }

    public void Append(IEnumerable<ChatMessage> messages)
    {
        foreach (var message in messages)
        {
            _messages.Add(message);
            Bytes += ResponseLimit.Bytes(message);
        }
    }

    public void Record(LimitEvent limit) => _limits.Add(limit);

    /// <summary>A follow-up question and the model's answer in words (tools stay declared, but may not be called).</summary>
    public async Task<ChatResponse> AskAsync(string question, int turn, CancellationToken cancellationToken)
    {
        Append([ChatMessage.User(question)]);
        var response = await SendAsync(NextTurn() with { AllowToolCalls = false }, cancellationToken).ConfigureAwait(false);
        response = Bounded(response with { ToolCalls = [] }, turn, "Follow-up answer: ");
        Append([ChatMessage.Assistant(response.Content, null, response.Reasoning)]);
        return response;
    }
}
