using System.Text.Json;
using System.Text.Json.Serialization;
using Scheme.Runtime.Episodes;

namespace Scheme.Runtime.Store;

/// <summary>
/// The stored form of an episode: everything in <see cref="EpisodeResult"/> but the unit (the row has it)
/// and the in-memory <see cref="Grading.Transcript"/>. camelCase, enums as names, nulls left out.
/// </summary>
public static class EpisodeJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public static string Serialize(EpisodeResult result) => JsonSerializer.Serialize(new
    {
        result.Model,
        result.End,
        result.Turns,
        result.Messages,
        Calls = result.Calls.Select(c => new { c.Tool, c.Arguments }),
        result.Files,
        result.Emails,
        result.Submission,
        result.Followups,
        result.Metrics,
        result.Verdicts,
        result.ReasoningEdit,
    }, Options);
}
