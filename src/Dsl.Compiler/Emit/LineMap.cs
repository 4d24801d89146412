using Scheme.Compiler.Semantics;
using Scheme.Compiler.Syntax;
using Scheme.Compiler.Text;

namespace Scheme.Compiler.Emit;

/// <summary>Writes <c>#line</c> directives so C# errors in generated code point back at the .scheme source.</summary>
public sealed class LineMap(SourceFile file, bool absolute = true)
{
    public string Directive(SyntaxNode node) => Directive(node.Span);

    public string Directive(TextSpan span) => $"#line {file.GetLineColumn(span.Start).Line} {QuotedPath}";

    /// <summary>The same map for another source file, for what an environment inherits from a base declared there.</summary>
    public LineMap For(SourceFile? other) => other is null || ReferenceEquals(other, file) ? this : new LineMap(other, absolute);

    public int Line(SyntaxNode node) => file.GetLineColumn(node.Span.Start).Line;

    /// <summary>
    /// The path between quotes, exactly as it is. C# reads a #line file name raw: no escape sequences (a
    /// backslash is a backslash, so Windows paths need nothing), ended by a quote or by any line break. A path
    /// holding one of those cannot be written at all; the binder refuses it (SCH0129) before anything is emitted.
    /// </summary>
    public string QuotedPath
    {
        get
        {
            var path = absolute ? file.FullPath : file.Path;
            return GeneratedNames.UnwritableLinePath(path) is { } reason
                ? throw new InvalidOperationException($"The path {path} contains {reason}; the binder should have refused it.")
                : "\"" + path + "\"";
        }
    }


}
