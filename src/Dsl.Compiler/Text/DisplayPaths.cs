namespace Scheme.Compiler.Text;

/// <summary>Paths as diagnostics show them: relative to where the compiler was pointed, with forward slashes.</summary>
public static class DisplayPaths
{
    /// <summary>The folder of a display path, as messages show it: relative when the path is ("." for none).</summary>
    public static string Directory(string displayPath)
    {
        var directory = Path.GetDirectoryName(displayPath);
        return string.IsNullOrEmpty(directory) ? "." : directory.Replace('\\', '/');
    }

    /// <summary>"a/b/../c.scheme" -> "a/c.scheme", keeping a relative path relative for diagnostics.</summary>
    public static string Normalize(string path)
    {
        if (Path.IsPathRooted(path))
        {
            return Path.GetFullPath(path);
        }
        var parts = new List<string>();
        foreach (var part in path.Replace('\\', '/').Split('/'))
        {
            if (part == "..")
            {
                if (parts.Count > 0 && parts[^1] != "..")
                {
                    parts.RemoveAt(parts.Count - 1);
                }
                else
                {
                    parts.Add(part);
                }
            }
            else if (part != "." && part.Length > 0)
            {
                parts.Add(part);
            }
        }
        return string.Join("/", parts);
    }
}
