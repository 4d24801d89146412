using Scheme.Compiler.Diagnostics;
using Scheme.Compiler.Semantics.Symbols;
using Scheme.Compiler.Syntax;

namespace Scheme.Compiler.Semantics.Binding;

/// <summary>
/// Warns about declarations that nothing references, of the kinds where that is worth a warning (specs,
/// checkpoints, environments, manipulations): usually a typo elsewhere, or a condition the researcher meant to
/// run and forgot. Metrics, runs and hypotheses are used by being declared (the report shows them).
/// </summary>
public sealed class UsageAnalyzer(DeclarationTable table, Func<Symbol, BinderContext> contextOf, IReadOnlySet<DeclarationKind> warnFor)
{
    public void Report()
    {
        foreach (var symbol in table.All.Where(s => warnFor.Contains(s.Declaration.Kind)))
        {
            if (!table.IsUsed(symbol))
            {
                var kind = char.ToUpperInvariant(symbol.KindName[0]) + symbol.KindName[1..];
                contextOf(symbol).Report(symbol.Declaration.Name.Span, Diagnose.UnusedDeclaration(kind, symbol.Name));
            }
        }
    }
}
