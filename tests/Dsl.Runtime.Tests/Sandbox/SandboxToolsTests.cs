using System.Runtime.Versioning;
using Scheme.Contracts;
using BuiltinTool = Scheme.Engine.Episodes.BuiltinTool;
using Scheme.Engine.Episodes;
using Scheme.Model;
using Scheme.Runtime.Tests.Episodes;

namespace Scheme.Runtime.Tests.Sandbox;

/// <summary>
/// Every catalog tool acts alike in a sandbox: the file tools on its real directories (the same effects as on the
/// in-memory workspace, BuiltinToolsTests.Effects), bash and python as commands; what they answer is what the model reads.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class SandboxToolsTests : IDisposable
{
    private readonly SandboxFixture _sandbox = new();

    public void Dispose() => _sandbox.Dispose();

    [Theory]
    [MemberData(nameof(BuiltinToolsTests.CatalogTools), MemberType = typeof(BuiltinToolsTests))]
    public async Task Every_catalog_tool_acts_in_a_sandbox(string name)
    {
        await using var session = await _sandbox.OpenAsync(BuiltinToolsTests.Files);
        var shell = new EpisodeShell(session);
        var (arguments, effect) = BuiltinToolsTests.Effects[name];
        var definition = BuiltinTools.Complete(new ToolDefinition(name, true, []));

        var result = await new BuiltinTool(definition).ExecuteAsync(
            new ToolInvocation(new ToolCall(name, arguments.ToDictionary(a => a.Name, a => a.Value)), session.Workspace, shell, Turn: 1), CancellationToken.None);

        effect(session.Workspace, result);
        Assert.Equal(BuiltinToolCatalog.Find(name)!.RequiresSandbox ? 1 : 0, shell.Commands.Count);
    }

    [Fact]
    public async Task The_model_reads_the_exit_code_and_what_a_limit_did()
    {
        await using var session = await _sandbox.OpenAsync(limits: new EnvironmentLimits(MaxCommandSeconds: 1));
        var shell = new EpisodeShell(session);

        var failed = await Bash(shell, "echo out; echo err >&2; exit 3");
        var silent = await Bash(shell, "true");
        var slow = await Bash(shell, "echo begun; sleep 30");

        Assert.Equal("out\nerr\n[exit code 3]", failed.Output);
        Assert.Equal("(no output)", silent.Output);
        Assert.Equal("begun\n[Stopped: the command ran longer than 1 s; every process it started was killed.]", slow.Output);
        Assert.Equal(LimitNames.MaxCommandSeconds, slow.Refused!.Limit);
        Assert.Equal([3, 0, null], shell.Commands.Select(c => c.ExitCode));
        Assert.Equal("Stopped: the command ran longer than 1 s; every process it started was killed.", shell.Commands[2].Stopped);
    }

    private static ValueTask<ToolResult> Bash(EpisodeShell shell, string command) =>
        new BuiltinTool(BuiltinTools.Complete(new ToolDefinition("bash", true, []))).ExecuteAsync(
            new ToolInvocation(new ToolCall("bash", new Dictionary<string, string> { ["command"] = command }), shell.Session.Workspace, shell, 2),
            CancellationToken.None);
}
