using System.Runtime.Versioning;
using System.Runtime.InteropServices;

namespace Scheme.Engine.Sandbox;

/// <summary>What a path is, without following a symbolic link at its end.</summary>
public enum EntryKind
{
    None,
    File,
    Directory,

    /// <summary>A symbolic link: never followed, so a link the model made cannot point the runner at the host's files.</summary>
    Link,

    /// <summary>A FIFO or socket (a model can make both): never opened, since opening a FIFO blocks.</summary>
    Other,
}

/// <summary>
/// The few Linux calls .NET does not offer: mounting the episode's tmpfs, giving its files to the sandbox's user, and
/// telling a FIFO from a file (FileInfo cannot; opening one to find out would block the runner).
/// </summary>
[SupportedOSPlatform("linux")]
internal static class Native
{
    private const int AtFdCwd = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const uint StatxType = 0x1;
    private const int MntDetach = 2;
    private const ulong MsNoSuid = 2;
    private const ulong MsNoDev = 4;

    private const uint StatxUid = 0x8;
    private const int SigKill = 9;

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Signal(int process, int signal);

    [DllImport("libc", EntryPoint = "mount", SetLastError = true)]
    private static extern int Mount(string source, string target, string type, ulong flags, string data);

    [DllImport("libc", EntryPoint = "umount2", SetLastError = true)]
    private static extern int Unmount(string target, int flags);

    [DllImport("libc", EntryPoint = "lchown", SetLastError = true)]
    private static extern int LinkChown(string path, uint owner, uint group);

    // struct statx has one layout on every architecture (unlike struct stat): stx_mode is the u16 at offset 28.
    [DllImport("libc", EntryPoint = "statx", SetLastError = true)]
    private static extern int Statx(int directory, string path, int flags, uint mask, byte[] buffer);

    /// <summary>Mounts a tmpfs of <paramref name="bytes"/> bytes and <paramref name="inodes"/> inodes (no setuid, no devices).</summary>
    public static void MountTmpfs(string target, long bytes, long inodes)
    {
        if (Mount("tmpfs", target, "tmpfs", MsNoSuid | MsNoDev, $"size={bytes},nr_inodes={inodes},mode=0755") != 0)
        {
            throw new SandboxUnavailableException($"Cannot mount the episode's tmpfs at {target}: {Error()}. The bubblewrap sandbox runs as root.");
        }
    }

    /// <summary>Detaches a mount; false when <paramref name="target"/> is not a mount point (or no longer exists).</summary>
    public static bool Unmount(string target) => Unmount(target, MntDetach) == 0;

    public static void Chown(string path, uint id)
    {
        if (LinkChown(path, id, id) != 0)
        {
            throw new IOException($"Cannot give {path} to the sandbox's user: {Error()}");
        }
    }

    public static EntryKind Kind(string path)
    {
        var buffer = new byte[256];
        if (Statx(AtFdCwd, path, AtSymlinkNoFollow, StatxType, buffer) != 0)
        {
            return EntryKind.None;
        }
        return (BitConverter.ToUInt16(buffer, 28) & 0xF000) switch
        {
            0x8000 => EntryKind.File,
            0x4000 => EntryKind.Directory,
            0xA000 => EntryKind.Link,
            _ => EntryKind.Other,
        };
    }

    /// <summary>
    /// The processes of the machine whose user is <paramref name="user"/>: the owner of /proc/PID is the process's
    /// effective user, read with one statx call per process (no file is opened).
    /// </summary>
    public static List<int> ProcessesOf(uint user)
    {
        var found = new List<int>();
        var buffer = new byte[256];
        foreach (var entry in Directory.EnumerateDirectories("/proc"))
        {
            var name = entry.AsSpan(6);
            if (name.Length > 0 && char.IsAsciiDigit(name[0]) && int.TryParse(name, out var process)
                && Statx(AtFdCwd, entry, AtSymlinkNoFollow, StatxUid, buffer) == 0 && BitConverter.ToUInt32(buffer, 20) == user)
            {
                found.Add(process);
            }
        }
        return found;
    }

    public static void Kill(int process) => Signal(process, SigKill);

    private static string Error() => Marshal.GetLastPInvokeErrorMessage();
}
