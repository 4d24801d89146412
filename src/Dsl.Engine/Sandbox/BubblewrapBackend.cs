using System.Runtime.Versioning;
using System.Text;
using Scheme.Contracts;
using Scheme.Model;

namespace Scheme.Engine.Sandbox;

/// <summary>
/// The bubblewrap backend (Debian package bubblewrap). Runs as root: it mounts a size-limited tmpfs per episode and
/// starts each command as an unprivileged user of the episode's own. README.md has the command line and every limit.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class BubblewrapBackend : ISandboxBackend
{
    /// <summary>What each episode's tmpfs holds besides the files: folders, the account files, slack for the file system.</summary>
    private const long Slack = 256 << 10;

    private readonly Lazy<SandboxRoot> _root;
    private readonly string? _bubblewrap;

    /// <param name="parent">Where runners keep their sandboxes (default: {temp}/scheme-sandboxes); trees of killed runners
    /// there are removed when the first episode opens.</param>
    /// <param name="program">Where bwrap is (default: found on PATH or in /usr/bin); a path that does not exist means it
    /// is not installed.</param>
    public BubblewrapBackend(string? parent = null, string? program = null)
    {
        _root = new Lazy<SandboxRoot>(() => SandboxRoot.Create(parent));
        _bubblewrap = program is null ? Find("bwrap") : File.Exists(program) ? program : null;
    }

    public string Name => SandboxKinds.Bubblewrap;

    /// <summary>Where bwrap is, or null when it is not installed.</summary>
    public string? Program => _bubblewrap;

    public IReadOnlyList<SandboxProblem> Check(IReadOnlyCollection<EnvironmentDefinition> environments)
    {
        var names = string.Join(", ", environments.Select(e => e.Name));
        if (_bubblewrap is null)
        {
            return [new SandboxProblem(SandboxCodes.NotInstalled,
                $"Environment {names} runs in a bubblewrap sandbox, but bwrap is not installed. Install it: apt-get install bubblewrap " +
                "(Debian, Ubuntu; dnf install bubblewrap on Fedora).")];
        }
        var problems = new List<SandboxProblem>();
        if (!Environment.IsPrivilegedProcess)
        {
            problems.Add(new SandboxProblem(SandboxCodes.CannotStart,
                $"Environment {names} runs in a bubblewrap sandbox, which needs root: it mounts a size-limited file system per episode " +
                "and runs commands as an unprivileged user of the episode's own. Run the runner as root (for example in a container or VM)."));
        }
        foreach (var tool in (string[])["/usr/bin/timeout", "/usr/bin/prlimit", "/usr/bin/setpriv", "/bin/sh", "/bin/bash"])
        {
            if (!File.Exists(tool))
            {
                problems.Add(new SandboxProblem(SandboxCodes.CannotStart,
                    $"The bubblewrap sandbox needs {tool}, which is missing. Install coreutils, util-linux and bash."));
            }
        }
        var python = environments.Where(e => e.Tools.Any(t => t.IsBuiltin && t.Name == BuiltinToolCatalog.Python)).Select(e => e.Name).ToList();
        if (python.Count > 0 && !File.Exists("/usr/bin/python3") && !File.Exists("/usr/local/bin/python3"))
        {
            problems.Add(new SandboxProblem(SandboxCodes.NoPython,
                $"Environment {string.Join(", ", python)} offers the python tool, but the sandbox has no python3 (it shows the host's /usr). " +
                "Install it: apt-get install python3-minimal."));
        }
        return problems.Count > 0 ? problems : Probe();
    }

    public Task<ISandboxSession> OpenAsync(SandboxSpec spec, CancellationToken cancellationToken)
    {
        var bubblewrap = _bubblewrap ?? throw new SandboxUnavailableException("bwrap is not installed: apt-get install bubblewrap.");
        cancellationToken.ThrowIfCancellationRequested();
        var folder = _root.Value.NewEpisodeFolder();
        try
        {
            return Task.FromResult<ISandboxSession>(Materialize(bubblewrap, folder, spec));
        }
        catch
        {
            SandboxRoot.Remove(folder);
            throw;
        }
    }

    public void Dispose()
    {
        if (_root.IsValueCreated)
        {
            _root.Value.Dispose();
        }
    }

    /// <summary>Lays out one episode: its tmpfs, the account files, the folders and the declared files, all the user's.</summary>
    private static BubblewrapSession Materialize(string bubblewrap, string folder, SandboxSpec spec)
    {
        var limits = spec.Limits.Resolved();
        var paths = new WorkspacePaths(spec.Home, spec.Mounts);
        var initial = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in spec.Files)
        {
            if (!paths.TryNormalize(file.Path, out var path, out var error) || path.Length == 0)
            {
                throw new ArgumentException($"Workspace file '{file.Path}': {error}", nameof(spec));
            }
            initial[path] = file.Content;
        }
        // Declared files are never refused (the researcher wrote them): the tmpfs grows to hold them if it must.
        var declared = spec.Files.Sum(f => (Encoding.UTF8.GetByteCount(f.Content) + 4095L) / 4096 * 4096 + 4096);
        var size = Math.Max(limits.MaxWorkspaceBytes!.Value, declared + Slack);
        Native.MountTmpfs(folder, size, Math.Max(8192, size / 1024));

        var user = SandboxUsers.Take();
        var home = Folder(folder, "home", user);
        var tmp = Folder(folder, "tmp", user);
        File.SetUnixFileMode(tmp, Modes.Directory | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite | UnixFileMode.StickyBit);
        var mounts = spec.Mounts.Select((m, i) => (Path: WorkspacePaths.Canonical(m), Folder: Folder(folder, $"mount{i}", user)))
            .ToDictionary(m => m.Path, m => m.Folder, StringComparer.Ordinal);
        var accounts = Directory.CreateDirectory(Path.Combine(folder, "etc")).FullName;
        var (passwd, group) = BubblewrapCommandLine.Accounts(spec.Home, user);
        File.WriteAllText(Path.Combine(accounts, "passwd"), passwd);
        File.WriteAllText(Path.Combine(accounts, "group"), group);

        var workspace = new DirectoryWorkspace(paths, home, mounts, initial, limits, user);
        foreach (var file in spec.Files)
        {
            paths.TryNormalize(file.Path, out var path, out _);
            workspace.Seed(path, file.Content, file.Executable);
        }
        var layout = new BubblewrapCommandLine.Layout(home, tmp, Path.Combine(accounts, "passwd"), Path.Combine(accounts, "group"), mounts, user);
        return new BubblewrapSession(bubblewrap, folder, spec, layout, workspace);
    }

    private static string Folder(string parent, string name, uint user)
    {
        var folder = Directory.CreateDirectory(Path.Combine(parent, name)).FullName;
        Native.Chown(folder, user);
        File.SetUnixFileMode(folder, Modes.Directory);
        return folder;
    }

    /// <summary>Runs one trivial command in a real sandbox, so what cannot work is said before any unit runs.</summary>
    private IReadOnlyList<SandboxProblem> Probe()
    {
        try
        {
            var spec = new SandboxSpec(SandboxKinds.DefaultHome, [], [], EnvironmentLimits.Default);
            var session = OpenAsync(spec, CancellationToken.None).GetAwaiter().GetResult();
            using var cleanup = new SessionCleanup(session);
            var outcome = session.RunAsync(CommandKind.Bash, "echo ready", CancellationToken.None).GetAwaiter().GetResult();
            return outcome.Output.Trim() == "ready" ? []
                : [new SandboxProblem(SandboxCodes.CannotStart, $"The bubblewrap sandbox does not run commands here: {outcome.Output.Trim()}")];
        }
        catch (Exception ex) when (ex is SandboxUnavailableException or IOException or UnauthorizedAccessException)
        {
            return [new SandboxProblem(SandboxCodes.CannotStart, $"The bubblewrap sandbox cannot start here: {ex.Message}")];
        }
    }

    private sealed class SessionCleanup(ISandboxSession session) : IDisposable
    {
        public void Dispose() => session.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    private static string? Find(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Append("/usr/bin").Select(d => Path.Combine(d, program)).FirstOrDefault(File.Exists);
}
