using System.IO.Compression;
using System.Text.Json;

namespace Scheme.Editors.Tests;

/// <summary>The .vsix that src/editors/vscode/package.sh builds with @vscode/vsce, and the client inside it.</summary>
[Collection("extension")]
public sealed class VsixTests(ExtensionFixture extension)
{
    [Fact]
    public void The_package_script_builds_a_vsix_with_the_grammar_the_client_and_its_runtime_dependency()
    {
        Assert.True(extension.Package.ExitCode == 0, extension.Package.ToString());
        using var zip = ZipFile.OpenRead(extension.Vsix);
        var entries = zip.Entries.Select(e => e.FullName).ToHashSet(StringComparer.Ordinal);
        Assert.Contains("extension.vsixmanifest", entries);

        using var manifest = JsonDocument.Parse(Read(zip, "extension/package.json"));
        var root = manifest.RootElement;
        Assert.Equal("scheme-dsl", root.GetProperty("name").GetString());
        var contributes = root.GetProperty("contributes");
        var language = contributes.GetProperty("languages")[0];
        Assert.Equal("scheme-dsl", language.GetProperty("id").GetString());
        Assert.Equal(".scheme", language.GetProperty("extensions")[0].GetString());
        var grammar = contributes.GetProperty("grammars")[0];
        Assert.Equal("source.scheme-dsl", grammar.GetProperty("scopeName").GetString());

        // Every file package.json points at is in the package, and the grammar is the one in the source tree.
        foreach (var file in new[] { root.GetProperty("main").GetString()!, grammar.GetProperty("path").GetString()!, language.GetProperty("configuration").GetString()! })
        {
            Assert.Contains("extension/" + file.TrimStart('.', '/'), entries);
        }
        Assert.Equal(File.ReadAllText(Repository.Grammar), Read(zip, "extension/syntaxes/scheme.tmLanguage.json"));
        using (JsonDocument.Parse(Read(zip, "extension/language-configuration.json"))) { }

        // The client's runtime dependency ships; the build tools (devDependencies) and the script do not.
        Assert.Contains("extension/node_modules/vscode-languageclient/node.js", entries);
        Assert.DoesNotContain(entries, e => e.StartsWith("extension/node_modules/vscode-textmate/", StringComparison.Ordinal)
            || e.StartsWith("extension/node_modules/@vscode/vsce/", StringComparison.Ordinal) || e == "extension/package.sh");
    }

    [Fact]
    public void The_client_starts_scheme_lsp_over_stdio_and_runs_a_dll_with_dotnet()
    {
        var check = Path.Combine(Repository.Root, "tests", "Dsl.Editors.Tests", "client-check.js");
        var run = ChildProcess.Run("node", [check, Repository.Extension, "-", "/opt/scheme/scheme", "/opt/scheme/tools/scheme.dll"], Repository.Root);
        Assert.True(run.ExitCode == 0, run.ToString());
        using var started = JsonDocument.Parse(run.Output);
        var servers = started.RootElement.EnumerateArray()
            .Select(s => (Command: s.GetProperty("command").GetString(), Args: string.Join(' ', s.GetProperty("args").EnumerateArray().Select(a => a.GetString())),
                Transport: s.GetProperty("transport").GetInt32(), Language: s.GetProperty("selector")[0].GetProperty("language").GetString()))
            .ToList();
        Assert.Equal(
            [("scheme", "lsp", 0, "scheme-dsl"), ("/opt/scheme/scheme", "lsp", 0, "scheme-dsl"), ("dotnet", "/opt/scheme/tools/scheme.dll lsp", 0, "scheme-dsl")],
            servers);
    }

    [Fact]
    public void The_package_script_refuses_an_unknown_argument()
    {
        var run = ChildProcess.Run("bash", [Path.Combine(Repository.Extension, "package.sh"), "--publish"], Repository.Root);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("unknown argument '--publish'", run.Output);
    }

    private static string Read(ZipArchive zip, string name)
    {
        using var reader = new StreamReader(zip.GetEntry(name)!.Open());
        return reader.ReadToEnd();
    }
}
