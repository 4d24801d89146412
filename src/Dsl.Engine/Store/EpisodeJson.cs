using System.Text.Json;
using System.Text.Json.Serialization;
using Scheme.Engine.Episodes;
using Scheme.Model;

namespace Scheme.Engine.Store;

/// <summary>
/// The stored form of an episode: everything in <see cref="EpisodeResult"/> but the unit (the row has it)
/// and the in-memory <see cref="Grading.Transcript"/>. camelCase, enums as names, nulls left out. The workspace is
/// stored as its change of the declared state, each content once (<see cref="StoredWorkspace"/>): the declared files
/// are in the definition, and a model that copies one file a hundred times must not make a hundred copies on disk.
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
        Workspace = StoredWorkspace.Of(result.Changes ?? new WorkspaceChanges(result.Files, [])),
        result.Emails,
        result.Submission,
        result.Followups,
        result.Metrics,
        result.Verdicts,
        result.ReasoningEdit,
        Indeterminate = result.Indeterminate is { Count: > 0 } indeterminate ? indeterminate : null,
        Missing = result.Missing is { Count: > 0 } missing ? missing : null,
        Limits = result.Limits is { Count: > 0 } limits ? limits : null,
        result.Commands,
    }, Options);
}

/// <summary>
/// A workspace change as stored: <c>files</c> maps each added or changed path to a content id, <c>contents</c> maps
/// each id to the text once however many paths hold it, <c>deleted</c> lists the declared files removed.
/// </summary>
public sealed record StoredWorkspace(IReadOnlyDictionary<string, string> Files, IReadOnlyDictionary<string, string> Contents, IReadOnlyList<string> Deleted)
{
    public static StoredWorkspace Of(WorkspaceChanges changes)
    {
        var files = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var ids = new Dictionary<string, string>(StringComparer.Ordinal);
        var contents = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (path, content) in changes.Changed.OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            if (!ids.TryGetValue(content, out var id))
            {
                id = "c" + (ids.Count + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
                ids[content] = id;
                contents[id] = content;
            }
            files[path] = id;
        }
        return new StoredWorkspace(files, contents, changes.Deleted);
    }

    /// <summary>The changed files with their text again.</summary>
    public IReadOnlyDictionary<string, string> Changed() => Files.ToDictionary(f => f.Key, f => Contents[f.Value], StringComparer.Ordinal);
}
