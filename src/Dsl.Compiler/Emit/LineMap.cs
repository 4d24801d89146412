using Scheme.Compiler.Syntax;
using Scheme.Compiler.Text;

namespace Scheme.Compiler.Emit;

/// <summary>Writes <c>#line</c> directives so C# errors in generated code point back at the .scheme source.</summary>
public sealed class LineMap(SourceFile file, bool absolute = true)
{
    public string Directive(SyntaxNode node) => Directive(node.Span);

    public string Directive(TextSpan span) => $"#line {file.GetLineColumn(span.Start).Line} {QuotedPath}";

    public int Line(SyntaxNode node) => file.GetLineColumn(node.Span.Start).Line;

    /// <summary>The path as C# wants it in a #line directive: quotes and backslashes escaped.</summary>
    public string QuotedPath => "\"" + (absolute ? file.FullPath : file.Path).Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
}
