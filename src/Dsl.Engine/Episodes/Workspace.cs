using Scheme.Model;

namespace Scheme.Engine.Episodes;

/// <summary>
/// The virtual file system of one work unit: seeded from the environment's declared files, changed only by
/// tool calls, and snapshotted at the end for detectors. It is in memory so that thousands of episodes run
/// in parallel without touching the disk, and so that a model can never reach the host's files.
/// </summary>
/// <remarks>
/// Paths are relative to the workspace root, with forward slashes, or absolute under one of the environment's mounts
/// (<see cref="WorkspacePaths"/>). Directories are implicit: a directory exists while some file lies under it (a mount
/// always exists). Bad paths are the model's mistakes, not the runner's, so they are reported back to it as text
/// (<see cref="TryResolve"/>) rather than thrown.
/// </remarks>
public sealed class Workspace : IWorkspace
{
    /// <summary>Bytes charged per file and per email besides their text, so that a million empty files cost memory too.</summary>
    private const long EntryOverhead = 64;

    private readonly SortedDictionary<string, string> _files = new(StringComparer.Ordinal);
    private readonly IReadOnlyDictionary<string, string> _declared;
    private readonly List<Email> _outbox = [];
    private readonly long _maxFileBytes;
    private readonly long _maxBytes;
    private readonly WorkspacePaths _paths;
    private long _bytes;

    /// <param name="limits">Caps on one file and on the whole workspace (files and sent emails); null: the defaults.</param>
    /// <param name="mounts">Folders besides the workspace root, by absolute path ("the new server").</param>
    public Workspace(IEnumerable<WorkspaceFile>? files = null, EnvironmentLimits? limits = null, IReadOnlyList<string>? mounts = null)
    {
        var resolved = (limits ?? EnvironmentLimits.Default).Resolved();
        _maxFileBytes = resolved.MaxFileBytes!.Value;
        _maxBytes = resolved.MaxWorkspaceBytes!.Value;
        _paths = mounts is { Count: > 0 } ? new WorkspacePaths(null, mounts) : WorkspacePaths.Relative;
        foreach (var file in files ?? [])
        {
            if (!_paths.TryNormalize(file.Path, out var path, out var error))
            {
                // A declared file with a bad path is a bug in the experiment, not something a model did.
                throw new ArgumentException($"Workspace file '{file.Path}': {error}", nameof(files));
            }
            // Declared files count towards the workspace's size but are never refused: the researcher wrote them.
            Put(path, file.Content);
        }
        _declared = new Dictionary<string, string>(_files, StringComparer.Ordinal);
    }

    /// <summary>The workspace's size as its limits count it: UTF-8 bytes of paths, contents and emails.</summary>
    public long Bytes => _bytes;

    /// <summary>Emails sent with send_email, in order. Kept apart from the files so that the model cannot
    /// unsend one by deleting a file: what was sent stays sent.</summary>
    public IReadOnlyList<Email> Outbox => _outbox;

    /// <summary>The answer arguments of the submit call, once the model has submitted.</summary>
    public IReadOnlyDictionary<string, string>? Submission { get; private set; }

    public bool IsSubmitted => Submission is not null;

    /// <summary>
    /// Normalizes a relative path (see <see cref="WorkspacePaths.TryNormalize"/>): absolute paths, drive letters,
    /// home-relative paths and anything that climbs above the root are refused.
    /// </summary>
    public static bool TryNormalize(string? path, out string normalized, out string error) =>
        WorkspacePaths.Relative.TryNormalize(path, out normalized, out error);

    /// <summary>Normalizes a path of this workspace: relative, or absolute under one of its mounts.</summary>
    public bool TryResolve(string? path, out string normalized, out string error) => _paths.TryNormalize(path, out normalized, out error);

    public IReadOnlyDictionary<string, string> Initial => _declared;

    public bool FileExists(string normalizedPath) => _files.ContainsKey(normalizedPath);

    public bool DirectoryExists(string normalizedPath) =>
        normalizedPath.Length == 0 || _paths.Mounts.Contains(normalizedPath)
        || _files.Keys.Any(k => k.StartsWith(normalizedPath + "/", StringComparison.Ordinal));

    public string? Read(string normalizedPath) => _files.GetValueOrDefault(normalizedPath);

    /// <summary>
    /// Writes a file unless it would pass a limit; then the workspace is unchanged and <paramref name="refusal"/>
    /// says which limit and why, as the model will read it.
    /// </summary>
    public bool TryWrite(string normalizedPath, string content, out LimitRefusal? refusal)
    {
        var size = Size(normalizedPath, content);
        if (size - EntryOverhead - System.Text.Encoding.UTF8.GetByteCount(normalizedPath) > _maxFileBytes)
        {
            refusal = new LimitRefusal(LimitNames.MaxFileBytes,
                $"Refused: {normalizedPath} would be larger than the largest file allowed ({_maxFileBytes} bytes).");
            return false;
        }
        var replaced = _files.TryGetValue(normalizedPath, out var old) ? Size(normalizedPath, old) : 0;
        if (_bytes - replaced + size > _maxBytes)
        {
            refusal = new LimitRefusal(LimitNames.MaxWorkspaceBytes,
                $"Refused: writing {normalizedPath} would make the workspace larger than its limit ({_maxBytes} bytes).");
            return false;
        }
        Put(normalizedPath, content);
        refusal = null;
        return true;
    }

    public bool Delete(string normalizedPath)
    {
        if (!_files.Remove(normalizedPath, out var old))
        {
            return false;
        }
        _bytes -= Size(normalizedPath, old);
        return true;
    }

    /// <summary>Files added or changed since the declared state (path to content), and declared files deleted.</summary>
    public WorkspaceChanges Changes() => WorkspaceChanges.Between(_declared, _files);

    /// <summary>Every file under the directory (the root when empty, without the mounts), recursively, in ordinal order.</summary>
    public IReadOnlyList<string> List(string normalizedDirectory) =>
        normalizedDirectory.Length == 0
            ? _files.Keys.Where(k => !k.StartsWith('/')).ToList()
            : _files.Keys.Where(k => k.StartsWith(normalizedDirectory + "/", StringComparison.Ordinal)).ToList();

    /// <summary>Sends an email unless the outbox would pass the workspace's limit (emails count towards it).</summary>
    public bool TrySend(Email email, out LimitRefusal? refusal)
    {
        var size = EntryOverhead + Utf8(email.To) + Utf8(email.Subject) + Utf8(email.Body);
        if (_bytes + size > _maxBytes)
        {
            refusal = new LimitRefusal(LimitNames.MaxWorkspaceBytes,
                $"Refused: sending this email would pass the workspace's limit ({_maxBytes} bytes).");
            return false;
        }
        _bytes += size;
        _outbox.Add(email);
        refusal = null;
        return true;
    }

    public void Submit(IReadOnlyDictionary<string, string> arguments) => Submission ??= arguments;

    /// <summary>The final state for the transcript: path to content, ordered by path, detached from later changes.</summary>
    public IReadOnlyDictionary<string, string> Snapshot() => new SortedDictionary<string, string>(_files, StringComparer.Ordinal);

    private void Put(string path, string content)
    {
        if (_files.TryGetValue(path, out var old))
        {
            _bytes -= Size(path, old);
        }
        _files[path] = content;
        _bytes += Size(path, content);
    }

    private static long Size(string path, string content) => EntryOverhead + Utf8(path) + Utf8(content);

    private static long Utf8(string text) => System.Text.Encoding.UTF8.GetByteCount(text);
}
