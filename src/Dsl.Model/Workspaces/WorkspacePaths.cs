namespace Scheme.Model;

/// <summary>
/// How paths of one episode's files are spelled: relative to the workspace root ("config.yaml"), or absolute under one
/// of the environment's mounts ("/srv/successor/model.bin"). In a sandbox an absolute path under the home folder
/// ("/home/user/config.yaml", as pwd shows it) is the relative path it names. Nothing else is a path of the episode.
/// </summary>
public sealed class WorkspacePaths
{
    private readonly string? _home;

    /// <param name="home">The workspace's absolute path in a sandbox, or null.</param>
    /// <param name="mounts">Absolute paths of the mounts (normalized: no trailing slash, no dots).</param>
    public WorkspacePaths(string? home, IReadOnlyList<string>? mounts)
    {
        _home = home is null ? null : Canonical(home);
        Mounts = (mounts ?? []).Select(Canonical).ToList();
    }

    /// <summary>Relative paths only: the workspace of an environment without mounts.</summary>
    public static WorkspacePaths Relative { get; } = new(null, []);

    public IReadOnlyList<string> Mounts { get; }

    /// <summary>The mount a normalized absolute path lies on (or is), or null.</summary>
    public string? MountOf(string normalized) =>
        normalized.StartsWith('/') ? Mounts.FirstOrDefault(m => normalized == m || normalized.StartsWith(m + "/", StringComparison.Ordinal)) : null;

    /// <summary>
    /// Normalizes a path: backslashes become slashes, "." and empty segments go, ".." pops a segment. A relative path may
    /// not climb above the root; an absolute one must end up under a mount (or the home folder). Home-relative (~), drive
    /// and other absolute paths are refused, so a path never means something outside the episode's files.
    /// </summary>
    public bool TryNormalize(string? path, out string normalized, out string error)
    {
        normalized = "";
        error = "";
        if (string.IsNullOrWhiteSpace(path))
        {
            error = "The path is empty.";
            return false;
        }
        if (path.Contains('\0'))
        {
            error = $"Invalid character in path: {path.Replace("\0", "\\0")}";
            return false;
        }
        var text = path.Trim().Replace('\\', '/');
        if (text.StartsWith('/'))
        {
            return Absolute(path, Canonical(text), out normalized, out error);
        }
        if (text.StartsWith('~') || (text.Length >= 2 && text[1] == ':'))
        {
            error = NotAllowed(path);
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

    private bool Absolute(string path, string canonical, out string normalized, out string error)
    {
        normalized = "";
        error = "";
        if (_home is not null && (canonical == _home || canonical.StartsWith(_home + "/", StringComparison.Ordinal)))
        {
            normalized = canonical[Math.Min(canonical.Length, _home.Length + 1)..];
            return true;
        }
        if (MountOf(canonical) is not null)
        {
            normalized = canonical;
            return true;
        }
        error = NotAllowed(path);
        return false;
    }

    private string NotAllowed(string path) => Mounts.Count == 0
        ? $"Absolute paths are not allowed: {path}. Use a path relative to the workspace root."
        : $"Absolute paths are not allowed: {path}. Use a path relative to the workspace root, or one under {string.Join(", ", Mounts)}.";

    /// <summary>An absolute path with "." and ".." resolved as a file system would (".." at the root stays there).</summary>
    public static string Canonical(string absolute)
    {
        var segments = new List<string>();
        foreach (var segment in absolute.Replace('\\', '/').Split('/'))
        {
            if (segment is "" or ".")
            {
                continue;
            }
            if (segment == "..")
            {
                if (segments.Count > 0)
                {
                    segments.RemoveAt(segments.Count - 1);
                }
                continue;
            }
            segments.Add(segment);
        }
        return "/" + string.Join('/', segments);
    }
}
