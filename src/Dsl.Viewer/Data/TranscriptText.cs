using System.Text;
using System.Text.Json;

namespace Scheme.Viewer.Data;

/// <summary>
/// What the search index keeps of a stored transcript (<c>EpisodeJson</c>): the text a researcher searches (prompts as
/// sent, reasoning, answers, tool calls with their arguments and results, follow-ups, sandbox commands and output,
/// emails, the submission) and the judges' verdicts, which the unit list filters on.
/// </summary>
public static class TranscriptText
{
    /// <summary>Text kept per unit: a model that writes megabytes must not make the index grow without bound.</summary>
    public const int MaxChars = 1_000_000;

    public sealed record Extract(string Text, IReadOnlyList<(string Judge, bool Verdict)> Verdicts);

    /// <summary>The searchable text and verdicts; a transcript that is not JSON (damaged, hand-edited) is indexed as its raw text.</summary>
    public static Extract Of(string? json)
    {
        if (string.IsNullOrEmpty(json))
        {
            return new Extract("", []);
        }
        var text = new StringBuilder();
        var verdicts = new List<(string, bool)>();
        try
        {
            using var document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 256 });
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return new Extract(Cut(json), []);
            }
            foreach (var message in Array(root, "messages"))
            {
                Add(text, message, "content");
                Add(text, message, "reasoning");
                foreach (var call in Array(message, "toolCalls"))
                {
                    Add(text, call, "name");
                    Add(text, call, "argumentsJson");
                }
            }
            foreach (var followup in Array(root, "followups"))
            {
                Add(text, followup, "question");
                Add(text, followup, "answer");
            }
            foreach (var command in Array(root, "commands"))
            {
                Add(text, command, "command");
                Add(text, command, "output");
            }
            foreach (var email in Array(root, "emails"))
            {
                Add(text, email, "to");
                Add(text, email, "subject");
                Add(text, email, "body");
            }
            if (root.TryGetProperty("submission", out var submission) && submission.ValueKind == JsonValueKind.Object)
            {
                foreach (var field in submission.EnumerateObject())
                {
                    Add(text, field.Value);
                }
            }
            foreach (var verdict in Array(root, "verdicts"))
            {
                if (verdict.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String
                    && verdict.TryGetProperty("verdict", out var value) && value.ValueKind is JsonValueKind.True or JsonValueKind.False)
                {
                    verdicts.Add((id.GetString()!, value.GetBoolean()));
                }
            }
        }
        catch (JsonException)
        {
            return new Extract(Cut(json), []);
        }
        return new Extract(Cut(text.ToString()), verdicts);
    }

    private static IEnumerable<JsonElement> Array(JsonElement parent, string name) =>
        parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(name, out var array) && array.ValueKind == JsonValueKind.Array
            ? array.EnumerateArray()
            : [];

    private static void Add(StringBuilder text, JsonElement parent, string name)
    {
        if (parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(name, out var value))
        {
            Add(text, value);
        }
    }

    private static void Add(StringBuilder text, JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.String && text.Length < MaxChars)
        {
            text.Append(value.GetString()).Append('\n');
        }
    }

    private static string Cut(string text) => text.Length <= MaxChars ? text : text[..MaxChars];
}
