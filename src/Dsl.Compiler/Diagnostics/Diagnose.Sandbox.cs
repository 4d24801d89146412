namespace Scheme.Compiler.Diagnostics;

/// <summary>SCH0140-0142 and SCH0320-0321: where an environment's episodes act (sandbox, home, mounts).</summary>
public static partial class Diagnose
{
    /// <param name="name">What <c>sandbox:</c> names.</param>
    /// <param name="kinds">The sandboxes there are.</param>
    public static DiagnosticMessage UnknownSandbox(string name, string suggestion, IEnumerable<string> kinds) =>
        Make(DiagnosticCatalog.UnknownSandbox, $"Unknown sandbox '{name}'.{suggestion} Sandboxes: {List(kinds)}.");

    /// <param name="tool">bash or python.</param>
    public static DiagnosticMessage ToolNeedsSandbox(string tool, string environment) =>
        Make(DiagnosticCatalog.ToolNeedsSandbox,
            $"'{tool}' runs programs, which needs a sandbox, and environment '{environment}' has none. Add sandbox: bubblewrap, or drop the tool.");

    public static DiagnosticMessage HomeWithoutSandbox(string environment) =>
        Make(DiagnosticCatalog.HomeWithoutSandbox,
            $"'home' says where the workspace is mounted in a sandbox, and environment '{environment}' has none. Add sandbox: bubblewrap, or drop 'home'.");

    /// <param name="what">"home" or "mount".</param>
    /// <param name="reason">Why the folder cannot be one, a sentence.</param>
    public static DiagnosticMessage InvalidSandboxFolder(string what, string path, string reason) =>
        Make(DiagnosticCatalog.InvalidSandboxFolder, $"'{path}' is not a valid {what} folder: {reason}");

    /// <param name="mounts">The environment's mounts.</param>
    public static DiagnosticMessage FileOutsideMounts(string path, IReadOnlyList<string> mounts) =>
        mounts.Count == 0
            ? Make(DiagnosticCatalog.FileOutsideMounts,
                $"'{path}' is an absolute path, and the environment has no mounts. Declare its folder, e.g. mounts: [\"{Folder(path)}\"], or use a path relative to the workspace.")
            : Make(DiagnosticCatalog.FileOutsideMounts,
                $"'{path}' is not under a mount of the environment ({List(mounts)}). Add its folder to mounts, or use a path relative to the workspace.");

    private static string Folder(string path) => path.LastIndexOf('/') is > 0 and var slash ? path[..slash] : path;
}
