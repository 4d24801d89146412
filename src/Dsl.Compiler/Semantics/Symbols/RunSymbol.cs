using Scheme.Compiler.Syntax;
using Scheme.Compiler.Text;

namespace Scheme.Compiler.Semantics.Symbols;

/// <summary>A crossed design: every checkpoint x environment variant x condition x epoch is one work unit.</summary>
public sealed record RunSymbol(string Name, DeclarationSyntax Declaration, SourceFile File) : Symbol(Name, Declaration, File)
{
    public override string KindName => "run";

    public const string Baseline = Scheme.Contracts.Conditions.Baseline;

    public List<RunEntry> Checkpoints { get; } = [];
    public List<RunEntry> Environments { get; } = [];
    public List<RunEntry> Conditions { get; } = [];
    public int Epochs { get; set; } = 1;

    /// <summary>Lists (checkpoints, environments, conditions) with a name that did not resolve.</summary>
    public HashSet<string> IncompleteLists { get; } = new(StringComparer.Ordinal);
}

/// <summary>One name listed in a run, with where it was written (for design errors about that pairing).</summary>
public sealed record RunEntry(string Name, SyntaxNode Syntax);
