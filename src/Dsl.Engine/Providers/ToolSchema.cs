using System.Text.Json;
using System.Text.Json.Nodes;
using Scheme.Contracts;
using Scheme.Model;

namespace Scheme.Engine.Providers;

/// <summary>The JSON schema of a tool's parameters, as function calling wants it.</summary>
public static class ToolSchema
{
    /// <summary>
    /// Every declared parameter is required and no others are allowed: the language has no optional
    /// parameters, and a strict schema keeps models from inventing arguments.
    /// </summary>
    public static string Build(ToolDefinition tool)
    {
        var properties = new JsonObject();
        foreach (var parameter in tool.Parameters)
        {
            var property = parameter.Type switch
            {
                ValueKind.String => new JsonObject { ["type"] = "string" },
                ValueKind.Number => new JsonObject { ["type"] = "number" },
                ValueKind.Bool => new JsonObject { ["type"] = "boolean" },
                ValueKind.List => new JsonObject { ["type"] = "array", ["items"] = new JsonObject { ["type"] = "string" } },
                _ => throw new ArgumentOutOfRangeException(nameof(tool), parameter.Type, "Unknown parameter type."),
            };
            // Only when declared: a schema without descriptions stays byte for byte what it was (and so do cache keys).
            if (parameter.Description is { } description)
            {
                property["description"] = description;
            }
            properties[parameter.Name] = property;
        }
        var schema = new JsonObject
        {
            ["type"] = "object",
            ["properties"] = properties,
            ["required"] = new JsonArray(tool.Parameters.Select(p => (JsonNode)JsonValue.Create(p.Name)!).ToArray()),
            ["additionalProperties"] = false,
        };
        return schema.ToJsonString(new JsonSerializerOptions { WriteIndented = false });
    }
}
