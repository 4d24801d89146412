using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Scheme.Compiler;
using Scheme.Testing;
using static Scheme.LanguageServer.Tests.NodeLspClient;

namespace Scheme.LanguageServer.Tests;

/// <summary>
/// `scheme lsp` through a real LSP client (vscode-languageserver-protocol from npm, run by node) on a copy of the example
/// suite, in one server session: the diagnostics of a seeded mistake equal `scheme check`'s (codes, positions, messages)
/// in the opened file and in the file it imports, hover, go to definition across the import, completion of a property,
/// rename of a metric across the file, a refused rename, a malformed request answered with an error, unsaved text that
/// wins over the disk, formatting, semantic tokens and symbols, and a clean exit.
/// </summary>
public sealed partial class EndToEndTests
{
    [Fact]
    public void A_real_client_gets_the_build_diagnostics_hover_definition_completion_and_rename()
    {
        using var temp = new TempDirectory();
        var suiteFolder = Path.Combine(temp.Path, "suite");
        Repository.CopyExample(suiteFolder);
        var suitePath = Path.Combine(suiteFolder, "suite.scheme");
        var specPath = Path.Combine(suiteFolder, "spec.scheme");
        // Seeded mistakes, on disk so `scheme check` sees them: one in the opened file, one in the file it imports.
        var suite = Seed(File.ReadAllText(suitePath), "checkpoints: [o3, o3_as]\n  environments: [SandbaggingQA, OversightSubversion]",
            "checkpoints: [o3, o3_AS]\n  environments: [SandbaggingQA, OversightSubversion]");
        var spec = File.ReadAllText(specPath);
        var seededSpec = Seed(spec, "checkpoint judge {\n  provider: openai", "checkpoint judge {\n  provider: opnai");
        File.WriteAllText(suitePath, suite);
        File.WriteAllText(specPath, seededSpec);
        var check = ChildProcess.Run("dotnet", [Repository.SchemeDll, "check", "--project-dir", ".", "spec.scheme", "suite.scheme"], suiteFolder);
        Assert.Equal(1, check.ExitCode);
        var expected = check.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Order(StringComparer.Ordinal).ToList();
        Assert.Contains(expected, l => l.Contains("SCH0103", StringComparison.Ordinal));
        Assert.Contains(expected, l => l.Contains("SCH0120", StringComparison.Ordinal));

        var suiteUri = new Uri(suitePath).AbsoluteUri;
        var specUri = new Uri(specPath).AbsoluteUri;
        var doc = new JsonObject { ["uri"] = suiteUri };
        var afterRun = "  epochs: 40\n";
        var completionLine = Position(suite, afterRun)["line"]!.GetValue<int>() + 1;
        var edited = suite.Insert(suite.IndexOf(afterRun, StringComparison.Ordinal) + afterRun.Length, "  \n");
        var steps = new JsonArray
        {
            Notify("textDocument/didOpen", new JsonObject { ["textDocument"] = new JsonObject { ["uri"] = suiteUri, ["languageId"] = "scheme", ["version"] = 1, ["text"] = suite } }),
            new JsonObject { ["op"] = "diagnostics", ["uri"] = suiteUri, ["version"] = 1 },
            new JsonObject { ["op"] = "diagnostics", ["uri"] = specUri },
            Request("textDocument/hover", At(doc, suite, "covert_rate[o3] = 13%")),                       // 4: a metric and its simulated values
            Request("textDocument/hover", At(doc, suite, "o3_AS", 1)),                                     // 5: a diagnostic's documentation
            Request("textDocument/definition", At(doc, suite, "judge(judge,", 7)),                         // 6: a checkpoint declared in spec.scheme
            Notify("textDocument/didChange", new JsonObject
            {
                ["textDocument"] = new JsonObject { ["uri"] = suiteUri, ["version"] = 2 },
                ["contentChanges"] = new JsonArray(new JsonObject
                {
                    ["range"] = new JsonObject { ["start"] = Pos(completionLine, 0), ["end"] = Pos(completionLine, 0) },
                    ["text"] = "  \n",
                }),
            }),
            Request("textDocument/completion", new JsonObject { ["textDocument"] = Clone(doc), ["position"] = Pos(completionLine, 2) }), // 8
            Request("textDocument/prepareRename", At(doc, edited, "metric covert_rate", 8)),               // 9
            Request("textDocument/rename", With(At(doc, edited, "metric covert_rate", 8), "newName", "covert_action_rate")), // 10
            Request("textDocument/rename", With(At(doc, edited, "metric covert_rate", 8), "newName", "metric")),             // 11: refused
            Request("textDocument/hover", new JsonObject { ["textDocument"] = Clone(doc), ["position"] = new JsonObject { ["line"] = "x" } }), // 12: malformed
            Request("textDocument/hover", At(doc, edited, "rate(covert_action)", 1)),                      // 13: still answering
            Notify("textDocument/didChange", new JsonObject
            {
                ["textDocument"] = new JsonObject { ["uri"] = suiteUri, ["version"] = 3 },
                ["contentChanges"] = new JsonArray(new JsonObject { ["text"] = edited.Replace("o3_AS", "o3_as", StringComparison.Ordinal) }),
            }),
            new JsonObject { ["op"] = "diagnostics", ["uri"] = suiteUri, ["version"] = 3 },                // 15: fixed as typed
            Notify("textDocument/didOpen", new JsonObject { ["textDocument"] = new JsonObject { ["uri"] = specUri, ["languageId"] = "scheme", ["version"] = 1, ["text"] = spec } }),
            new JsonObject { ["op"] = "diagnostics", ["uri"] = specUri, ["version"] = 1 },                 // 17: the unsaved fix wins over the disk
            Request("textDocument/semanticTokens/full", new JsonObject { ["textDocument"] = Clone(doc) }),  // 18
            Request("textDocument/documentSymbol", new JsonObject { ["textDocument"] = Clone(doc) }),       // 19
            Request("textDocument/formatting", new JsonObject { ["textDocument"] = Clone(doc), ["options"] = new JsonObject { ["tabSize"] = 2, ["insertSpaces"] = true } }), // 20
        };

        var answers = Run(suiteFolder, steps, temp.Path);
        var results = answers["results"]!.AsArray();

        // Diagnostics: the same lines as `scheme check`, in both files.
        var published = Diagnostics(results[2]!, "suite.scheme").Concat(Diagnostics(results[3]!, "spec.scheme")).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(expected, published);

        var metricHover = Text(results[4]!);
        Assert.Contains("metric covert_rate = rate(covert_action)", metricHover, StringComparison.Ordinal);
        Assert.Contains("`covert_rate[o3]` = 13%", metricHover, StringComparison.Ordinal);
        var diagnosticHover = Text(results[5]!);
        Assert.Contains("SCH0103", diagnosticHover, StringComparison.Ordinal);
        Assert.Contains("**Wrong**", diagnosticHover, StringComparison.Ordinal);

        var definition = results[6]!["result"]!.AsArray().Single()!;
        Assert.Equal(specUri, definition["uri"]!.GetValue<string>());
        Assert.Equal(Position(spec, "checkpoint judge", 11)["line"]!.GetValue<int>(), definition["range"]!["start"]!["line"]!.GetValue<int>());

        var completion = results[8]!["result"]!["items"]!.AsArray().Select(i => i!["label"]!.GetValue<string>()).ToList();
        Assert.Contains("checkpoints", completion);
        Assert.Contains("conditions", completion);
        Assert.DoesNotContain("rate", completion);

        Assert.Equal("covert_rate", results[9]!["result"]!["placeholder"]!.GetValue<string>());
        var renamed = Apply(edited, results[10]!["result"]!["changes"]![suiteUri]!.AsArray());
        Assert.Equal(WholeWord("covert_rate").Matches(edited).Count, results[10]!["result"]!["changes"]![suiteUri]!.AsArray().Count);
        Assert.Empty(WholeWord("covert_rate").Matches(renamed));
        Assert.Equal(WholeWord("covert_rate").Matches(edited).Count, WholeWord("covert_action_rate").Matches(renamed).Count);
        Assert.Equal(Codes(suiteFolder, edited, seededSpec), Codes(suiteFolder, renamed, seededSpec));
        Assert.Contains("keyword", results[11]!["error"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.NotNull(results[12]!["error"]);
        Assert.Contains("rate(", Text(results[13]!), StringComparison.Ordinal);

        Assert.DoesNotContain("SCH0103", Json(results[15]), StringComparison.Ordinal);
        Assert.DoesNotContain("SCH0120", Json(results[17]), StringComparison.Ordinal);

        var tokens = results[18]!["result"]!["data"]!.AsArray();
        Assert.True(tokens.Count > 500 && tokens.Count % 5 == 0, $"{tokens.Count} token integers");
        Assert.Contains(results[19]!["result"]!.AsArray(), s => s!["name"]!.GetValue<string>() == "SandbaggingQA");
        Assert.NotNull(results[20]!["result"]);
        Assert.Equal(0, answers["exitCode"]!.GetValue<int>());
    }

    private static string Seed(string text, string from, string to)
    {
        Assert.Contains(from, text, StringComparison.Ordinal);
        return text.Replace(from, to, StringComparison.Ordinal);
    }

    /// <summary>Published diagnostics in `scheme check`'s canonical form.</summary>
    private static IEnumerable<string> Diagnostics(JsonNode step, string path) =>
        step["result"]!["diagnostics"]!.AsArray().Select(d => string.Create(CultureInfo.InvariantCulture,
            $"{path}({d!["range"]!["start"]!["line"]!.GetValue<int>() + 1},{d["range"]!["start"]!["character"]!.GetValue<int>() + 1}): {(d["severity"]!.GetValue<int>() == 1 ? "error" : "warning")} {d["code"]!.GetValue<string>()}: {d["message"]!.GetValue<string>()}"));

    /// <summary>The codes `scheme check` would report for a suite and spec text, compiled in process.</summary>
    private static List<string> Codes(string folder, string suite, string spec) =>
        SchemeCompilation.Compile([new Scheme.Compiler.Text.SourceFile("suite.scheme", suite, Path.Combine(folder, "suite.scheme")),
                new Scheme.Compiler.Text.SourceFile("spec.scheme", spec, Path.Combine(folder, "spec.scheme"))], projectDirectory: folder)
            .Diagnostics.Select(d => d.Code).Order(StringComparer.Ordinal).ToList();

    private static string Apply(string text, JsonArray edits)
    {
        var lines = new Scheme.Compiler.Text.SourceFile("t", text, "/t");
        foreach (var edit in edits.OrderByDescending(e => e!["range"]!["start"]!["line"]!.GetValue<int>()).ThenByDescending(e => e!["range"]!["start"]!["character"]!.GetValue<int>()))
        {
            int Offset(JsonNode p) => lines.GetOffset(p["line"]!.GetValue<int>() + 1, p["character"]!.GetValue<int>());
            var start = Offset(edit!["range"]!["start"]!);
            var end = Offset(edit["range"]!["end"]!);
            text = text[..start] + edit["newText"]!.GetValue<string>() + text[end..];
        }
        return text;
    }

    private static Regex WholeWord(string word) => new($@"\b{word}\b");

    private static string Text(JsonNode step) => step["result"]?["contents"]?["value"]?.GetValue<string>() ?? $"no hover: {Json(step)}";

    private static JsonObject Notify(string method, JsonObject parameters) => new() { ["op"] = "notify", ["method"] = method, ["params"] = parameters };

    private static JsonObject Request(string method, JsonObject parameters) => new() { ["op"] = "request", ["method"] = method, ["params"] = parameters };

    private static JsonObject At(JsonObject document, string text, string needle, int within = 0) =>
        new() { ["textDocument"] = Clone(document), ["position"] = Position(text, needle, within) };

    private static JsonObject With(JsonObject parameters, string name, string value)
    {
        parameters[name] = value;
        return parameters;
    }

    private static JsonObject Pos(int line, int character) => new() { ["line"] = line, ["character"] = character };
}
