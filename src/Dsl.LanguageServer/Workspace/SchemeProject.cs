namespace Scheme.LanguageServer.Workspace;

/// <summary>
/// The files checked together with an open document, as a build would check them. In a folder with a .csproj (or one
/// of its subfolders) that is every .scheme file of the project, as the Scheme.Dsl targets include **/*.scheme, with the
/// project folder as the one outside which imports earn SCH0606. Without a project, the document alone and what it
/// imports, as `scheme check FILE` does.
/// </summary>
public sealed record SchemeProject(string Root, bool HasProjectFile, string? SingleFile)
{
    /// <summary>Folders a build never reads .scheme files from.</summary>
    private static readonly string[] Skipped = ["bin", "obj", "node_modules"];

    public static SchemeProject For(string fullPath)
    {
        var folder = Path.GetDirectoryName(fullPath) ?? "/";
        for (var current = folder; current is not null; current = Path.GetDirectoryName(current))
        {
            if (HasProject(current))
            {
                return new SchemeProject(current, true, null);
            }
        }
        return new SchemeProject(folder, false, fullPath);
    }

    /// <summary>The inputs: each with the path diagnostics show (relative to the root, as a build in that folder shows it).</summary>
    public IReadOnlyList<(string Path, string FullPath)> Inputs(DocumentStore documents)
    {
        IEnumerable<string> files = SingleFile is not null ? [SingleFile] : Enumerate(Root)
            .Concat(documents.All.Select(d => d.FullPath).Where(p => p.EndsWith(".scheme", StringComparison.Ordinal) && Contains(p)));
        return files.Distinct(StringComparer.Ordinal)
            .Select(f => (Path.GetRelativePath(Root, f).Replace('\\', '/'), f))
            .OrderBy(f => f.Item1, StringComparer.Ordinal)
            .ToList();
    }

    public bool Contains(string fullPath) =>
        SingleFile is not null ? fullPath == SingleFile : fullPath.StartsWith(Root + Path.DirectorySeparatorChar, StringComparison.Ordinal);

    private static bool HasProject(string folder)
    {
        try
        {
            return Directory.EnumerateFiles(folder, "*.csproj").Any();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static IEnumerable<string> Enumerate(string root)
    {
        var options = new EnumerationOptions { RecurseSubdirectories = false, IgnoreInaccessible = true, AttributesToSkip = FileAttributes.ReparsePoint };
        var pending = new Stack<string>([root]);
        while (pending.Count > 0)
        {
            var folder = pending.Pop();
            IEnumerable<string> files = [], folders = [];
            try
            {
                files = Directory.EnumerateFiles(folder, "*.scheme", options).ToList();
                folders = Directory.EnumerateDirectories(folder, "*", options).ToList();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
            }
            foreach (var file in files)
            {
                yield return Path.GetFullPath(file);
            }
            foreach (var sub in folders.Where(f => !Skipped.Contains(Path.GetFileName(f)) && !Path.GetFileName(f).StartsWith('.')))
            {
                pending.Push(sub);
            }
        }
    }
}
