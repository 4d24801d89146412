using Scheme.Compiler.Diagnostics;
using Scheme.Compiler.Emit;
using Scheme.Compiler.Semantics;
using Scheme.Compiler.Semantics.Binding;
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
    public static CompilationResult Compile(IEnumerable<SourceFile> files, EmitOptions? options = null)
    {
        var diagnostics = new DiagnosticBag();
        var loader = new SourceLoader(diagnostics);
        loader.Load(files.OrderBy(f => f.Path, StringComparer.Ordinal));
        var dependencies = new FileDependencies();
        foreach (var imported in loader.ImportedUnits)
        {
            dependencies.Add(imported.File.FullPath);
        }
        var model = new Binder(loader.UnitsInDependencyOrder, diagnostics, dependencies).Bind();
        var generated = diagnostics.HasErrors ? [] : new CSharpEmitter(model, options ?? new EmitOptions()).Emit();
        return new CompilationResult(FollowOnFilter.Apply(diagnostics.ToSortedList(), loader.Units), generated, model, dependencies.Paths.ToList());
    }

    public static CompilationResult CompileFiles(IEnumerable<string> paths, EmitOptions? options = null) =>
        Compile(paths.Select(SourceFile.Read), options);
}
