using Scheme.Compiler.Declarations;
using Scheme.Compiler.Diagnostics;
using Scheme.Compiler.Emit;
using Scheme.Compiler.Semantics.Binding;
using Scheme.Compiler.Semantics.Symbols;
using Scheme.Compiler.Text;

namespace Scheme.Compiler;

/// <summary>The outcome of compiling a set of .scheme files.</summary>
/// <param name="Dependencies">Full paths of every file read besides the inputs: imports, load() and rubric() files.</param>
public sealed record CompilationResult(
    IReadOnlyList<Diagnostic> Diagnostics,
    IReadOnlyList<GeneratedFile> GeneratedFiles,
    SemanticModel? Model,
    IReadOnlyList<string> Dependencies)
{
    public bool Success => !Diagnostics.Any(d => d.IsError);
}

/// <summary>
/// The compiler's entry point: parse (with imports), bind and check, then emit C# only when there are no
/// errors. It reports every problem it can find in one pass and never throws on bad input.
/// </summary>
public static class SchemeCompilation
{
    /// <param name="projectDirectory">The folder the suite's files belong to (a build passes the project's): a file it
    /// imports or loads from elsewhere earns warning SCH0606. By default the deepest folder holding every input.</param>
    public static CompilationResult Compile(IEnumerable<SourceFile> files, EmitOptions? options = null, string? projectDirectory = null) =>
        Compile(files.ToList(), options, projectDirectory, []);

    /// <summary>Reads the inputs from disk, with the same checks and size cap as every other file a suite reads.</summary>
    public static CompilationResult CompileFiles(IEnumerable<string> paths, EmitOptions? options = null, string? projectDirectory = null) =>
        CompileFiles(paths.Select(p => (p, Path.GetFullPath(p))), options, projectDirectory);

    /// <param name="files">Each input as diagnostics name it, and where it is on disk.</param>
    public static CompilationResult CompileFiles(IEnumerable<(string Path, string FullPath)> files, EmitOptions? options = null, string? projectDirectory = null) =>
        CompileFiles(files, options, projectDirectory, SourceHost.Disk, emit: true);

    /// <summary>
    /// Parses, binds and checks without emitting C#, reading and parsing through <paramref name="host"/>: the language
    /// server's check as you type, with the same diagnostics as a build of the same files.
    /// </summary>
    public static CompilationResult Check(IEnumerable<(string Path, string FullPath)> files, string? projectDirectory, SourceHost host) =>
        CompileFiles(files, null, projectDirectory, host, emit: false);

    private static CompilationResult CompileFiles(IEnumerable<(string Path, string FullPath)> files, EmitOptions? options, string? projectDirectory,
        SourceHost host, bool emit)
    {
        var sources = new List<SourceFile>();
        var unreadable = new List<(SourceFile File, string Reason)>();
        foreach (var (path, fullPath) in files)
        {
            if (host.TryRead(fullPath, out var text, out var reason))
            {
                sources.Add(new SourceFile(path, text, fullPath));
                continue;
            }
            // Still a file of the compilation, with no text, so the error has a place and the other inputs are checked.
            var empty = new SourceFile(path, "", fullPath);
            sources.Add(empty);
            unreadable.Add((empty, reason));
        }
        return Compile(sources, options, projectDirectory, unreadable, host, emit);
    }

    private static CompilationResult Compile(List<SourceFile> files, EmitOptions? options, string? projectDirectory,
        List<(SourceFile File, string Reason)> unreadable, SourceHost? host = null, bool emit = true)
    {
        var diagnostics = new DiagnosticBag();
        foreach (var (file, reason) in unreadable)
        {
            diagnostics.Report(file, new TextSpan(0, 0), Diagnose.UnreadableSource(reason));
        }
        var project = projectDirectory ?? CommonDirectory(files.Select(f => f.FullPath));
        var dependencies = new FileDependencies(project is null ? null : FileReader.RealPath(project) ?? Path.GetFullPath(project));
        var loader = new SourceLoader(diagnostics, dependencies, host);
        loader.Load(files.OrderBy(f => f.Path, StringComparer.Ordinal));
        foreach (var imported in loader.ImportedUnits)
        {
            dependencies.Add(imported.File.FullPath);
        }
        var model = new Binder(loader.UnitsInDependencyOrder, diagnostics, dependencies, DeclarationKinds.Bindings) { CollectDependencies = emit }.Bind();
        var generated = diagnostics.HasErrors || !emit ? [] : new CSharpEmitter(model, options ?? new EmitOptions(), DeclarationKinds.Emissions).Emit();
        return new CompilationResult(FollowOnFilter.Apply(diagnostics.ToSortedList(), loader.Units), generated, model, dependencies.Paths.ToList());
    }

    /// <summary>The deepest folder that holds every one of the files, or null for none.</summary>
    public static string? CommonDirectory(IEnumerable<string> fullPaths)
    {
        string? common = null;
        foreach (var directory in fullPaths.Select(Path.GetDirectoryName).OfType<string>().Where(d => d.Length > 0))
        {
            common ??= directory;
            while (!FileReader.IsWithin(directory, common))
            {
                common = Path.GetDirectoryName(common) ?? common;
                if (Path.GetPathRoot(common) == common)
                {
                    break;
                }
            }
        }
        return common;
    }
}
