using Scheme.Compiler.Semantics;
using Scheme.Compiler.Text;

namespace Scheme.Compiler.Tests.Unit;

public sealed class SourceFileAndSuggestionTests
{
    [Theory]
    [InlineData("ab\ncd", 0, 1, 1)]
    [InlineData("ab\ncd", 3, 2, 1)]
    [InlineData("ab\ncd", 4, 2, 2)]
    [InlineData("ab\r\ncd", 4, 2, 1)]
    [InlineData("ab\rcd", 3, 2, 1)]
    [InlineData("ab", 99, 1, 3)]
    public void Offsets_map_to_one_based_lines_and_columns(string text, int offset, int line, int column) =>
        Assert.Equal((line, column), new SourceFile("f.scheme", text).GetLineColumn(offset));

    [Theory]
    [InlineData("o3_AS", new[] { "o3", "o3_as", "judge" }, "o3_as")]
    [InlineData("SandbagingQA", new[] { "SandbaggingQA", "OversightSubversion" }, "SandbaggingQA")]
    [InlineData("max_turn", new[] { "max_turns", "tools", "user" }, "max_turns")]
    [InlineData("rasoning", new[] { "reasoning", "output" }, "reasoning")]
    [InlineData("completely_different", new[] { "o3", "judge" }, null)]
    [InlineData("o3", new[] { "o3" }, null)]
    public void Near_misses_are_suggested_and_far_ones_are_not(string name, string[] candidates, string? expected) =>
        Assert.Equal(expected, NameSuggester.Closest(name, candidates));

    [Fact]
    public void Transposed_letters_count_as_one_edit() => Assert.Equal(1, NameSuggester.Distance("fisher_exatc", "fisher_exact"));
}
