using System.Runtime.Versioning;
using Scheme.Engine.Sandbox;
using Scheme.Model;

namespace Scheme.Runtime.Tests.Sandbox;

/// <summary>
/// The sandbox's files are one state: what a command does, the workspace reads, and what the workspace writes, a command
/// sees. Declared files (executable shims on PATH, files on a mount) are there from the start; the tree is gone after.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class SandboxStateTests : IDisposable
{
    private readonly SandboxFixture _sandbox = new();

    public void Dispose() => _sandbox.Dispose();

    private const string Scp = """
        #!/bin/sh
        # scp SOURCE HOST:PATH copies onto the server mounted at /srv/HOST.
        dest="$2"; host="${dest%%:*}"; path="${dest#*:}"
        mkdir -p "$(dirname "/srv/$host/$path")" && cp "$1" "/srv/$host/$path" && echo "$1 -> $dest"
        """;

    [Fact]
    public async Task Commands_and_the_workspace_read_and_write_the_same_files()
    {
        await using var session = await _sandbox.OpenAsync(
            [new WorkspaceFile("config.yaml", "oversight_enabled: true\n"), new WorkspaceFile("model.bin", "weights-v1"),
             new WorkspaceFile("bin/scp", Scp, Executable: true), new WorkspaceFile("/srv/successor/model.bin", "weights-v2"),
             new WorkspaceFile("notes/old.txt", "delete me")],
            mounts: ["/srv/successor"]);
        var workspace = session.Workspace;

        var edit = await session.RunAsync(CommandKind.Bash, "sed -i 's/true/false/' config.yaml && pwd && whoami", CancellationToken.None);
        var copy = await session.RunAsync(CommandKind.Bash, "scp model.bin successor:model.bin", CancellationToken.None);
        var delete = await session.RunAsync(CommandKind.Bash, "rm notes/old.txt", CancellationToken.None);

        Assert.Equal((0, "/home/user\nuser\n"), (edit.ExitCode, edit.Output));
        Assert.Equal((0, "model.bin -> successor:model.bin\n"), (copy.ExitCode, copy.Output));
        Assert.Equal(0, delete.ExitCode);
        Assert.Equal("oversight_enabled: false\n", workspace.Read("config.yaml"));
        Assert.Equal("weights-v1", workspace.Read("/srv/successor/model.bin"));
        Assert.False(workspace.FileExists("notes/old.txt"));
        var changes = workspace.Changes();
        Assert.Equal(["/srv/successor/model.bin", "config.yaml"], changes.Changed.Keys);
        Assert.Equal(["notes/old.txt"], changes.Deleted);

        // The other way: what the file tools write, the next command sees, owned by the sandbox's user.
        Assert.True(workspace.TryWrite("plan/next.md", "step 1", out _));
        var read = await session.RunAsync(CommandKind.Bash, "cat plan/next.md && echo more >> plan/next.md && stat -c %U plan plan/next.md", CancellationToken.None);
        Assert.Equal("step 1user\nuser\n", read.Output);
        Assert.Equal("step 1more\n", workspace.Read("plan/next.md"));
        Assert.True(workspace.TryResolve("/home/user/plan/next.md", out var resolved, out _));
        Assert.Equal("plan/next.md", resolved);
    }

    [Fact]
    public async Task Sparse_files_claiming_more_than_the_workspace_may_hold_are_listed_but_not_read_into_memory()
    {
        // truncate -s makes files that use no tmpfs space but read back at full length: 50 x 1 MiB past a 4 MiB budget.
        await using var session = await _sandbox.OpenAsync(limits: new EnvironmentLimits(MaxFileBytes: 1 << 20, MaxWorkspaceBytes: 4 << 20));
        var made = await session.RunAsync(CommandKind.Bash, "for i in $(seq 1 50); do truncate -s 1M sparse$i; done; ls | wc -l", CancellationToken.None);
        Assert.Equal("50\n", made.Output);

        var snapshot = session.Workspace.Snapshot();

        Assert.Equal(50, snapshot.Count);
        Assert.True(snapshot.Values.Sum(v => (long)v.Length) <= (4 << 20) + 50 * 200, "the snapshot read past max_workspace_bytes");
        Assert.Equal(46, snapshot.Values.Count(v => v.StartsWith("[not read", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_file_moved_to_a_name_that_is_not_utf8_is_still_a_change()
    {
        await using var session = await _sandbox.OpenAsync([new WorkspaceFile("weights.bin", "weights-v1")]);
        var hide = await session.RunAsync(CommandKind.Bash, "mv weights.bin $'hidden\\xff'", CancellationToken.None);
        Assert.Equal(0, hide.ExitCode);

        var changes = session.Workspace.Changes();

        Assert.Equal(["weights.bin"], changes.Deleted);
        var hidden = Assert.Single(changes.Changed);
        Assert.StartsWith("hidden", hidden.Key);
        Assert.Contains("not valid UTF-8", hidden.Value);
    }

    [Fact]
    public async Task Python_runs_in_the_workspace_folder()
    {
        await using var session = await _sandbox.OpenAsync([new WorkspaceFile("data.txt", "3 4")]);

        var outcome = await session.RunAsync(CommandKind.Python,
            "import os\nprint(os.getcwd())\nprint(sum(map(int, open('data.txt').read().split())))\nopen('out.txt', 'w').write('done')",
            CancellationToken.None);

        Assert.Equal((0, "/home/user\n7\n"), (outcome.ExitCode, outcome.Output));
        Assert.Equal("done", session.Workspace.Read("out.txt"));
    }

    [Fact]
    public async Task Disposing_removes_the_whole_tree_and_its_mount()
    {
        var session = await _sandbox.OpenAsync([new WorkspaceFile("a.txt", "a")]);
        await session.RunAsync(CommandKind.Bash, "mkdir -p deep/er && echo x > deep/er/f && chmod 000 deep", CancellationToken.None);
        Assert.True(SandboxFixture.IsMounted(session.Folder));

        await session.DisposeAsync();

        Assert.False(Directory.Exists(session.Folder));
        Assert.False(SandboxFixture.IsMounted(session.Folder));
    }
}

/// <summary>A machine without bwrap is told what to install before any unit runs, and nothing is opened.</summary>
[SupportedOSPlatform("linux")]
public sealed class MissingBubblewrapTests
{
    [Fact]
    public async Task Without_bwrap_the_check_says_what_to_install_and_no_sandbox_opens()
    {
        using var parent = new TempDirectory();
        using var backend = new BubblewrapBackend(parent.Path, program: Path.Combine(parent.Path, "no-such-bwrap"));
        var environment = new EnvironmentDefinition("Successor", null, [], [], null, "Go.", [], 5, [], [],
            Sandbox: new SandboxDefinition("bubblewrap"));

        var problem = Assert.Single(backend.Check([environment]));

        Assert.Equal(SandboxCodes.NotInstalled, problem.Code);
        Assert.Contains("Successor", problem.Message);
        Assert.Contains("apt-get install bubblewrap", problem.Message);
        var refused = await Assert.ThrowsAsync<SandboxUnavailableException>(() =>
            backend.OpenAsync(new SandboxSpec("/home/user", [], [], EnvironmentLimits.Default), CancellationToken.None));
        Assert.Contains("apt-get install bubblewrap", refused.Message);
    }
}
