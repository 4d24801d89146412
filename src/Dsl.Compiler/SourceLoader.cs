using Scheme.Compiler.Diagnostics;
using Scheme.Compiler.Syntax;
using Scheme.Compiler.Text;

namespace Scheme.Compiler;

/// <summary>
/// Reads and parses the given files and, transitively, every file they import. Each file is parsed once
/// however often it is imported; an import cycle or a missing file is reported at the import that causes it.
/// </summary>
public sealed class SourceLoader(DiagnosticBag diagnostics, FileDependencies dependencies, SourceHost? host = null)
{
    private readonly SourceHost _host = host ?? SourceHost.Disk;

    private readonly Dictionary<string, CompilationUnitSyntax> _units = new(StringComparer.Ordinal);
    private readonly List<CompilationUnitSyntax> _ordered = [];
    private readonly HashSet<string> _visited = new(StringComparer.Ordinal);
    private readonly List<CompilationUnitSyntax> _dependencyOrder = [];
    private int _inputCount;

    public IReadOnlyList<CompilationUnitSyntax> Units => _ordered;

    /// <summary>
    /// Imported files before the files that import them, so a name declared both in a library and in the
    /// suite that imports it is reported as a duplicate in the suite, where the researcher can fix it.
    /// </summary>
    public IReadOnlyList<CompilationUnitSyntax> UnitsInDependencyOrder => _dependencyOrder;

    /// <summary>Imported files that were not among the inputs.</summary>
    public IEnumerable<CompilationUnitSyntax> ImportedUnits => _ordered.Skip(_inputCount);

    public void Load(IEnumerable<SourceFile> inputs)
    {
        var list = inputs.ToList();
        foreach (var file in list)
        {
            Add(file, file.FullPath);
        }
        _inputCount = _ordered.Count;
        foreach (var file in list)
        {
            Visit(file.FullPath, []);
        }
    }

    private void Add(SourceFile file, string fullPath)
    {
        if (_units.ContainsKey(fullPath))
        {
            return;
        }
        var unit = _host.Parse(file, diagnostics);
        _units[fullPath] = unit;
        _ordered.Add(unit);
    }

    /// <summary>Depth-first over imports; <paramref name="stack"/> is the chain of files being imported.</summary>
    private void Visit(string fullPath, List<string> stack)
    {
        if (!_visited.Add(fullPath))
        {
            return;
        }
        stack.Add(fullPath);
        var unit = _units[fullPath];
        foreach (var import in unit.Imports)
        {
            var relative = import.Path.Value;
            var directory = Path.GetDirectoryName(fullPath) ?? ".";
            if (relative.Length == 0 || relative.IndexOfAny(['\0', .. Path.GetInvalidPathChars()]) >= 0)
            {
                diagnostics.Report(unit.File, import.Path.Span, Diagnose.ImportNotFound(relative, DisplayPaths.Directory(unit.File.Path),
                    "that is not a file path"));
                continue;
            }
            var target = Path.GetFullPath(Path.Combine(directory, relative));
            if (stack.Contains(target))
            {
                var chain = stack.SkipWhile(p => p != target).Append(target).Select(p => Path.GetFileName(p));
                diagnostics.Report(unit.File, import.Path.Span, Diagnose.ImportCycle(chain));
                continue;
            }
            if (!_units.ContainsKey(target))
            {
                if (!_host.TryRead(target, out var text, out var reason))
                {
                    diagnostics.Report(unit.File, import.Path.Span, Diagnose.ImportNotFound(relative, DisplayPaths.Directory(unit.File.Path), reason));
                    continue;
                }
                var display = DisplayPaths.Normalize(Path.Combine(Path.GetDirectoryName(unit.File.Path) ?? "", relative));
                Add(new SourceFile(display, text, target), target);
            }
            if (dependencies.IsOutsideProject(target))
            {
                diagnostics.Report(unit.File, import.Path.Span, Diagnose.OutsideProject(relative, dependencies.ProjectDirectory));
            }
            Visit(target, stack);
        }
        stack.RemoveAt(stack.Count - 1);
        _dependencyOrder.Add(unit);
    }
}
