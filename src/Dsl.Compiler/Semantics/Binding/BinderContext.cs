using Scheme.Compiler.Diagnostics;
using Scheme.Compiler.Semantics.Expressions;
using Scheme.Compiler.Text;

namespace Scheme.Compiler.Semantics.Binding;

/// <summary>State shared by the binders of one file: where to report, and what is declared.</summary>
public sealed class BinderContext(SourceFile file, DiagnosticBag diagnostics, DeclarationTable declarations, JudgeRegistry judges,
    FileDependencies dependencies)
{
    public SourceFile File { get; } = file;

    public DeclarationTable Declarations { get; } = declarations;

    public JudgeRegistry Judges { get; } = judges;

    public DiagnosticBag Diagnostics { get; } = diagnostics;

    public FileDependencies Dependencies { get; } = dependencies;

    public void Report(TextSpan span, DiagnosticMessage message) => Diagnostics.Report(File, span, message);

    /// <summary>Resolves a path written in this file (load, rubric) against the file's folder.</summary>
    /// <returns>The full path, or null when the text cannot be a path at all.</returns>
    public string? ResolvePath(string relative)
    {
        if (relative.IndexOfAny(['\0', .. Path.GetInvalidPathChars()]) >= 0)
        {
            return null;
        }
        var directory = Path.GetDirectoryName(File.FullPath) ?? ".";
        return Path.GetFullPath(Path.Combine(directory, relative));
    }

    /// <summary>"line 12" or "other.scheme(12,5)", for messages that point at a second place.</summary>
    public string Describe(SourceFile file, TextSpan span)
    {
        var (line, column) = file.GetLineColumn(span.Start);
        return ReferenceEquals(file, File) ? $"line {line}" : $"{file.Path}({line},{column})";
    }
}
