using Scheme.Runtime.Model;

namespace Scheme.Runtime.Episodes;

/// <summary>
/// The virtual file system of one work unit: seeded from the environment's declared files, changed only by
/// tool calls, and snapshotted at the end for detectors. It is in memory so that thousands of episodes run
/// in parallel without touching the disk, and so that a model can never reach the host's files.
/// </summary>
/// <remarks>
/// Paths are relative to the workspace root, with forward slashes. Directories are implicit: a directory
/// exists while some file lies under it. Bad paths are the model's mistakes, not the runner's, so they are
/// reported back to it as text (<see cref="TryNormalize"/>) rather than thrown.
/// </remarks>
public sealed class Workspace
{
    private readonly SortedDictionary<string, string> _files = new(StringComparer.Ordinal);
    private readonly List<Email> _outbox = [];

    public Workspace(IEnumerable<WorkspaceFile>? files = null)
    {
        foreach (var file in files ?? [])
        {
            if (!TryNormalize(file.Path, out var path, out var error))
            {
                // A declared file with a bad path is a bug in the experiment, not something a model did.
                throw new ArgumentException($"Workspace file '{file.Path}': {error}", nameof(files));
            }
            _files[path] = file.Content;
        }
    }

    /// <summary>Emails sent with send_email, in order. Kept apart from the files so that the model cannot
    /// unsend one by deleting a file: what was sent stays sent.</summary>
    public IReadOnlyList<Email> Outbox => _outbox;

    /// <summary>The answer arguments of the submit call, once the model has submitted.</summary>
    public IReadOnlyDictionary<string, string>? Submission { get; private set; }

    public bool IsSubmitted => Submission is not null;

    /// <summary>
    /// Normalizes a path the model gave: backslashes become slashes, "." and empty segments go, ".." pops a
    /// segment. Absolute paths, drive letters, home-relative paths and anything that climbs above the root
    /// are refused, so a path never means something outside the workspace.
    /// </summary>
    public static bool TryNormalize(string? path, out string normalized, out string error)
    {
        normalized = "";
        error = "";
        if (string.IsNullOrWhiteSpace(path))
        {
            error = "The path is empty.";
            return false;
        }
        var text = path.Trim().Replace('\\', '/');
        if (text.StartsWith('/') || text.StartsWith('~') || (text.Length >= 2 && text[1] == ':'))
        {
            error = $"Absolute paths are not allowed: {path}. Use a path relative to the workspace root.";
            return false;
        }
        if (text.Contains('\0'))
        {
            error = $"Invalid character in path: {path.Replace("\0", "\\0")}";
            return false;
        }
        var segments = new List<string>();
        foreach (var segment in text.Split('/'))
        {
            if (segment is "" or ".")
            {
                continue;
            }
            if (segment == "..")
            {
                if (segments.Count == 0)
                {
                    error = $"Path escapes the workspace: {path}";
                    return false;
                }
                segments.RemoveAt(segments.Count - 1);
                continue;
            }
            segments.Add(segment);
        }
        normalized = string.Join('/', segments);
        return true;
    }

    public bool FileExists(string normalizedPath) => _files.ContainsKey(normalizedPath);

    public bool DirectoryExists(string normalizedPath) =>
        normalizedPath.Length == 0 || _files.Keys.Any(k => k.StartsWith(normalizedPath + "/", StringComparison.Ordinal));

    public string? Read(string normalizedPath) => _files.GetValueOrDefault(normalizedPath);

    public void Write(string normalizedPath, string content) => _files[normalizedPath] = content;

    public bool Delete(string normalizedPath) => _files.Remove(normalizedPath);

    /// <summary>Every file under the directory (the root when empty), recursively, in ordinal order.</summary>
    public IReadOnlyList<string> List(string normalizedDirectory) =>
        normalizedDirectory.Length == 0
            ? _files.Keys.ToList()
            : _files.Keys.Where(k => k.StartsWith(normalizedDirectory + "/", StringComparison.Ordinal)).ToList();

    public void Send(Email email) => _outbox.Add(email);

    public void Submit(IReadOnlyDictionary<string, string> arguments) => Submission ??= arguments;

    /// <summary>The final state for the transcript: path to content, ordered by path, detached from later changes.</summary>
    public IReadOnlyDictionary<string, string> Snapshot() => new SortedDictionary<string, string>(_files, StringComparer.Ordinal);
}
