namespace Scheme.Model;

/// <summary>
/// The files of one episode, one state for everything that reads or changes them: the built-in file tools, tools written
/// in C#, and, through the transcript's final snapshot, the detectors' file(), exists(), changed() and diff(). The
/// in-memory workspace and a sandbox's directory both implement it, so a tool acts alike on either.
/// </summary>
/// <remarks>
/// Paths are normalized first (<see cref="TryResolve"/>): relative to the workspace root, or absolute under one of the
/// environment's mounts. Every other member takes a normalized path. A model's mistakes come back as text or false,
/// never as an exception.
/// </remarks>
public interface IWorkspace
{
    /// <summary>Normalizes a path the model gave, or says why it names nothing the episode may touch.</summary>
    bool TryResolve(string? path, out string normalized, out string error);

    bool FileExists(string path);

    /// <summary>A folder: the root (""), a mount, or one that holds a file.</summary>
    bool DirectoryExists(string path);

    /// <summary>A file's text; null when there is no such file.</summary>
    string? Read(string path);

    /// <summary>Writes a file unless a limit refuses it; then nothing changes and <paramref name="refusal"/> says why.</summary>
    bool TryWrite(string path, string content, out LimitRefusal? refusal);

    bool Delete(string path);

    /// <summary>Every file under a folder ("" for the workspace root, without the mounts), recursively, in ordinal order.</summary>
    IReadOnlyList<string> List(string directory);

    /// <summary>Path to content of every file, mounts included, ordered by path and detached from later changes.</summary>
    IReadOnlyDictionary<string, string> Snapshot();

    /// <summary>The files the episode started with, path to content.</summary>
    IReadOnlyDictionary<string, string> Initial { get; }

    /// <summary>Files added or changed since the start, and files of the start deleted.</summary>
    WorkspaceChanges Changes();

    /// <summary>Emails sent with send_email, in order; kept apart from the files, so what was sent stays sent.</summary>
    IReadOnlyList<Email> Outbox { get; }

    /// <summary>Sends an email unless the workspace's size limit refuses it.</summary>
    bool TrySend(Email email, out LimitRefusal? refusal);

    /// <summary>The arguments of the submit call, once the model has submitted.</summary>
    IReadOnlyDictionary<string, string>? Submission { get; }

    bool IsSubmitted => Submission is not null;

    /// <summary>Records the first submission; the episode ends with it.</summary>
    void Submit(IReadOnlyDictionary<string, string> arguments);
}

/// <summary>The files an episode added or changed (path to content) and the files it started with that it deleted.</summary>
public sealed record WorkspaceChanges(IReadOnlyDictionary<string, string> Changed, IReadOnlyList<string> Deleted)
{
    /// <summary>The change from <paramref name="initial"/> to <paramref name="final"/>, paths in ordinal order.</summary>
    public static WorkspaceChanges Between(IReadOnlyDictionary<string, string> initial, IReadOnlyDictionary<string, string> final)
    {
        var changed = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (path, content) in final)
        {
            if (!initial.TryGetValue(path, out var before) || !ReferenceEquals(before, content) && before != content)
            {
                changed[path] = content;
            }
        }
        return new WorkspaceChanges(changed, initial.Keys.Where(p => !final.ContainsKey(p)).Order(StringComparer.Ordinal).ToList());
    }
}
