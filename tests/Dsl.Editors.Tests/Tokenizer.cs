using System.Text.Json;
using System.Text.Json.Serialization;

namespace Scheme.Editors.Tests;

/// <summary>One token: its text and its scopes, innermost last, without the root scope source.scheme-dsl.</summary>
public sealed record Token([property: JsonPropertyName("text")] string Text, [property: JsonPropertyName("scopes")] string[] Scopes)
{
    public override string ToString() => $"{JsonSerializer.Serialize(Text)} {string.Join(' ', Scopes)}";
}

/// <summary>Tokenizes with the real TextMate engine of VS Code: tokenize.js, run by Node (one process per request).</summary>
internal static class Tokenizer
{
    private static readonly string Script = Path.Combine(Repository.Root, "tests", "Dsl.Editors.Tests", "tokenize.js");

    /// <summary>The golden scope text of each file (keyed by the path given).</summary>
    public static IReadOnlyDictionary<string, string> Files(ExtensionFixture extension, IEnumerable<string> paths) =>
        Request(extension, paths.ToArray(), []).Files;

    /// <summary>The tokens of each snippet, all lines together.</summary>
    public static IReadOnlyList<Token[]> Snippets(ExtensionFixture extension, params string[] snippets) =>
        Request(extension, [], snippets).Snippets;

    private static Answer Request(ExtensionFixture extension, string[] files, string[] snippets)
    {
        var work = Directory.CreateTempSubdirectory("scheme-tokenize-").FullName;
        try
        {
            // The request goes through a file: ChildProcess has no stdin, and a huge snippet must not hit argv limits.
            var request = Path.Combine(work, "request.json");
            File.WriteAllText(request, JsonSerializer.Serialize(new { modules = extension.Modules, grammar = Repository.Grammar, files, snippets }));
            var answerPath = Path.Combine(work, "answer.json");
            var run = ChildProcess.Run("bash", ["-c", "node \"$0\" < \"$1\" > \"$2\"", Script, request, answerPath], work, timeout: TimeSpan.FromMinutes(2));
            Assert.True(run.ExitCode == 0, run.ToString());
            return JsonSerializer.Deserialize<Answer>(File.ReadAllText(answerPath))!;
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private sealed record Answer(
        [property: JsonPropertyName("files")] Dictionary<string, string> Files,
        [property: JsonPropertyName("snippets")] Token[][] Snippets);
}
