using System.Text;
using Scheme.LanguageServer.Features;
using Scheme.LanguageServer.Protocol;
using Scheme.Testing;
using StreamJsonRpc;

namespace Scheme.LanguageServer.Tests;

/// <summary>The server's handlers in process: incremental checks, open buffers over files, rename refusals, the property catalog.</summary>
public sealed class ServerTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    /// <summary>A project of <paramref name="count"/> files, each importing the next; the first declares the experiment.</summary>
    private string[] Project(int count)
    {
        File.WriteAllText(Path.Combine(_temp.Path, "Suite.csproj"), "<Project />");
        var paths = new string[count];
        for (var i = 0; i < count; i++)
        {
            var text = new StringBuilder();
            if (i + 1 < count)
            {
                text.AppendLine($"import \"part{i + 1}.scheme\"");
            }
            if (i == 0)
            {
                text.AppendLine("experiment E { title: \"t\" }");
                text.AppendLine("checkpoint o3 { provider: openai model: \"o3\" }");
            }
            text.AppendLine($"environment Env{i} {{ system: \"s\" user: \"u\" tools: [read_file] covert_action: called(read_file) }}");
            text.AppendLine($"metric rate{i} in [Env{i}] = rate(covert_action)");
            paths[i] = Path.Combine(_temp.Path, $"part{i}.scheme");
            File.WriteAllText(paths[i], text.ToString());
        }
        return paths;
    }

    [Fact]
    public async Task An_edit_reparses_the_edited_file_only_and_its_buffer_wins_over_the_disk()
    {
        var paths = Project(20);
        var server = new InProcessServer();
        server.Open(paths[7], File.ReadAllText(paths[7]));
        var first = await server.Server.Analyzer.SnapshotAsync(paths[7]);
        Assert.Equal(20, first.Units.Count);
        Assert.DoesNotContain(first.Result.Diagnostics, d => d.IsError);
        Assert.Equal(20, server.Server.Analyzer.TakeParsedCount());

        // A mistake typed into file 7, never saved: it is checked from the buffer, and only that file is parsed again.
        var edited = File.ReadAllText(paths[7]).Replace("called(read_file)", "called(reed_file)", StringComparison.Ordinal);
        server.Replace(paths[7], edited, 2);
        var second = await server.Server.Analyzer.SnapshotAsync(paths[7]);

        Assert.Equal(1, server.Server.Analyzer.TakeParsedCount());
        var error = Assert.Single(second.Result.Diagnostics, d => d.IsError);
        Assert.Equal(paths[7], error.File.FullPath);
        Assert.Equal("SCH0102", error.Code);
        Assert.Contains("reed_file", error.Message, StringComparison.Ordinal);
        Assert.Equal(2, second.Versions[paths[7]]);
    }

    [Fact]
    public async Task Diagnostics_are_published_for_every_file_of_the_check_and_cleared_when_fixed()
    {
        var paths = Project(3);
        File.WriteAllText(paths[2], File.ReadAllText(paths[2]).Replace("rate(covert_action)", "rate(covert_actoin)", StringComparison.Ordinal));
        var server = new InProcessServer();
        server.Open(paths[0], File.ReadAllText(paths[0]));
        await server.Server.Analyzer.SnapshotAsync(paths[0]);

        var byFile = server.Published.GroupBy(p => p.Uri).ToDictionary(g => g.Key, g => g.Last());
        Assert.Equal(3, byFile.Count);
        Assert.Contains(byFile[InProcessServer.Uri(paths[2])].Diagnostics, d => d.Code == "SCH0102");

        server.Open(paths[2], File.ReadAllText(paths[2]).Replace("covert_actoin", "covert_action", StringComparison.Ordinal));
        await server.Server.Analyzer.SnapshotAsync(paths[2]);
        Assert.Empty(server.Published.Last(p => p.Uri == InProcessServer.Uri(paths[2])).Diagnostics);
    }

    [Theory]
    [InlineData("metric", "keyword")]
    [InlineData("1rate", "not a valid name")]
    [InlineData("rate x", "not a valid name")]
    [InlineData("", "not a valid name")]
    [InlineData("rate2", "already declared")]
    public async Task Rename_refuses_keywords_invalid_names_and_names_taken(string newName, string reason)
    {
        var paths = Project(3);
        var server = new InProcessServer();
        var text = File.ReadAllText(paths[1]);
        server.Open(paths[1], text);
        var at = InProcessServer.At(paths[1], text, text.IndexOf("rate1", StringComparison.Ordinal));

        var refused = await Assert.ThrowsAsync<LocalRpcException>(() => server.Server.RenameAsync(new RenameParams(at.TextDocument, at.Position, newName), CancellationToken.None));

        Assert.Contains(reason, refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rename_of_a_declaration_changes_it_in_every_file_that_names_it()
    {
        var paths = Project(3);
        var server = new InProcessServer();
        var text = File.ReadAllText(paths[2]);
        server.Open(paths[2], text);
        var at = InProcessServer.At(paths[2], text, text.IndexOf("Env2 {", StringComparison.Ordinal));

        var edit = await server.Server.RenameAsync(new RenameParams(at.TextDocument, at.Position, "Sabotage"), CancellationToken.None);

        var edits = Assert.Single(edit.Changes).Value;
        Assert.Equal(2, edits.Length); // the declaration and `metric rate2 in [Env2]`
        Assert.All(edits, e => Assert.Equal("Sabotage", e.NewText));
        var functionAt = InProcessServer.At(paths[2], text, text.IndexOf("called(", StringComparison.Ordinal));
        var refused = await Assert.ThrowsAsync<LocalRpcException>(() => server.Server.PrepareRenameAsync(functionAt, CancellationToken.None));
        Assert.Contains("function of the language", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task References_across_imports_include_the_declaration_on_request()
    {
        var paths = Project(3);
        var server = new InProcessServer();
        File.AppendAllText(paths[2], "run R { checkpoints: [o3] environments: [Env2] epochs: 1 }\n");
        var text = File.ReadAllText(paths[0]);
        server.Open(paths[0], text);
        var at = InProcessServer.At(paths[0], text, text.IndexOf("checkpoint o3", StringComparison.Ordinal) + 11);

        var all = await server.Server.ReferencesAsync(new ReferenceParams(at.TextDocument, at.Position, new ReferenceContext(true)), CancellationToken.None);
        var uses = await server.Server.ReferencesAsync(new ReferenceParams(at.TextDocument, at.Position, new ReferenceContext(false)), CancellationToken.None);

        Assert.Equal([InProcessServer.Uri(paths[0]), InProcessServer.Uri(paths[2])], all.Select(l => l.Uri).Order(StringComparer.Ordinal));
        Assert.Equal(InProcessServer.Uri(paths[2]), Assert.Single(uses).Uri);
    }

    [Theory]
    [InlineData("experiment", "title", "seed")]
    [InlineData("checkpoint", "provider", "model")]
    [InlineData("environment", "system", "tools")]
    [InlineData("limits", "max_command_seconds", "max_file_bytes")]
    [InlineData("manipulation", "system", "reasoning")]
    [InlineData("run", "checkpoints", "epochs")]
    [InlineData("hypothesis", "test", "alpha")]
    public void The_property_catalog_reads_what_the_binders_accept(string kind, string one, string another)
    {
        var properties = PropertyCatalog.For(kind);

        Assert.Contains(one, properties);
        Assert.Contains(another, properties);
        Assert.DoesNotContain(properties, p => p.Contains(' ', StringComparison.Ordinal));
    }

    public void Dispose() => _temp.Dispose();
}
