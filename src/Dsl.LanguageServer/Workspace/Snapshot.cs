using Scheme.Compiler;
using Scheme.Compiler.Diagnostics;
using Scheme.Compiler.Semantics.Symbols;
using Scheme.Compiler.Syntax;

namespace Scheme.LanguageServer.Workspace;

/// <summary>
/// One check of a project: the compiler's result for the texts it read (buffers and disk), and the lookups every
/// feature needs. Immutable once made, so a request can read it while the next check runs.
/// </summary>
public sealed class Snapshot
{
    public Snapshot(SchemeProject project, CompilationResult result, IReadOnlyDictionary<string, int> versions, string? internalError = null)
    {
        InternalError = internalError;
        Project = project;
        Result = result;
        Versions = versions;
        Units = result.Model?.Units ?? [];
        UnitsByPath = Units.GroupBy(u => u.File.FullPath, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        Declarations = (result.Model?.Declarations ?? []).GroupBy(s => s.Name, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
    }

    public SchemeProject Project { get; }

    /// <summary>Set when the compiler failed on these texts (a compiler bug): the server reports it as SCH9045 and goes on.</summary>
    public string? InternalError { get; }

    public CompilationResult Result { get; }

    public SemanticModel? Model => Result.Model;

    /// <summary>The client's version of each open document the check read.</summary>
    public IReadOnlyDictionary<string, int> Versions { get; }

    public IReadOnlyList<CompilationUnitSyntax> Units { get; }

    public IReadOnlyDictionary<string, CompilationUnitSyntax> UnitsByPath { get; }

    /// <summary>Each declared name and the declaration that bound it (the first, when a name is declared twice).</summary>
    public IReadOnlyDictionary<string, Symbol> Declarations { get; }

    public IEnumerable<Diagnostic> DiagnosticsOf(string fullPath) =>
        Result.Diagnostics.Where(d => string.Equals(d.File.FullPath, fullPath, StringComparison.Ordinal));

    public CompilationUnitSyntax? Unit(string fullPath) => UnitsByPath.GetValueOrDefault(fullPath);

    public SyntaxIndex Index(CompilationUnitSyntax unit) => SyntaxIndex.Of(unit);
}
