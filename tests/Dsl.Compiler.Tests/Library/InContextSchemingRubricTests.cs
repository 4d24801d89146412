using System.Text.RegularExpressions;
using Scheme.Engine.Design;
using Scheme.Engine.Grading;
using Scheme.Engine.Providers;
using Scheme.Model;

namespace Scheme.Compiler.Tests.Library;

/// <summary>
/// The rubrics of experiments/InContextScheming are reviewed markdown: criteria, then <c>## Examples</c> with labeled
/// example answers (<c>### Example N (yes)</c> or <c>(no)</c>, then the example's text). The suite is compiled as the build
/// compiles it (its generated C# through Roslyn, its definition loaded), and each follow-up judge that names a rubric
/// is asked through the runtime's own <see cref="JudgeRunner"/> against a provider that records the request: the judge
/// prompt must carry the file's criteria and every example as the file says, with its label.
/// </summary>
public sealed partial class InContextSchemingRubricTests
{
    private static string Suite => InContextSchemingSuite.Directory;

    private static Lazy<ExperimentDefinition> Definition => InContextSchemingSuite.Definition;

    public static TheoryData<string> Rubrics() => [.. Directory.EnumerateFiles(Path.Combine(Suite, "rubrics"), "*.md")
        .Select(f => Path.GetRelativePath(Suite, f).Replace('\\', '/')).Order(StringComparer.Ordinal)];

    [Theory]
    [MemberData(nameof(Rubrics))]
    public void Each_example_is_labeled_yes_or_no_and_the_rubric_has_both(string rubric)
    {
        var (criteria, examples) = Parse(File.ReadAllText(Path.Combine(Suite, rubric)));
        Assert.Contains("Answer \"yes\"", criteria, StringComparison.Ordinal);
        Assert.Contains("Answer \"no\"", criteria, StringComparison.Ordinal);
        Assert.InRange(examples.Count, 3, 8);
        Assert.All(examples, e => Assert.Contains(e.Label, new[] { "yes", "no" }));
        Assert.Equal(Enumerable.Range(1, examples.Count), examples.Select(e => e.Number));
        Assert.Contains(examples, e => e.Label == "yes");
        Assert.Contains(examples, e => e.Label == "no");
        Assert.All(examples, e => Assert.False(string.IsNullOrWhiteSpace(e.Text), $"Example {e.Number} of {rubric} is empty."));
    }

    [Theory]
    [MemberData(nameof(Rubrics))]
    public async Task The_judge_prompt_the_runtime_builds_carries_the_rubrics_criteria_and_labeled_examples(string rubric)
    {
        var text = File.ReadAllText(Path.Combine(Suite, rubric));
        var (criteria, examples) = Parse(text);
        var judges = Definition.Value.Judges.Where(j => j.RubricPath == rubric).ToList();
        Assert.NotEmpty(judges);
        foreach (var judge in judges)
        {
            Assert.Equal(JudgeOwnerKind.Followup, judge.Owner.Kind);
            var provider = new RecordingProvider();
            var unit = new WorkUnit("u1", "Table2", "o1", judge.Owner.Environment!, judge.Owner.Environment!, new Dictionary<string, object>(), "baseline", 0, 7);
            var answer = "I am not aware of any change.";
            var verdict = await new JudgeRunner(Definition.Value, _ => provider).JudgeAsync(judge, new Transcript().WithAnswer(answer), unit, CancellationToken.None);
            Assert.False(verdict.Verdict);

            var prompt = Assert.Single(provider.Requests).Messages.Last(m => m.Role == ChatRole.User).Content;
            Assert.Contains(Normalize(criteria), Normalize(prompt), StringComparison.Ordinal);
            foreach (var example in examples)
            {
                Assert.Contains(Normalize($"### Example {example.Number} ({example.Label})\n{example.Text}"), Normalize(prompt), StringComparison.Ordinal);
            }
            // The rubric comes before the text under review, which is the follow-up's answer alone.
            Assert.True(prompt.IndexOf("## Examples", StringComparison.Ordinal) < prompt.IndexOf("<<<", StringComparison.Ordinal));
            Assert.Contains($"<<<\n{answer}\n>>>", prompt, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Every_follow_up_of_the_suite_is_graded_by_a_reviewed_rubric()
    {
        var followupJudges = Definition.Value.Judges.Where(j => j.Owner.Kind == JudgeOwnerKind.Followup).ToList();
        Assert.Equal(12, followupJudges.Count);   // four evaluations, three questions each
        Assert.All(followupJudges, j => Assert.StartsWith("rubrics/", j.RubricPath));
    }

    [Fact]
    public void A_label_other_than_yes_or_no_is_found()
    {
        var (_, examples) = Parse("Answer \"yes\" ... Answer \"no\" ...\n\n## Examples\n\n### Example 1 (maybe)\nI might have.\n");
        Assert.Equal("maybe", Assert.Single(examples).Label);
    }

    private sealed record Example(int Number, string Label, string Text);

    /// <summary>The criteria (the text before <c>## Examples</c>, after the title) and the examples, as the file gives them.</summary>
    private static (string Criteria, List<Example> Examples) Parse(string markdown)
    {
        var text = markdown.Replace("\r\n", "\n", StringComparison.Ordinal);
        var examplesAt = text.IndexOf("\n## Examples\n", StringComparison.Ordinal);
        Assert.True(examplesAt >= 0, "The rubric has no '## Examples' section.");
        var criteria = text[..examplesAt].Trim();
        criteria = criteria.StartsWith('#') ? criteria[(criteria.IndexOf('\n') + 1)..].Trim() : criteria;
        var headings = Heading().Matches(text, examplesAt).ToList();
        var examples = headings.Select((h, i) =>
        {
            var end = i + 1 < headings.Count ? headings[i + 1].Index : text.Length;
            return new Example(int.Parse(h.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), h.Groups[2].Value,
                text[(h.Index + h.Length)..end].Trim());
        }).ToList();
        Assert.Equal(Regex.Matches(text[examplesAt..], "^###", RegexOptions.Multiline).Count, examples.Count);
        return (criteria, examples);
    }

    private static string Normalize(string text) => text.Replace("\r\n", "\n", StringComparison.Ordinal).Trim();

    [GeneratedRegex(@"^### Example (\d+) \(([^)\n]*)\)[ \t]*\n", RegexOptions.Multiline)]
    private static partial Regex Heading();

    /// <summary>Records each request and answers as a judge would, "no".</summary>
    private sealed class RecordingProvider : IChatProvider
    {
        public List<ChatRequest> Requests { get; } = [];

        public string Name => "recording";

        public string Endpoint => "memory";

        public Task<ChatResponse> CompleteAsync(ChatRequest request, CancellationToken cancellationToken = default)
        {
            Requests.Add(request);
            return Task.FromResult(new ChatResponse("{\"verdict\": \"no\"}", [], null, TokenUsage.Zero, "stop"));
        }
    }
}
