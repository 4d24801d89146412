
namespace Scheme.Compiler.Text;

/// <summary>
/// Every file a compilation read besides its inputs (imports, load(), rubric()), so the build can rerun
/// the compiler when any of them changes; and the project folder they are expected to lie in.
/// </summary>
/// <param name="projectDirectory">The project folder, symbolic links resolved; null when there is none to compare with.</param>
public sealed class FileDependencies(string? projectDirectory = null)
{
    private readonly SortedSet<string> _paths = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (bool Ok, string Text, string Reason)> _contents = new(StringComparer.Ordinal);

    public IReadOnlyCollection<string> Paths => _paths;

    public string? ProjectDirectory { get; } = projectDirectory;

    public void Add(string fullPath) => _paths.Add(fullPath);

    /// <summary>Records the file as a dependency and reads it, once per compilation however often it is named.</summary>
    public bool TryRead(string fullPath, out string text, out string reason)
    {
        Add(fullPath);
        if (!_contents.TryGetValue(fullPath, out var entry))
        {
            var ok = Text.FileReader.TryRead(fullPath, out var read, out var why);
            _contents[fullPath] = entry = (ok, read, why);
        }
        (text, reason) = (entry.Text, entry.Reason);
        return entry.Ok;
    }

    /// <summary>Whether a file, symbolic links followed, lies outside the project folder (SCH0606).</summary>
    public bool IsOutsideProject(string fullPath) => ProjectDirectory is not null && !Text.FileReader.IsInside(fullPath, ProjectDirectory);
}
