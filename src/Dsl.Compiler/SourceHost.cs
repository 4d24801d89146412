using Scheme.Compiler.Diagnostics;
using Scheme.Compiler.Syntax;
using Scheme.Compiler.Text;

namespace Scheme.Compiler;

/// <summary>
/// How the compiler reads and parses the .scheme files of a suite. A build reads every file from disk and parses it
/// once; the language server derives from it to read an editor's unsaved buffers first and to reuse the parse of a file
/// whose text did not change, so a keystroke re-parses one file, not the suite. load() and rubric() files are not
/// .scheme files and are always read from disk.
/// </summary>
public class SourceHost
{
    public static SourceHost Disk { get; } = new();

    /// <summary>The text of a file, under the rules of <see cref="FileReader"/>.</summary>
    public virtual bool TryRead(string fullPath, out string text, out string reason) => FileReader.TryRead(fullPath, out text, out reason);

    /// <summary>Parses one file, reporting its syntax errors into <paramref name="diagnostics"/>.</summary>
    public virtual CompilationUnitSyntax Parse(SourceFile file, DiagnosticBag diagnostics) => SchemeSyntaxParser.Parse(file, diagnostics);
}
