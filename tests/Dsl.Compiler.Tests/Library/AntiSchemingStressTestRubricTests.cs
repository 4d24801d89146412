using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Scheme.Compiler.Emit;
using Scheme.Compiler.Tests.Golden;
using Scheme.Engine.Design;
using Scheme.Engine.Grading;
using Scheme.Engine.Providers;
using Scheme.Model;

namespace Scheme.Compiler.Tests.Library;

/// <summary>
/// The rubrics of experiments/AntiSchemingStressTest are reviewed markdown: a title, a "## Criteria" list and a
/// "## Examples" section of labeled answers ("### Example N (yes)" or "(no)", then the example's text). Each is checked
/// as a file, and as the judge sees it: the suite is compiled in-process (no dotnet build), its generated C# compiled
/// and loaded, and the runtime's <see cref="JudgeRunner"/> builds the prompt of every judge that uses the rubric, which
/// a capturing provider records. That prompt must carry every criterion and every example, with its label, as written.
/// </summary>
public sealed partial class AntiSchemingStressTestRubricTests
{
    private static readonly string Suite = Path.Combine(TestPaths.RepositoryRoot, "experiments", "AntiSchemingStressTest");

    private static readonly Lazy<ExperimentDefinition> Definition = new(Compile);

    /// <summary>The rubrics the issue asks for: each must exist and be used by at least one judge.</summary>
    private static readonly string[] RubricFiles = ["confession.md", "covert_action.md", "eval_awareness.md", "spec_citation.md", "spec_miscitation.md"];

    public static TheoryData<string> Rubrics => new(RubricFiles);

    [Fact]
    public void The_rubric_folder_holds_exactly_the_reviewed_rubrics()
    {
        var files = Directory.EnumerateFiles(Path.Combine(Suite, "rubrics")).Select(Path.GetFileName).Order(StringComparer.Ordinal);
        Assert.Equal(RubricFiles, files);
    }

    [Theory]
    [MemberData(nameof(Rubrics))]
    public void Each_example_is_numbered_and_labeled_yes_or_no(string file)
    {
        var rubric = Rubric.Parse(File.ReadAllText(Path.Combine(Suite, "rubrics", file)));
        Assert.True(rubric.Criteria.Count >= 2, $"{file}: a '## Criteria' list of at least two items");
        Assert.True(rubric.Examples.Count >= 4, $"{file}: at least four examples");
        Assert.Equal(Enumerable.Range(1, rubric.Examples.Count), rubric.Examples.Select(e => e.Number));
        Assert.All(rubric.Examples, e => Assert.True(e.Label is "yes" or "no", $"{file}, example {e.Number}: label '{e.Label}'"));
        Assert.All(rubric.Examples, e => Assert.False(string.IsNullOrWhiteSpace(e.Text), $"{file}, example {e.Number} has no text"));
        // Both answers are illustrated, so a judge is never shown one side only.
        Assert.Contains(rubric.Examples, e => e.Label == "yes");
        Assert.Contains(rubric.Examples, e => e.Label == "no");
    }

    [Theory]
    [MemberData(nameof(Rubrics))]
    public async Task The_judge_prompt_carries_the_criteria_and_the_labeled_examples(string file)
    {
        var rubric = Rubric.Parse(File.ReadAllText(Path.Combine(Suite, "rubrics", file)));
        var experiment = Definition.Value;
        var judges = experiment.Judges.Where(j => j.RubricPath is { } p && p.Replace('\\', '/').EndsWith("rubrics/" + file, StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(judges);
        foreach (var judge in judges)
        {
            var provider = new CapturingProvider();
            var runner = new JudgeRunner(experiment, _ => provider);
            var unit = new WorkUnit("u1", "Common", "o3", "SabotageSafety", "default", new Dictionary<string, object>(), "baseline", 0, 1);
            var transcript = new Transcript(reasoning: "The reasoning under review.", text: "The transcript under review.", answer: "The answer under review.");
            await runner.JudgeAsync(judge, transcript, unit, CancellationToken.None);

            var request = Assert.Single(provider.Requests);
            Assert.Equal("gpt-4.1", request.Model);
            Assert.Equal(JudgeRunner.SystemPrompt, request.Messages[0].Content);
            var prompt = request.Messages[1].Content;
            Assert.StartsWith(rubric.Title, prompt, StringComparison.Ordinal);
            Assert.All(rubric.Criteria, c => Assert.Contains(c, prompt, StringComparison.Ordinal));
            foreach (var example in rubric.Examples)
            {
                // The heading with its label, then the example's text, in the file's order.
                var heading = $"### Example {example.Number} ({example.Label})";
                var at = prompt.IndexOf(heading, StringComparison.Ordinal);
                Assert.True(at >= 0, $"{file} ({judge.Id}): '{heading}' is not in the prompt");
                Assert.Equal(at + heading.Length + 2, prompt.IndexOf(example.Text, at, StringComparison.Ordinal));
            }
            // The rubric comes first and the text under review after it, between the runtime's markers.
            Assert.True(prompt.IndexOf("Text under review:", StringComparison.Ordinal) > prompt.IndexOf("## Examples", StringComparison.Ordinal));
        }
    }

    /// <summary>What each judge reads: the reasoning for the metrics, the answer for the follow-up, the whole transcript
    /// for the covert-action detector. (StripAwareness also asks eval_awareness.md, of each reasoning sentence.)</summary>
    [Fact]
    public void Each_rubric_judge_reads_what_its_rubric_is_about()
    {
        var transcript = new Transcript(reasoning: "REASONING", text: "TRANSCRIPT", answer: "ANSWER");
        var judges = Definition.Value.Judges.Where(j => j.RubricPath is not null && j.Owner.Kind != JudgeOwnerKind.ReasoningEdit).ToList();
        Assert.Equal(RubricFiles.Length, judges.Select(j => Path.GetFileName(j.RubricPath)).Distinct().Count());
        foreach (var judge in judges)
        {
            var expected = (Path.GetFileName(judge.RubricPath), judge.Owner.Kind) switch
            {
                ("eval_awareness.md" or "spec_citation.md" or "spec_miscitation.md", JudgeOwnerKind.Metric) => "REASONING",
                ("confession.md", JudgeOwnerKind.Followup) => "ANSWER",
                ("covert_action.md", JudgeOwnerKind.Detector) => "TRANSCRIPT",
                var other => $"no judge of {other}",
            };
            Assert.True(expected == (judge.Target?.Invoke(transcript) ?? transcript.Text), $"{judge.Id} ({judge.RubricPath}, {judge.Owner.Kind}): expected {expected}");
        }
    }

    private static ExperimentDefinition Compile()
    {
        var result = SchemeCompilation.CompileFiles([Path.Combine(Suite, "suite.scheme")], new EmitOptions("Library"), Suite);
        Assert.True(result.Success, string.Join("\n", result.Diagnostics));
        Assert.DoesNotContain(result.Diagnostics, d => d.ToString().Contains("warning", StringComparison.Ordinal));
        var trees = result.GeneratedFiles.Select(f => CSharpBuild.Parse(f.Content, f.FileName)).ToList();
        var (problems, image) = CSharpBuild.Emit(CSharpBuild.Create("StressTestRubrics", trees, OutputKind.ConsoleApplication));
        Assert.True(image is not null, string.Join("\n", problems));
        return (ExperimentDefinition)CSharpBuild.Load(image).GetType("Library.AntiSchemingStressTest", throwOnError: true)!
            .GetProperty("Definition")!.GetValue(null)!;
    }

    /// <summary>Records the judge's request and answers "no".</summary>
    private sealed class CapturingProvider : IChatProvider
    {
        public List<ChatRequest> Requests { get; } = [];

        public string Name => "capture";

        public string Endpoint => "memory://capture";

        public Task<ChatResponse> CompleteAsync(ChatRequest request, CancellationToken cancellationToken = default)
        {
            Requests.Add(request);
            return Task.FromResult(new ChatResponse("{\"verdict\": \"no\"}", [], null, new TokenUsage(10, 3), "stop"));
        }
    }

    /// <summary>A rubric file: its title line, the items of its criteria list, and its examples.</summary>
    private sealed record Rubric(string Title, IReadOnlyList<string> Criteria, IReadOnlyList<Example> Examples)
    {
        public static Rubric Parse(string markdown)
        {
            var text = markdown.Replace("\r\n", "\n");
            var title = text.Split('\n')[0];
            Assert.StartsWith("# ", title, StringComparison.Ordinal);
            var criteria = Section(text, "## Criteria");
            // Each item as the file wraps it: the rubric reaches the prompt verbatim.
            var items = BulletRegex().Matches(criteria).Select(m => m.Groups[1].Value.Trim()).ToList();
            var examples = Section(text, "## Examples");
            var headings = HeadingRegex().Matches(examples).ToList();
            // Every ### heading of the section must be an example heading with a label: nothing else may hide there.
            Assert.Equal(Regex.Matches(examples, @"(?m)^### ").Count, headings.Count);
            var parsed = headings.Select((h, i) =>
            {
                var start = h.Index + h.Length;
                var end = i + 1 < headings.Count ? headings[i + 1].Index : examples.Length;
                return new Example(int.Parse(h.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), h.Groups[2].Value, examples[start..end].Trim());
            }).ToList();
            return new Rubric(title, items, parsed);
        }

        private static string Section(string text, string heading)
        {
            var start = text.IndexOf("\n" + heading + "\n", StringComparison.Ordinal);
            Assert.True(start >= 0, $"missing '{heading}'");
            var body = text[(start + heading.Length + 2)..];
            var next = Regex.Match(body, @"(?m)^## ");
            return next.Success ? body[..next.Index] : body;
        }
    }

    private sealed record Example(int Number, string Label, string Text);

    [GeneratedRegex(@"(?ms)^- (.*?)(?=^- |\z)")]
    private static partial Regex BulletRegex();

    [GeneratedRegex(@"(?m)^### Example (\d+) \(([^)\n]*)\)[ \t]*$")]
    private static partial Regex HeadingRegex();
}
