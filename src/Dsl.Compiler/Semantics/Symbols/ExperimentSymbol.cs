using Scheme.Compiler.Syntax;
using Scheme.Compiler.Text;

namespace Scheme.Compiler.Semantics.Symbols;

public sealed record ExperimentSymbol(string Name, DeclarationSyntax Declaration, SourceFile File) : Symbol(Name, Declaration, File)
{
    public override string KindName => "experiment";

    public string? Title { get; set; }
    public string? Description { get; set; }
    public string? Version { get; set; }
    public long Seed { get; set; }
}
