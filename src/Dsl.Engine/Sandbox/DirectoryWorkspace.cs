using System.Runtime.Versioning;
using System.Text;
using Scheme.Model;

namespace Scheme.Engine.Sandbox;

/// <summary>
/// A sandbox's files as an <see cref="IWorkspace"/>: the real directories the commands change (the workspace, mounted at
/// the sandbox's home, and each mount), read and written directly, so the file tools, the C# tools and the detectors see
/// exactly what the last command left.
/// </summary>
/// <remarks>
/// The runner reads and writes these folders as root, while no command runs (an episode's tool calls never overlap and
/// every process of a command is dead when it returns). So it never follows a symbolic link, at the end of a path or
/// inside it, nor opens anything but a regular file: a model's <c>ln -s /root/.ssh/id_rsa key</c> or <c>mkfifo</c> can
/// neither show the runner's files to the model nor block it. Such entries take their name (<see cref="FileExists"/>, so
/// nothing is written through them) but have no content: reading one finds no file, snapshots leave them out, and
/// writing or deleting replaces or removes the entry itself. Files the runner writes are given to the sandbox's user,
/// as the model's own are. The size limit is the episode's tmpfs: a write that does not fit is refused and leaves nothing.
/// </remarks>
[SupportedOSPlatform("linux")]
public sealed class DirectoryWorkspace : IWorkspace
{
    private const long EmailOverhead = 64;
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    private readonly WorkspacePaths _paths;
    private readonly string _home;
    private readonly IReadOnlyDictionary<string, string> _mounts;
    private readonly uint _owner;
    private readonly long _maxFileBytes;
    private readonly long _maxSnapshotBytes;
    private readonly long _maxEmailBytes;
    private readonly List<Email> _outbox = [];
    private long _emailBytes;

    /// <param name="home">The host folder holding the workspace root.</param>
    /// <param name="mounts">Each mount's absolute path in the sandbox, to the host folder holding it.</param>
    /// <param name="owner">The sandbox's user, who owns every file.</param>
    public DirectoryWorkspace(WorkspacePaths paths, string home, IReadOnlyDictionary<string, string> mounts, IReadOnlyDictionary<string, string> initial,
        EnvironmentLimits limits, uint owner)
    {
        _paths = paths;
        _home = home;
        _mounts = mounts;
        Initial = initial;
        _owner = owner;
        var resolved = limits.Resolved();
        _maxFileBytes = resolved.MaxFileBytes!.Value;
        _maxEmailBytes = resolved.MaxWorkspaceBytes!.Value;
        _maxSnapshotBytes = resolved.MaxWorkspaceBytes!.Value;
    }

    public IReadOnlyDictionary<string, string> Initial { get; }

    public IReadOnlyList<Email> Outbox => _outbox;

    public IReadOnlyDictionary<string, string>? Submission { get; private set; }

    public bool IsSubmitted => Submission is not null;

    public bool TryResolve(string? path, out string normalized, out string error) => _paths.TryNormalize(path, out normalized, out error);

    /// <summary>Whether the name is taken by something other than a folder: a file, or a link or FIFO the model made.</summary>
    public bool FileExists(string path) => Host(path) is { } host && Native.Kind(host) is EntryKind.File or EntryKind.Link or EntryKind.Other;

    public bool DirectoryExists(string path) => Host(path) is { } host && Native.Kind(host) == EntryKind.Directory;

    /// <summary>A file's text, at most max_file_bytes of it: a sparse file (truncate -s) claims any length without using the
    /// tmpfs that caps the sandbox, and reading its claim whole would be the runner's memory, not the model's.</summary>
    public string? Read(string path) => Host(path) is { } host && Native.Kind(host) == EntryKind.File ? ReadCapped(host, _maxFileBytes) : null;

    private static string ReadCapped(string host, long maxBytes)
    {
        using var stream = new FileStream(host, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        if (stream.Length <= maxBytes)
        {
            using var reader = new StreamReader(stream, Utf8);
            return reader.ReadToEnd();
        }
        var buffer = new byte[maxBytes];
        stream.ReadExactly(buffer);
        return Utf8.GetString(buffer) + $"\n[cut: the file claims {stream.Length} bytes; max_file_bytes is {maxBytes}]";
    }

    public bool TryWrite(string path, string content, out LimitRefusal? refusal)
    {
        refusal = null;
        var bytes = Utf8.GetBytes(content);
        if (bytes.Length > _maxFileBytes)
        {
            refusal = new LimitRefusal(LimitNames.MaxFileBytes, $"Refused: {path} would be larger than the largest file allowed ({_maxFileBytes} bytes).");
            return false;
        }
        var host = Host(path) ?? throw new IOException($"Cannot write {path}: a folder on its way is not a directory.");
        var kind = Native.Kind(host);
        if (kind == EntryKind.Directory || path.Length == 0)
        {
            throw new IOException($"{path} is a directory.");
        }
        CreateParents(host);
        var temporary = host + ".~" + Guid.NewGuid().ToString("N")[..8];
        try
        {
            File.WriteAllBytes(temporary, bytes);
        }
        catch (IOException)
        {
            // The tmpfs is full (or out of inodes): nothing of the write stays.
            File.Delete(temporary);
            refusal = new LimitRefusal(LimitNames.MaxWorkspaceBytes,
                $"Refused: writing {path} would make the workspace larger than its limit (the disk is full).");
            return false;
        }
        Native.Chown(temporary, _owner);
        File.SetUnixFileMode(temporary, kind == EntryKind.File ? File.GetUnixFileMode(host) : Modes.File);
        // A rename replaces the name, so a link or FIFO at the destination is replaced, never written through or opened.
        File.Move(temporary, host, overwrite: true);
        return true;
    }

    /// <summary>Writes a declared file: never refused (the researcher wrote it), executable if declared so.</summary>
    internal void Seed(string path, string content, bool executable)
    {
        var host = Host(path) ?? throw new ArgumentException($"Workspace file '{path}' lies under another file.", nameof(path));
        CreateParents(host);
        File.WriteAllText(host, content, Utf8);
        Native.Chown(host, _owner);
        File.SetUnixFileMode(host, executable ? Modes.Executable : Modes.File);
    }

    public bool Delete(string path)
    {
        if (Host(path) is not { } host || Native.Kind(host) is EntryKind.None or EntryKind.Directory)
        {
            return false;
        }
        // Removes the name: a link goes, never what it points to.
        File.Delete(host);
        return true;
    }

    public IReadOnlyList<string> List(string directory)
    {
        var files = new List<string>();
        if (Host(directory) is { } host && Native.Kind(host) == EntryKind.Directory)
        {
            Walk(host, directory, files);
        }
        files.Sort(StringComparer.Ordinal);
        return files;
    }

    /// <summary>
    /// Every file with its text, read up to max_workspace_bytes in all: past it (thousands of sparse files, each claiming
    /// max_file_bytes) a file is listed with a note instead of its text, so detectors still see that it exists and changed.
    /// </summary>
    public IReadOnlyDictionary<string, string> Snapshot()
    {
        var snapshot = new SortedDictionary<string, string>(StringComparer.Ordinal);
        long read = 0;
        foreach (var path in List("").Concat(_mounts.Keys.SelectMany(List)))
        {
            var host = Host(path)!;
            if (Native.Kind(host) != EntryKind.File)
            {
                snapshot[path] = "[not read: the file's name is not valid UTF-8, or too long, so it cannot be opened by name]";
                continue;
            }
            var claimed = new FileInfo(host).Length;
            if (read + Math.Min(claimed, _maxFileBytes) > _maxSnapshotBytes)
            {
                snapshot[path] = $"[not read: the workspace's files pass max_workspace_bytes ({_maxSnapshotBytes} bytes)]";
                continue;
            }
            read += Math.Min(claimed, _maxFileBytes);
            snapshot[path] = ReadCapped(host, _maxFileBytes);
        }
        return snapshot;
    }

    public WorkspaceChanges Changes() => WorkspaceChanges.Between(Initial, Snapshot());

    /// <summary>Emails are not files: they count against max_workspace_bytes on their own.</summary>
    public bool TrySend(Email email, out LimitRefusal? refusal)
    {
        var size = EmailOverhead + Utf8.GetByteCount(email.To) + Utf8.GetByteCount(email.Subject) + Utf8.GetByteCount(email.Body);
        if (_emailBytes + size > _maxEmailBytes)
        {
            refusal = new LimitRefusal(LimitNames.MaxWorkspaceBytes, $"Refused: sending this email would pass the workspace's limit ({_maxEmailBytes} bytes).");
            return false;
        }
        _emailBytes += size;
        _outbox.Add(email);
        refusal = null;
        return true;
    }

    public void Submit(IReadOnlyDictionary<string, string> arguments) => Submission ??= arguments;

    /// <summary>
    /// The host path of a normalized path, or null when a folder on the way is not a real directory (a link, a file):
    /// then the path names nothing of the workspace.
    /// </summary>
    private string? Host(string path)
    {
        var (root, rest) = _paths.MountOf(path) is { } mount ? (_mounts[mount], path[mount.Length..].TrimStart('/')) : (_home, path);
        var current = root;
        var segments = rest.Length == 0 ? [] : rest.Split('/');
        for (var i = 0; i < segments.Length; i++)
        {
            current = Path.Combine(current, segments[i]);
            if (i < segments.Length - 1 && Native.Kind(current) is not (EntryKind.Directory or EntryKind.None))
            {
                return null;
            }
        }
        return current;
    }

    private void CreateParents(string host)
    {
        var parent = Path.GetDirectoryName(host)!;
        if (Native.Kind(parent) == EntryKind.Directory)
        {
            return;
        }
        CreateParents(parent);
        Directory.CreateDirectory(parent);
        Native.Chown(parent, _owner);
        File.SetUnixFileMode(parent, Modes.Directory);
    }

    private static void Walk(string host, string path, List<string> files)
    {
        foreach (var entry in Directory.EnumerateFileSystemEntries(host))
        {
            var name = Path.GetFileName(entry);
            var child = path.Length == 0 ? name : path + "/" + name;
            switch (Native.Kind(entry))
            {
                case EntryKind.File:
                    files.Add(child);
                    break;
                case EntryKind.Directory:
                    Walk(entry, child, files);
                    break;
                case EntryKind.None:
                    // Listed, yet not there under the name .NET gives it: a name that is not UTF-8 (read with U+FFFD) or
                    // too long. Nothing runs while the tree is walked, so it exists: keep it, so a file the model hid behind
                    // such a name still shows as a change.
                    files.Add(child);
                    break;
            }
        }
    }
}

/// <summary>The modes the runner gives what it creates in a sandbox.</summary>
[SupportedOSPlatform("linux")]
internal static class Modes
{
    public const UnixFileMode File = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    public const UnixFileMode Executable = File | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;

    public const UnixFileMode Directory = Executable | UnixFileMode.UserWrite;
}
