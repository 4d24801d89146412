using Scheme.Compiler.Semantics.Expressions;
using Scheme.Compiler.Syntax;
using Scheme.Compiler.Text;

namespace Scheme.Compiler.Semantics.Symbols;

/// <summary>A counterfactual condition: edits to the prompts, to the files a unit starts with, or to the model's own reasoning.</summary>
public sealed record ManipulationSymbol(string Name, DeclarationSyntax Declaration, SourceFile File) : Symbol(Name, Declaration, File)
{
    public override string KindName => "manipulation";

    public List<BoundExpression> SystemEdits { get; } = [];
    public List<BoundExpression> UserEdits { get; } = [];
    public BoundExpression? ReasoningEdit { get; set; }

    /// <summary>add_file, replace_file and remove_file calls with constant arguments, in order.</summary>
    public List<BoundCall> FileEdits { get; } = [];
    public string? Then { get; set; }
    public List<string> Requires { get; } = [];

    public bool RequiresIncomplete { get; set; }
}
