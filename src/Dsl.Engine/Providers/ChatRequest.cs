using Scheme.Model;

namespace Scheme.Engine.Providers;

/// <param name="Tools">Tools offered to the model, already resolved (built-ins with their signatures).</param>
/// <param name="Epoch">Not sent: it keeps repeated samples of the same prompt apart in the response cache.</param>
/// <param name="AllowToolCalls">False for follow-up questions: the tools stay declared (the history holds
/// calls to them) but the model must answer in words.</param>
/// <param name="ContinueFinalMessage">Prefill: the last message is an assistant message that the model continues
/// rather than answers (vLLM's <c>continue_final_message: true</c> with <c>add_generation_prompt: false</c>).
/// Only for checkpoints with the reasoning_prefill capability.</param>
public sealed record ChatRequest(
    string Model,
    IReadOnlyList<ChatMessage> Messages,
    IReadOnlyList<ToolDefinition> Tools,
    ChatParameters Parameters,
    int Epoch = 0,
    bool AllowToolCalls = true,
    bool ContinueFinalMessage = false);
