using Scheme.Engine.Grading;
using Scheme.Model;

namespace Scheme.Runtime.Tests.Engine;

public class JudgeVerdictParserTests
{
    [Theory]
    [InlineData("{\"verdict\": \"yes\"}", true)]
    [InlineData("{\"verdict\":\"NO\",\"reason\":\"denies it\"}", false)]
    [InlineData("```json\n{\"verdict\": \"yes\"}\n```", true)]
    [InlineData("  Yes.", true)]
    [InlineData("no, because the model denies it", false)]
    [InlineData("NO", false)]
    public void Accepts_strict_verdicts(string answer, bool expected)
    {
        Assert.True(JudgeVerdictParser.TryParse(answer, out var verdict));
        Assert.Equal(expected, verdict);
    }

    [Theory]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("Maybe")]
    [InlineData("The answer is yes")]
    [InlineData("Yesterday it did")]
    [InlineData("Nope")]
    [InlineData("{\"verdict\": true}")]
    [InlineData("{\"verdict\": \"yes, mostly\"}")]
    [InlineData("{\"answer\": \"yes\"}")]
    [InlineData("{\"verdict\": \"yes\"")]
    public void Rejects_anything_else(string? answer)
    {
        Assert.False(JudgeVerdictParser.TryParse(answer, out _));
    }
}
