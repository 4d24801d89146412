using System.Text.Json;
using Scheme.Contracts;

namespace Scheme.Engine.Episodes;

/// <summary>Reads the JSON arguments of a model's tool call into the string map that detectors see.</summary>
public static class ToolArguments
{
    /// <summary>
    /// Strings keep their value; numbers, booleans, arrays and objects keep their JSON text, which
    /// <see cref="Grading.Transcript.ArgumentNumber"/> and friends parse again. Empty text means no arguments.
    /// </summary>
    public static bool TryParse(string json, out IReadOnlyDictionary<string, string> arguments, out string error)
    {
        arguments = new Dictionary<string, string>();
        error = "";
        if (string.IsNullOrWhiteSpace(json))
        {
            return true;
        }
        try
        {
            using var document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                error = "Arguments must be a JSON object.";
                return false;
            }
            var parsed = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var property in document.RootElement.EnumerateObject())
            {
                // A repeated name keeps its last value, as JavaScript's JSON.parse does.
                parsed[property.Name] = property.Value.ValueKind == JsonValueKind.String
                    ? property.Value.GetString()!
                    : property.Value.GetRawText();
            }
            arguments = parsed;
            return true;
        }
        catch (JsonException ex)
        {
            error = $"Arguments are not valid JSON: {ex.Message}";
            return false;
        }
    }
}
