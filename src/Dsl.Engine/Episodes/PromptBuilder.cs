using Scheme.Engine.Design;
using Scheme.Model;

namespace Scheme.Engine.Episodes;

/// <summary>
/// The opening messages of a unit: the environment's system and user templates rendered over the unit's params, with
/// the condition's prompt edits applied. Prompts larger than max_transcript_bytes are the suite's error, reported for
/// the unit, never cut.
/// </summary>
public static class PromptBuilder
{
    public static IReadOnlyList<ChatMessage> Build(ExperimentDefinition experiment, EnvironmentDefinition environment, WorkUnit unit,
        ManipulationDefinition? manipulation)
    {
        var messages = new List<ChatMessage>();
        var system = PromptRenderer.ApplyEdits(
            environment.System is null ? null : PromptRenderer.Render(environment.System, unit.Params), manipulation?.System ?? [], experiment);
        if (!string.IsNullOrEmpty(system))
        {
            messages.Add(ChatMessage.System(system));
        }
        var user = PromptRenderer.ApplyEdits(PromptRenderer.Render(environment.User, unit.Params), manipulation?.User ?? [], experiment);
        messages.Add(ChatMessage.User(user ?? ""));
        var bytes = messages.Sum(ResponseLimit.Bytes);
        var limit = environment.EffectiveLimits.MaxTranscriptBytes;
        if (bytes > limit)
        {
            throw new InvalidOperationException(
                $"The rendered prompts of environment '{environment.Name}' are {bytes} bytes, more than its max_transcript_bytes " +
                $"({limit}). Raise the limit in limits {{ max_transcript_bytes: ... }} or shorten the prompts.");
        }
        return messages;
    }
}
