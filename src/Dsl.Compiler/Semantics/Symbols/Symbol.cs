using Scheme.Compiler.Syntax;
using Scheme.Compiler.Text;

namespace Scheme.Compiler.Semantics.Symbols;

/// <summary>A declared name: what it is and where it was declared.</summary>
public abstract record Symbol(string Name, DeclarationSyntax Declaration, SourceFile File)
{
    public abstract string KindName { get; }
}
