using Scheme.LanguageServer.Protocol;
using Scheme.Testing;
using StreamJsonRpc;

namespace Scheme.LanguageServer.Tests;

/// <summary>
/// An adversary at the keyboard: the example suite mutated at random (characters deleted, inserted, duplicated; braces,
/// quotes, NULs and `{{` dropped in), plus deep nesting and a huge line, typed into an open buffer. After every edit
/// every feature answers at a random position without an exception escaping (a refused rename is an answer), and
/// every published diagnostic lies inside the text.
/// </summary>
public sealed class HostileBufferTests
{
    private static readonly string[] Insertions = ["{", "}", "\"", "\"\"\"", "{{", "}}", "[", "]", "(", ")", "\0", "\uFFFF", "\uD800", "metric", ":", ".", "->", "\n", "//", "/*", "import \"suite.scheme\"\n", "é"];

    [Fact]
    public async Task Random_edits_never_make_a_feature_throw()
    {
        using var temp = new TempDirectory();
        Repository.CopyExample(temp.Path);
        var path = Path.Combine(temp.Path, "suite.scheme");
        var text = File.ReadAllText(path);
        var server = new InProcessServer();
        server.Open(path, text);
        var random = new Random(12);
        var texts = Enumerable.Range(0, 60).Select(_ => text = Mutate(text, random))
            .Append(new string('(', 5000) + "metric x = " + new string('[', 5000))
            .Append("metric x = \"" + new string('a', 200_000) + "\"")
            .Append("");
        var version = 1;
        foreach (var current in texts)
        {
            server.Replace(path, current, ++version);
            var snapshot = await server.Server.Analyzer.SnapshotAsync(path);
            Assert.All(snapshot.DiagnosticsOf(path), d => Assert.InRange(d.Span.End, 0, current.Length + 1));
            for (var i = 0; i < 4; i++)
            {
                var at = InProcessServer.At(path, current, current.Length == 0 ? 0 : random.Next(current.Length + 1));
                await server.Server.HoverAsync(at, CancellationToken.None);
                await server.Server.DefinitionAsync(at, CancellationToken.None);
                await server.Server.ReferencesAsync(new ReferenceParams(at.TextDocument, at.Position, null), CancellationToken.None);
                await server.Server.CompletionAsync(at, CancellationToken.None);
                try
                {
                    await server.Server.RenameAsync(new RenameParams(at.TextDocument, at.Position, "renamed"), CancellationToken.None);
                }
                catch (LocalRpcException)
                {
                    // Refused: nothing to rename there.
                }
            }
            await server.Server.DocumentSymbolAsync(new DocumentSymbolParams(new TextDocumentIdentifier(InProcessServer.Uri(path))), CancellationToken.None);
            var tokens = await server.Server.SemanticTokensAsync(new SemanticTokensParams(new TextDocumentIdentifier(InProcessServer.Uri(path))), CancellationToken.None);
            Assert.Equal(0, tokens.Data.Length % 5);
            server.Server.Formatting(new DocumentFormattingParams(new TextDocumentIdentifier(InProcessServer.Uri(path)), null));
        }
    }

    private static string Mutate(string text, Random random)
    {
        var at = random.Next(text.Length + 1);
        return random.Next(4) switch
        {
            0 when text.Length > 0 => text.Remove(at == text.Length ? at - 1 : at, Math.Min(random.Next(1, 40), text.Length - Math.Min(at, text.Length - 1))),
            1 => text.Insert(at, Insertions[random.Next(Insertions.Length)]),
            2 when at < text.Length => text.Insert(at, text.Substring(at, Math.Min(30, text.Length - at))),
            _ => text.Insert(at, Insertions[random.Next(Insertions.Length)]),
        };
    }
}
