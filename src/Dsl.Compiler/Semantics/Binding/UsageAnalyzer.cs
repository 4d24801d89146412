using Scheme.Compiler.Diagnostics;
using Scheme.Compiler.Semantics.Symbols;

namespace Scheme.Compiler.Semantics.Binding;

/// <summary>
/// Warns about specs, checkpoints, environments and manipulations that nothing references: usually a
/// typo elsewhere, or a condition the researcher meant to run and forgot. Metrics, runs and hypotheses are
/// used by being declared (the report shows them), so they never warn.
/// </summary>
public sealed class UsageAnalyzer(DeclarationTable table, Func<Symbol, BinderContext> contextOf)
{
    public void Report()
    {
        foreach (var symbol in table.All.Where(s => s is SpecSymbol or CheckpointSymbol or EnvironmentSymbol or ManipulationSymbol))
        {
            if (!table.IsUsed(symbol))
            {
                var kind = char.ToUpperInvariant(symbol.KindName[0]) + symbol.KindName[1..];
                contextOf(symbol).Report(symbol.Declaration.Name.Span, Diagnose.UnusedDeclaration(kind, symbol.Name));
            }
        }
    }
}
