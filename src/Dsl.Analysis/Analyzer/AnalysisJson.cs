using System.Text.Json;
using System.Text.Json.Serialization;
using Scheme.Model;

namespace Scheme.Analysis;

/// <summary>analysis.json: the analysis for machines, snake_case like the export schema, enums as names.</summary>
public static class AnalysisJson
{
    public static JsonSerializerOptions Options { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static string Serialize(AnalysisResult result) => JsonSerializer.Serialize(result, Options);

    public static void Write(AnalysisResult result, string path)
    {
        using var stream = File.Create(path);
        JsonSerializer.Serialize(stream, result, Options);
    }
}
