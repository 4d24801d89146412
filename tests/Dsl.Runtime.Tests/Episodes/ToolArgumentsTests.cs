using Scheme.Engine.Episodes;
using Scheme.Model;

namespace Scheme.Runtime.Tests.Episodes;

public class ToolArgumentsTests
{
    [Fact]
    public void Strings_keep_their_value_and_other_kinds_their_json()
    {
        Assert.True(ToolArguments.TryParse("""{"path":"a.txt","n":3,"ok":true,"xs":[1,"b"]}""", out var arguments, out _));
        Assert.Equal("a.txt", arguments["path"]);
        Assert.Equal("3", arguments["n"]);
        Assert.Equal("true", arguments["ok"]);
        Assert.Equal("""[1,"b"]""", arguments["xs"]);
    }

    [Theory]
    [InlineData("{not json")]
    [InlineData("[1,2]")]
    [InlineData("\"text\"")]
    public void Malformed_arguments_give_an_error_text(string json)
    {
        Assert.False(ToolArguments.TryParse(json, out _, out var error));
        Assert.NotEmpty(error);
    }

    [Fact]
    public void Empty_text_and_repeated_names_are_tolerated()
    {
        Assert.True(ToolArguments.TryParse("", out var none, out _));
        Assert.Empty(none);
        Assert.True(ToolArguments.TryParse("""{"a":"1","a":"2"}""", out var repeated, out _));
        Assert.Equal("2", repeated["a"]);
    }
}
