using Scheme.Compiler.Syntax;
using Scheme.Compiler.Text;

namespace Scheme.Compiler.Semantics.Symbols;

public enum Direction
{
    TwoSided,
    Less,
    Greater,
}

/// <summary>
/// A preregistered comparison <c>metric[left] op metric[right]</c> (or against a constant), with the test,
/// significance level and correction family it will be judged by.
/// </summary>
public sealed record HypothesisSymbol(string Name, DeclarationSyntax Declaration, SourceFile File) : Symbol(Name, Declaration, File)
{
    public override string KindName => "hypothesis";

    public string? Title { get; set; }
    public string? Metric { get; set; }
    public DesignCell? Left { get; set; }
    public DesignCell? Right { get; set; }
    public double? Constant { get; set; }
    public Direction Direction { get; set; }
    /// <summary>The test; when not written, the design checker picks the one that fits the comparison.</summary>
    public string Test { get; set; } = "";

    public Syntax.PropertySyntax? TestWritten { get; set; }

    /// <summary>What the hypothesis estimates (<see cref="Scheme.Contracts.Estimands"/>); the difference unless written.</summary>
    public string Estimand { get; set; } = Scheme.Contracts.Estimands.Default;

    public Syntax.PropertySyntax? EstimandWritten { get; set; }

    /// <summary>Both cells hold the same units under two conditions of one run (so a paired test applies).</summary>
    public bool Paired { get; set; }
    public double Alpha { get; set; } = 0.05;
    public string Family { get; set; } = "";
    public string Correction { get; set; } = Scheme.Contracts.Corrections.Default;

    /// <summary>The preregistration parts the result depends on (see Binding/DependencyCollector).</summary>
    public IReadOnlyCollection<string> Dependencies { get; set; } = [];
}
