using Scheme.Testing;

namespace Scheme.LanguageServer.Tests;

/// <summary>
/// Completion in context, on a suite that imports its checkpoints and spec: what is offered where the cursor ('|')
/// stands, and what is not (a function outside the contexts it is allowed in).
/// </summary>
public sealed class CompletionTests : IDisposable
{
    private const string Spec = """
        spec AntiScheming {
          AS1: "No covert actions."
          GP1: "Share reasoning."
        }
        checkpoint o3 { provider: openai model: "o3" capabilities: [tools, reasoning] }
        checkpoint o3_as extends o3 { model: "o3-as" }
        checkpoint judge { provider: openai model: "gpt-4.1" }
        """;

    private const string Suite = """
        import "spec.scheme"

        experiment E { title: "t" }
        // a comment here

        environment Sandbagging {
          param goal: [true, false]
          system: "{{ if goal }}Win.{{ end }} Answer."
          user: "Go."
          tools: [read_file, submit(answers: string)]
          outcome low: submit.answers == ""
          covert_action: low
          followup "Why?" -> confessed: judge(judge, "Admits?")
        }

        manipulation WithSpec { system: prepend(spec AntiScheming) }

        metric covert_rate = rate(covert_action)
        metric citation = rate(reasoning cites AntiScheming.AS1)

        run Main {
          checkpoints: [o3, o3_as]
          environments: [Sandbagging]
          conditions: [baseline, WithSpec]
          epochs: 10
        }

        simulate {
          covert_rate[o3] = 10%
        }

        hypothesis H1 "Training helps" {
          expect covert_rate[o3_as] < covert_rate[o3]
        }
        """;

    private readonly TempDirectory _temp = new();

    public static TheoryData<string, string, string[], string[]> Cases => new()
    {
        { "between declarations: the declaration keywords", "experiment E { title: \"t\" }\n|", ["environment", "metric", "hypothesis", "import"], ["model", "rate"] },
        { "an environment's properties and member forms", "environment Sandbagging {\n  param goal: [true, false]\n|", ["system", "tools", "max_turns", "param", "outcome", "followup"], ["rate", "o3"] },
        { "a run's checkpoints, one declared in the imported file", "checkpoints: [o3, |", ["o3", "o3_as", "judge"], ["Sandbagging", "rate"] },
        { "a run's conditions", "conditions: [baseline, |", ["WithSpec", "baseline"], ["o3"] },
        { "an environment's tools", "tools: [read_file, |", ["write_file", "bash", "submit"], ["rate"] },
        { "a detector: detector functions and the environment's outcomes and tools", "covert_action: |low", ["contains", "judge", "exists", "low", "confessed", "read_file"], ["rate", "prepend", "load"] },
        { "a metric: aggregations", "metric covert_rate = |rate", ["rate", "mean", "covert_action", "confessed"], ["prepend", "add_file"] },
        { "a prompt edit: edit functions and specs", "system: prepend(|spec", ["prepend", "append", "replace", "AntiScheming"], ["rate", "judge"] },
        { "a tool's arguments after the dot", "outcome low: submit.|answers", ["answers"], ["rate", "path"] },
        { "a param inside {{ }}", "system: \"{{ if |goal", ["goal"], ["rate", "o3"] },
        { "a simulate block: metrics", "simulate {\n|", ["covert_rate"], ["rate"] },
        { "a cell of a simulated value", "covert_rate[|o3] = 10%", ["o3", "Sandbagging", "WithSpec", "baseline", "goal:"], ["rate"] },
        { "an expect clause: metrics", "expect |covert_rate[o3_as]", ["covert_rate"], ["rate"] },
        { "a cell in a hypothesis", "expect covert_rate[|o3_as]", ["o3_as", "Sandbagging", "goal:"], ["rate"] },
        { "a spec's principles after cites", "rate(reasoning cites AntiScheming.|AS1)", ["AS1", "GP1"], ["rate"] },
        { "a checkpoint's provider", "checkpoint judge { provider: |openai", ["openai"], ["rate"] },
        { "inside a comment: nothing", "// a comment |here", [], ["environment", "rate"] },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Offers_what_fits_where_the_cursor_is(string because, string marked, string[] offered, string[] notOffered)
    {
        var (suite, spec, file, offset) = Place(marked);
        File.WriteAllText(Path.Combine(_temp.Path, "spec.scheme"), spec);
        File.WriteAllText(Path.Combine(_temp.Path, "suite.scheme"), suite);
        var server = new InProcessServer();
        var path = Path.Combine(_temp.Path, file);
        server.Open(path, file == "spec.scheme" ? spec : suite);

        var list = await server.Server.CompletionAsync(InProcessServer.At(path, file == "spec.scheme" ? spec : suite, offset), CancellationToken.None);

        var labels = list.Items.Select(i => i.Label).ToList();
        Assert.All(offered, o => Assert.True(labels.Contains(o), $"{because}: '{o}' not offered; offered: {string.Join(", ", labels)}"));
        Assert.All(notOffered, o => Assert.False(labels.Contains(o), $"{because}: '{o}' offered"));
    }

    /// <summary>Puts the cursor where the marked fragment is in the suite (or the spec).</summary>
    private static (string Suite, string Spec, string File, int Offset) Place(string marked)
    {
        var fragment = marked.Replace("|", "", StringComparison.Ordinal);
        var cursor = marked.IndexOf('|', StringComparison.Ordinal);
        foreach (var (name, text) in new[] { ("suite.scheme", Suite), ("spec.scheme", Spec) })
        {
            var at = text.IndexOf(fragment, StringComparison.Ordinal);
            if (at >= 0)
            {
                return (Suite, Spec, name, at + cursor);
            }
        }
        throw new InvalidOperationException($"'{fragment}' is in neither file");
    }

    public void Dispose() => _temp.Dispose();
}
