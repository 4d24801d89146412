using System.Runtime.Versioning;
using System.Globalization;

namespace Scheme.Engine.Sandbox;

/// <summary>
/// The runner's own folder for its episodes' trees: <c>{temp}/scheme-sandboxes/{pid}-{random}/</c>, claimed by an OS lock
/// on <c>owner.lock</c> held for the runner's life. Each episode gets a fresh subfolder, removed when the episode ends
/// whatever happens. A runner killed before it could remove its trees leaves its folder unlocked (the OS drops the lock
/// with the process), and the next runner to start removes it, mounts included; folders of live runners stay.
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class SandboxRoot : IDisposable
{
    public const string LockName = "owner.lock";

    /// <summary>A folder without its lock file is either being created or broken; only an old one is removed.</summary>
    private static readonly TimeSpan Unclaimed = TimeSpan.FromMinutes(10);

    private readonly FileStream _lock;
    private int _next;

    private SandboxRoot(string path, FileStream claim)
    {
        Path = path;
        _lock = claim;
    }

    /// <summary>This runner's folder.</summary>
    public string Path { get; }

    /// <summary>The default parent of every runner's folder.</summary>
    public static string DefaultParent => System.IO.Path.Combine(System.IO.Path.GetTempPath(), "scheme-sandboxes");

    /// <summary>Removes what killed runners left under <paramref name="parent"/>, then claims a folder of this runner's own.</summary>
    public static SandboxRoot Create(string? parent = null)
    {
        parent ??= DefaultParent;
        Directory.CreateDirectory(parent);
        File.SetUnixFileMode(parent, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        RemoveStale(parent);
        var path = System.IO.Path.Combine(parent, string.Create(CultureInfo.InvariantCulture,
            $"{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..8]}"));
        Directory.CreateDirectory(path);
        var claim = new FileStream(System.IO.Path.Combine(path, LockName), FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None);
        return new SandboxRoot(path, claim);
    }

    /// <summary>A new, empty folder for one episode.</summary>
    public string NewEpisodeFolder()
    {
        var path = System.IO.Path.Combine(Path, "e" + Interlocked.Increment(ref _next).ToString(CultureInfo.InvariantCulture));
        Directory.CreateDirectory(path);
        return path;
    }

    /// <summary>Removes an episode's folder: its tmpfs is detached first (instantly, even while in use), then the mount point.</summary>
    public static void Remove(string folder)
    {
        Native.Unmount(folder);
        if (Directory.Exists(folder))
        {
            // Never follows a link: Directory.Delete removes a symbolic link, not what it points to.
            Directory.Delete(folder, recursive: true);
        }
    }

    public void Dispose()
    {
        foreach (var episode in Directory.Exists(Path) ? Directory.EnumerateDirectories(Path).ToList() : [])
        {
            Remove(episode);
        }
        _lock.Dispose();
        if (Directory.Exists(Path))
        {
            Directory.Delete(Path, recursive: true);
        }
    }

    private static void RemoveStale(string parent)
    {
        foreach (var runner in Directory.EnumerateDirectories(parent))
        {
            var lockPath = System.IO.Path.Combine(runner, LockName);
            FileStream? claim = null;
            try
            {
                if (File.Exists(lockPath))
                {
                    claim = new FileStream(lockPath, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
                }
                else if (DateTime.UtcNow - Directory.GetCreationTimeUtc(runner) < Unclaimed)
                {
                    continue;
                }
            }
            catch (IOException)
            {
                continue; // A live runner holds it.
            }
            using (claim)
            {
                foreach (var episode in Directory.EnumerateDirectories(runner))
                {
                    Remove(episode);
                }
            }
            try
            {
                Directory.Delete(runner, recursive: true);
            }
            catch (IOException)
            {
                // Another runner starting at the same moment removed it first.
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    }
}
