using System.Text.Json;

namespace Scheme.Testing.Fakes;

/// <summary>A request as the fake server received it, headers with lower-case names.</summary>
public sealed record RecordedRequest(string Method, string Path, IReadOnlyDictionary<string, string> Headers, string Body)
{
    public JsonElement Json => JsonDocument.Parse(Body).RootElement;

    /// <summary>The messages of a chat completion request.</summary>
    public IReadOnlyList<JsonElement> Messages => Json.GetProperty("messages").EnumerateArray().ToList();
}
