using System.Text.Json;
using Scheme.Contracts;
using Scheme.Engine.Providers;
using Scheme.Model;

namespace Scheme.Runtime.Tests.Providers;

public class ToolSchemaTests
{
    [Fact]
    public void Every_parameter_is_typed_and_required_and_no_others_allowed()
    {
        var tool = new ToolDefinition("grade", false, [
            new ToolParameter("name", ValueKind.String), new ToolParameter("score", ValueKind.Number),
            new ToolParameter("pass", ValueKind.Bool), new ToolParameter("tags", ValueKind.List)]);
        var schema = JsonDocument.Parse(ToolSchema.Build(tool)).RootElement;
        var properties = schema.GetProperty("properties");
        Assert.Equal("string", properties.GetProperty("name").GetProperty("type").GetString());
        Assert.Equal("number", properties.GetProperty("score").GetProperty("type").GetString());
        Assert.Equal("boolean", properties.GetProperty("pass").GetProperty("type").GetString());
        Assert.Equal("array", properties.GetProperty("tags").GetProperty("type").GetString());
        Assert.Equal(["name", "score", "pass", "tags"], schema.GetProperty("required").EnumerateArray().Select(e => e.GetString()));
        Assert.False(schema.GetProperty("additionalProperties").GetBoolean());
    }

    [Fact]
    public void A_tool_without_parameters_has_an_empty_object_schema()
    {
        Assert.Equal("{\"type\":\"object\",\"properties\":{},\"required\":[],\"additionalProperties\":false}",
            ToolSchema.Build(new ToolDefinition("ping", false, [])));
    }
}
