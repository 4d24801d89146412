namespace Scheme.Contracts;

/// <summary>Where an environment's episodes act (<c>sandbox:</c>), defined once for the compiler and the runtime.</summary>
public static class SandboxKinds
{
    /// <summary>
    /// Whether a workspace file may be run: a sandbox puts the workspace's bin/ folder first on PATH, so its files are the
    /// executable ones (shims such as scp). The one rule, for the compiler that marks declared files and the runtime that
    /// marks rendered and added ones.
    /// </summary>
    public static bool IsExecutablePath(string workspacePath) => workspacePath.StartsWith("bin/", StringComparison.Ordinal);

    /// <summary>The in-memory workspace: file tools only, nothing runs. The default.</summary>
    public const string Virtual = "virtual";

    /// <summary>A real directory per episode and a shell, isolated by bubblewrap (Debian package bubblewrap).</summary>
    public const string Bubblewrap = "bubblewrap";

    public static IReadOnlyList<string> All { get; } = [Virtual, Bubblewrap];

    /// <summary>Where the workspace is mounted in a sandbox unless the environment says otherwise (<c>home:</c>).</summary>
    public const string DefaultHome = "/home/user";

    /// <summary>
    /// Folders a sandbox provides itself (the host's system, read-only, and the sandbox's own /proc, /dev and /tmp): the
    /// workspace and the mounts may lie neither on nor under them, nor hold them.
    /// </summary>
    public static IReadOnlyList<string> SystemFolders { get; } = ["/bin", "/dev", "/etc", "/lib", "/lib64", "/proc", "/run", "/sbin", "/sys", "/tmp", "/usr"];
}
