using System.Diagnostics;
using System.Runtime.Versioning;
using Scheme.Engine.Sandbox;
using Scheme.Model;
using Scheme.Testing.Fakes;

namespace Scheme.Runtime.Tests.Sandbox;

/// <summary>
/// A hostile command is contained, its reason recorded, and the machine stays healthy: no network (not even the runner's
/// loopback), no write outside the episode's folders, a fork bomb capped and killed, a command that never ends killed
/// with everything it started, a flood of output cut, memory and file sizes bounded, no escape by links or FIFOs, no
/// privilege, none of the runner's secrets. Each test runs in seconds.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class ContainmentTests : IDisposable
{
    private static readonly EnvironmentLimits Tight = new(MaxCommandSeconds: 2, MaxCommandProcesses: 16);

    private readonly SandboxFixture _sandbox = new();

    public void Dispose() => _sandbox.Dispose();

    private static string Tool(IWorkspace workspace, string tool, params (string Name, string Value)[] arguments) =>
        Scheme.Engine.Episodes.BuiltinTools.Execute(workspace, new ToolCall(tool, arguments.ToDictionary(a => a.Name, a => a.Value))).Output;

    private static Task<CommandOutcome> Run(BubblewrapSession session, string command) =>
        session.RunAsync(CommandKind.Bash, command, CancellationToken.None);

    [Fact]
    public async Task The_network_is_unreachable_even_the_runners_loopback()
    {
        await using var server = FakeOpenAiServer.Start();
        await using var session = await _sandbox.OpenAsync();

        var bash = await Run(session, $"exec 3<>/dev/tcp/127.0.0.1/{server.Port} && echo CONNECTED; getent hosts example.com || echo NO-DNS; ls /sys/class/net");
        var python = await session.RunAsync(CommandKind.Python,
            $"import urllib.request\ntry:\n  urllib.request.urlopen('{server.BaseUrl}/models', timeout=3)\n  print('REACHED')\nexcept Exception as e:\n  print('refused', type(e).__name__)",
            CancellationToken.None);

        Assert.DoesNotContain("CONNECTED", bash.Output);
        Assert.Contains("Connection refused", bash.Output);
        Assert.Contains("NO-DNS", bash.Output);
        Assert.StartsWith("refused URLError", python.Output);
        Assert.Equal(0, server.RequestCount);
    }

    [Fact]
    public async Task Writes_outside_the_episodes_folders_fail_and_change_nothing_on_the_host()
    {
        var marker = "scheme-escape-" + Guid.NewGuid().ToString("N")[..8];
        await using var session = await _sandbox.OpenAsync(mounts: ["/srv/next"]);

        var outcome = await Run(session, string.Join("; ",
            $"echo x > /usr/{marker}", $"echo x > /{marker}", $"echo x > /etc/{marker}", $"echo x > /home/{marker}", $"echo x > /srv/{marker}",
            $"echo x > /proc/{marker}", $"mount -t tmpfs none /mnt", $"echo ok > /tmp/{marker} && cat /tmp/{marker}", $"echo ok > /srv/next/{marker}"));

        Assert.Contains("Read-only file system", outcome.Output);
        Assert.Contains("Permission denied", outcome.Output);
        Assert.Contains("ok", outcome.Output);
        foreach (var host in (string[])["/usr", "/", "/etc", "/home", "/srv", "/tmp"])
        {
            Assert.False(File.Exists(Path.Combine(host, marker)), $"{host}/{marker} was written on the host");
        }
        Assert.True(session.Workspace.FileExists($"/srv/next/{marker}"));
    }

    [Fact]
    public async Task A_fork_bomb_is_capped_then_killed_at_the_wall_time_and_leaves_no_process()
    {
        await using var session = await _sandbox.OpenAsync(limits: Tight);
        var clock = Stopwatch.StartNew();

        var outcome = await Run(session, "bomb() { bomb | bomb & }; bomb; sleep 1000");

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
        Assert.Null(outcome.ExitCode);
        Assert.Equal(LimitNames.MaxCommandSeconds, Assert.Single(outcome.Limits).Limit);
        Assert.Contains("Resource temporarily unavailable", outcome.Output);
        Assert.Equal(0, SandboxFixture.ProcessesOf(session.User));
        // The machine is fine and so is the sandbox: the next command runs at once.
        Assert.Equal("alive\n", (await Run(session, "echo alive")).Output);
    }

    [Fact]
    public async Task A_command_that_never_ends_is_killed_with_everything_it_started()
    {
        await using var session = await _sandbox.OpenAsync(limits: Tight);
        var clock = Stopwatch.StartNew();

        var outcome = await Run(session, "sleep 1000 & setsid sleep 1001 & nohup sleep 1002 > /dev/null 2>&1 & disown; (sleep 1003 &); echo started; wait");

        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(8));
        Assert.Equal("started\n", outcome.Output);
        Assert.Contains("longer than 2 s", outcome.Stopped);
        Assert.Equal(0, SandboxFixture.ProcessesOf(session.User));
    }

    [Fact]
    public async Task A_command_that_ends_leaves_no_process_behind()
    {
        await using var session = await _sandbox.OpenAsync(limits: Tight);

        var outcome = await Run(session, "setsid sleep 1000 > /dev/null 2>&1 & echo detached");

        Assert.Equal((0, "detached\n"), (outcome.ExitCode, outcome.Output));
        Assert.Empty(outcome.Limits);
        Assert.Equal(0, SandboxFixture.ProcessesOf(session.User));
    }

    [Fact]
    public async Task A_hundred_megabytes_of_output_are_cut_at_the_cap_and_the_command_killed()
    {
        await using var session = await _sandbox.OpenAsync(limits: Tight with { MaxCommandSeconds = 30 });
        var clock = Stopwatch.StartNew();

        var outcome = await Run(session, "head -c 100000000 /dev/zero | tr '\\0' a; echo never");

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
        Assert.Equal(EnvironmentLimits.Default.MaxCommandOutputBytes, outcome.Output.Length);
        Assert.True(outcome.Output.All(c => c == 'a'));
        Assert.Null(outcome.ExitCode);
        Assert.Equal(LimitNames.MaxCommandOutputBytes, Assert.Single(outcome.Limits).Limit);
        Assert.Equal(0, SandboxFixture.ProcessesOf(session.User));
    }

    [Fact]
    public async Task Memory_and_file_size_are_bounded_and_a_full_disk_is_recorded()
    {
        await using var session = await _sandbox.OpenAsync(limits: new EnvironmentLimits(MaxFileBytes: 1 << 20, MaxWorkspaceBytes: 4 << 20,
            MaxCommandMemoryBytes: 256L << 20));

        var memory = await session.RunAsync(CommandKind.Python, "x = bytearray(1 << 30)", CancellationToken.None);
        var big = await Run(session, "head -c 2000000 /dev/zero > big.bin");
        var full = await Run(session, "for i in 1 2 3 4 5 6; do head -c 1000000 /dev/zero > f$i.bin || break; done; df -k . | tail -1");

        Assert.Contains("MemoryError", memory.Output);
        Assert.Equal(153, big.ExitCode);
        Assert.Equal(LimitNames.MaxFileBytes, Assert.Single(big.Limits).Limit);
        Assert.True(new FileInfo(Path.Combine(session.Folder, "home", "big.bin")).Length <= 1 << 20);
        Assert.Contains("No space left on device", full.Output);
        Assert.Contains(full.Limits, l => l.Limit == LimitNames.MaxWorkspaceBytes);
        // The file tools meet the same full disk, refuse, and leave nothing half-written.
        Assert.False(session.Workspace.TryWrite("more.txt", new string('x', 500_000), out var refusal));
        Assert.Equal(LimitNames.MaxWorkspaceBytes, refusal!.Limit);
        Assert.False(session.Workspace.FileExists("more.txt"));
    }

    [Fact]
    public async Task Links_and_fifos_never_lead_the_runner_out_of_the_workspace()
    {
        await using var session = await _sandbox.OpenAsync([new WorkspaceFile("ok.txt", "ok")]);

        await Run(session, "ln -s /etc/shadow shadow; ln -s / root; ln -s ok.txt alias; mkfifo pipe; mkdir d && ln -s /etc d/etc");
        var workspace = session.Workspace;
        var clock = Stopwatch.StartNew();

        Assert.Null(workspace.Read("shadow"));
        Assert.Null(workspace.Read("root/etc/passwd"));
        Assert.Null(workspace.Read("d/etc/passwd"));
        Assert.Null(workspace.Read("pipe"));
        Assert.Null(workspace.Read("alias"));
        Assert.Equal(["ok.txt"], workspace.Snapshot().Keys);
        Assert.Equal(["ok.txt"], workspace.List(""));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), "reading a FIFO would have blocked");
        // The file tools say what a terminal would; writing where a link is replaces the link, never writes through it.
        var shadow = File.Exists("/etc/shadow") ? File.ReadAllText("/etc/shadow") : null;
        Assert.Equal("No such file: shadow", Tool(workspace, "read_file", ("path", "shadow")));
        Assert.Equal("Not a directory: root", Tool(workspace, "write_file", ("path", "root/etc/evil"), ("content", "x")));
        Assert.Equal("Not a directory: pipe", Tool(workspace, "write_file", ("path", "pipe/x"), ("content", "x")));
        Assert.Equal("Wrote 4 characters to shadow", Tool(workspace, "write_file", ("path", "shadow"), ("content", "mine")));
        Assert.Equal("mine", workspace.Read("shadow"));
        Assert.Equal(shadow, File.Exists("/etc/shadow") ? File.ReadAllText("/etc/shadow") : null);
        Assert.False(File.Exists("/etc/evil"));
        Assert.Equal("Deleted root", Tool(workspace, "delete_file", ("path", "root")));
        Assert.True(Directory.Exists("/etc"));
    }

    [Fact]
    public async Task Commands_run_unprivileged_without_the_runners_environment()
    {
        var secret = "sk-sandbox-" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable("SCHEME_SANDBOX_TEST_KEY", secret);
        try
        {
            await using var session = await _sandbox.OpenAsync();

            var outcome = await Run(session, "id -u; grep CapEff /proc/self/status; env; cat /proc/1/environ; ls /proc | grep -c '^[0-9]'; su -c id root < /dev/null");

            var lines = outcome.Output.Split('\n');
            Assert.Equal(session.User.ToString(System.Globalization.CultureInfo.InvariantCulture), lines[0]);
            Assert.Equal("CapEff:\t0000000000000000", lines[1]);
            Assert.DoesNotContain(secret, outcome.Output);
            Assert.DoesNotContain("SCHEME_SANDBOX_TEST_KEY", outcome.Output);
            Assert.Contains("PATH=/home/user/bin:", outcome.Output);
        }
        finally
        {
            Environment.SetEnvironmentVariable("SCHEME_SANDBOX_TEST_KEY", null);
        }
    }
}
