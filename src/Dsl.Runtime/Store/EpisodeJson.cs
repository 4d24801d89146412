using System.Text.Json;
using System.Text.Json.Serialization;
using Scheme.Runtime.Episodes;

namespace Scheme.Runtime.Store;

/// <summary>
/// The stored form of an episode: everything in <see cref="EpisodeResult"/> but the unit (the row has it)
/// and the in-memory <see cref="Grading.Transcript"/>. camelCase, enums as names, nulls left out. The workspace is
/// stored as its change of the declared state (<c>workspace.changed</c>, <c>workspace.deleted</c>): the declared
/// files are in the definition, and storing them again for every unit is most of a transcript's size.
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
        Workspace = result.Changes ?? new WorkspaceChanges(result.Files, []),
        result.Emails,
        result.Submission,
        result.Followups,
        result.Metrics,
        result.Verdicts,
        result.ReasoningEdit,
        Indeterminate = result.Indeterminate is { Count: > 0 } indeterminate ? indeterminate : null,
        Missing = result.Missing is { Count: > 0 } missing ? missing : null,
        Limits = result.Limits is { Count: > 0 } limits ? limits : null,
    }, Options);
}
