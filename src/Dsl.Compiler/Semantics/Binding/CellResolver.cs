using Scheme.Compiler.Diagnostics;
using Scheme.Compiler.Semantics.Symbols;
using Scheme.Compiler.Syntax;

namespace Scheme.Compiler.Semantics.Binding;

/// <summary>
/// Resolves the index of <c>metric[o3_as, SandbaggingQA, EvalCue]</c>: each name must be a checkpoint, an
/// environment or a condition, each factor at most once, in any order.
/// </summary>
public static class CellResolver
{
    public static DesignCell? Resolve(IEnumerable<ExpressionSyntax> indices, string metric, BinderContext context)
    {
        string? checkpoint = null, environment = null, condition = null;
        var ok = true;
        foreach (var index in indices)
        {
            if (index is not NameExpressionSyntax { Name: { IsMissing: false } name })
            {
                if (index is not MissingExpressionSyntax)
                {
                    context.Report(index.Span, Diagnose.InvalidIndex());
                }
                ok = false;
                continue;
            }
            var symbol = context.Declarations.Find(name.Text);
            (string Kind, string? Existing) slot = (symbol, name.Text) switch
            {
                (CheckpointSymbol, _) => ("checkpoint", checkpoint),
                (EnvironmentSymbol, _) => ("environment", environment),
                (ManipulationSymbol, _) or (null, RunSymbol.Baseline) => ("condition", condition),
                _ => ("", null),
            };
            if (slot.Kind.Length == 0)
            {
                var factors = context.Declarations.All
                    .Where(s => s is CheckpointSymbol or EnvironmentSymbol or ManipulationSymbol)
                    .Select(s => s.Name)
                    .Append(RunSymbol.Baseline);
                context.Report(name.Span, Diagnose.NotAFactor(name.Text, metric, NameSuggester.Suggest(name.Text, factors)));
                ok = false;
                continue;
            }
            if (symbol is not null)
            {
                context.Declarations.MarkUsed(symbol);
            }
            if (slot.Existing is not null)
            {
                context.Report(name.Span, Diagnose.DuplicateFactor(char.ToUpperInvariant(slot.Kind[0]) + slot.Kind[1..], slot.Existing, name.Text));
                ok = false;
                continue;
            }
            switch (slot.Kind)
            {
                case "checkpoint":
                    checkpoint = name.Text;
                    break;
                case "environment":
                    environment = name.Text;
                    break;
                default:
                    condition = name.Text;
                    break;
            }
        }
        return ok ? new DesignCell(checkpoint, environment, condition) : null;
    }
}
