namespace Scheme.Compiler;

/// <summary>
/// Every file a compilation read besides its inputs (imports, load(), rubric()), so the build can rerun
/// the compiler when any of them changes.
/// </summary>
public sealed class FileDependencies
{
    private readonly SortedSet<string> _paths = new(StringComparer.Ordinal);

    public IReadOnlyCollection<string> Paths => _paths;

    public void Add(string fullPath) => _paths.Add(fullPath);
}
