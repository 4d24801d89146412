using Scheme.Compiler.Syntax;
using Scheme.Compiler.Text;

namespace Scheme.Compiler.Semantics.Symbols;

public sealed record SpecSymbol(string Name, DeclarationSyntax Declaration, SourceFile File) : Symbol(Name, Declaration, File)
{
    public override string KindName => "spec";

    public List<PrincipleSymbol> Principles { get; } = [];
}

/// <param name="Id">The principle's label, e.g. AS1.</param>
public sealed record PrincipleSymbol(string Id, string Text, SyntaxNode Syntax);
