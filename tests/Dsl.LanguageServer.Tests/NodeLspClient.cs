using System.Text.Json;
using System.Text.Json.Nodes;
using Scheme.Testing;

namespace Scheme.LanguageServer.Tests;

/// <summary>
/// Runs Client/lsp-client.js, a real LSP client on the npm vscode-languageserver-protocol, against `scheme lsp` with a
/// plan of steps, and returns what the server answered. The npm packages are installed once into build/.tools/lsp-client
/// (gitignored), as build/AntlrTool.targets installs the ANTLR tool.
/// </summary>
internal static class NodeLspClient
{
    private const string Package = "vscode-languageserver-protocol@3.17.5";
    private static readonly string Modules = Path.Combine(Repository.Root, "build", ".tools", "lsp-client");
    private static readonly Lock InstallLock = new();

    public static JsonObject Run(string rootFolder, JsonArray steps, string workingFolder)
    {
        EnsureInstalled();
        var plan = new JsonObject
        {
            ["command"] = new JsonArray("dotnet", Repository.SchemeDll, "lsp"),
            ["rootUri"] = new Uri(rootFolder).AbsoluteUri,
            ["steps"] = steps,
        };
        var planFile = Path.Combine(workingFolder, "plan.json");
        var outFile = Path.Combine(workingFolder, "answers.json");
        File.WriteAllText(planFile, plan.ToJsonString());
        var script = Path.Combine(Repository.Root, "tests", "Dsl.LanguageServer.Tests", "Client", "lsp-client.js");
        var run = ChildProcess.Run("node", [script, Modules, planFile, outFile], workingFolder, timeout: TimeSpan.FromMinutes(3));
        Assert.True(File.Exists(outFile), $"the LSP client wrote no answers:\n{run}");
        var answers = JsonNode.Parse(File.ReadAllText(outFile))!.AsObject();
        Assert.True(answers["failure"] is null, $"the LSP client failed: {answers["failure"]}\nserver stderr: {answers["stderr"]}\n{run}");
        return answers;
    }

    private static void EnsureInstalled()
    {
        lock (InstallLock)
        {
            if (File.Exists(Path.Combine(Modules, "node_modules", "vscode-languageserver-protocol", "package.json")))
            {
                return;
            }
            Directory.CreateDirectory(Modules);
            var install = ChildProcess.Run("npm", ["install", "--no-save", "--no-audit", "--no-fund", "--ignore-scripts", "--prefix", Modules, Package], Modules);
            Assert.True(install.ExitCode == 0, $"npm install {Package} failed:\n{install}");
        }
    }

    public static JsonObject Position(string text, string needle, int within = 0)
    {
        var offset = text.IndexOf(needle, StringComparison.Ordinal);
        Assert.True(offset >= 0, $"'{needle}' is not in the text");
        offset += within;
        var line = text[..offset].Count(c => c == '\n');
        var character = offset - (text.LastIndexOf('\n', Math.Max(0, offset - 1)) + 1);
        if (offset == 0 || text[offset - 1] == '\n')
        {
            character = 0;
        }
        return new JsonObject { ["line"] = line, ["character"] = character };
    }

    public static JsonNode Clone(JsonNode node) => JsonNode.Parse(node.ToJsonString())!;

    public static string Json(JsonNode? node) => node?.ToJsonString(new JsonSerializerOptions { WriteIndented = false }) ?? "null";
}
