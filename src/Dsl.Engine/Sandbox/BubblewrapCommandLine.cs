using System.Runtime.Versioning;
using System.Globalization;
using Scheme.Model;

namespace Scheme.Engine.Sandbox;

/// <summary>
/// The bubblewrap command line of one command (README.md explains each part). In short: new IPC, PID, network, UTS and
/// cgroup namespaces (no network at all, and every process dies with the namespace's first); the host's /usr and its
/// links read-only; a fresh /proc and /dev; the episode's folders bound writable at the home, the mounts and /tmp; a
/// clean environment; then, inside, a backstop timeout, the resource limits (prlimit) and the switch to the episode's
/// own unprivileged user (setpriv), under which the model's command runs with stderr merged into stdout.
/// </summary>
[SupportedOSPlatform("linux")]
public static class BubblewrapCommandLine
{
    /// <summary>Seconds past max_command_seconds after which the sandbox kills the command itself, should the runner not have.</summary>
    public const int BackstopSeconds = 5;

    /// <summary>Open files per process: enough for any build tool, too few to exhaust the host's table.</summary>
    public const int OpenFiles = 1024;

    public const string Hostname = "workstation";

    /// <summary>The folders of one episode on the host, and the user its commands run as.</summary>
    public sealed record Layout(string Home, string Tmp, string Passwd, string Group, IReadOnlyDictionary<string, string> Mounts, uint User);

    public static IReadOnlyList<string> Arguments(SandboxSpec spec, Layout layout, CommandKind kind, string text)
    {
        var limits = spec.Limits.Resolved();
        var arguments = new List<string>
        {
            "--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts", "--unshare-cgroup-try",
            "--die-with-parent", "--new-session", "--hostname", Hostname,
            "--ro-bind", "/usr", "/usr",
        };
        foreach (var system in (string[])["/bin", "/sbin", "/lib", "/lib32", "/lib64"])
        {
            // Merged /usr (Debian 12, Ubuntu, Fedora): links into /usr; an older layout: folders of their own.
            switch (Native.Kind(system))
            {
                case EntryKind.Link:
                    arguments.AddRange(["--symlink", new FileInfo(system).LinkTarget!, system]);
                    break;
                case EntryKind.Directory:
                    arguments.AddRange(["--ro-bind", system, system]);
                    break;
            }
        }
        arguments.AddRange(["--perms", "0755", "--dir", "/etc"]);
        foreach (var config in (string[])["/etc/alternatives", "/etc/ld.so.cache"])
        {
            // awk and friends are links through /etc/alternatives; nothing else of the host's /etc is shown.
            if (Native.Kind(config) != EntryKind.None)
            {
                arguments.AddRange(["--ro-bind", config, config]);
            }
        }
        arguments.AddRange(["--ro-bind", layout.Passwd, "/etc/passwd", "--ro-bind", layout.Group, "/etc/group"]);
        arguments.AddRange(["--proc", "/proc", "--dev", "/dev"]);
        Bind(arguments, layout.Home, spec.Home);
        foreach (var (mount, folder) in layout.Mounts.OrderBy(m => m.Key, StringComparer.Ordinal))
        {
            Bind(arguments, folder, mount);
        }
        arguments.AddRange(["--bind", layout.Tmp, "/tmp", "--chdir", spec.Home, "--clearenv"]);
        foreach (var (name, value) in Environment(spec.Home))
        {
            arguments.AddRange(["--setenv", name, value]);
        }
        // Root inside the sandbox keeps only what setpriv needs to become the episode's user, then drops it too.
        arguments.AddRange(["--cap-drop", "ALL", "--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID", "--"]);
        arguments.AddRange(["/usr/bin/timeout", "-s", "KILL", Invariant(limits.MaxCommandSeconds!.Value + BackstopSeconds)]);
        arguments.AddRange(["/usr/bin/prlimit", $"--nproc={Invariant(limits.MaxCommandProcesses!.Value)}", $"--as={Invariant(limits.MaxCommandMemoryBytes!.Value)}",
            $"--fsize={Invariant(limits.MaxFileBytes!.Value)}", $"--nofile={Invariant(OpenFiles)}", "--core=0", "--"]);
        arguments.AddRange(["/usr/bin/setpriv", $"--reuid={Invariant(layout.User)}", $"--regid={Invariant(layout.User)}", "--clear-groups",
            "--inh-caps=-all", "--no-new-privs", "--"]);
        // sh merges stderr into stdout, then execs the command unchanged: bash -c sees exactly the model's text.
        arguments.AddRange(["/bin/sh", "-c", "exec \"$@\" 2>&1", "sh"]);
        arguments.AddRange(kind == CommandKind.Bash ? ["/bin/bash", "-c", text] : ["python3", "-c", text]);
        return arguments;
    }

    /// <summary>The environment of every command: a terminal's, with the workspace's bin/ first on PATH.</summary>
    public static IEnumerable<(string Name, string Value)> Environment(string home) =>
    [
        ("PATH", $"{home}/bin:/usr/local/bin:/usr/bin:/bin"),
        ("HOME", home),
        ("USER", "user"),
        ("LOGNAME", "user"),
        ("SHELL", "/bin/bash"),
        ("LANG", "C.UTF-8"),
        ("TERM", "dumb"),
    ];

    /// <summary>The passwd and group lines that name the episode's user (and root, so ls -l shows names).</summary>
    public static (string Passwd, string Group) Accounts(string home, uint user) => (
        $"root:x:0:0:root:/root:/usr/sbin/nologin\nuser:x:{Invariant(user)}:{Invariant(user)}:user:{home}:/bin/bash\n",
        $"root:x:0:\nuser:x:{Invariant(user)}:\n");

    /// <summary>Binds a folder writable, creating its parents readable by all (bubblewrap would make them root's alone).</summary>
    private static void Bind(List<string> arguments, string source, string destination)
    {
        var parents = new List<string>();
        for (var parent = Path.GetDirectoryName(destination); parent is not (null or "/"); parent = Path.GetDirectoryName(parent))
        {
            parents.Add(parent);
        }
        parents.Reverse();
        foreach (var parent in parents)
        {
            arguments.AddRange(["--perms", "0755", "--dir", parent]);
        }
        arguments.AddRange(["--bind", source, destination]);
    }

    private static string Invariant(long value) => value.ToString(CultureInfo.InvariantCulture);
}
