using Scheme.Compiler.Diagnostics;
using Scheme.Compiler.Semantics.Symbols;
using Scheme.Compiler.Syntax;

namespace Scheme.Compiler.Semantics.Binding;

/// <summary>
/// Resolves the index of <c>metric[o3_as, SandbaggingQA, EvalCue, nudge: false]</c>: each name must be a checkpoint,
/// an environment or a condition, each factor at most once, in any order; <c>param: value</c> selects the variants of
/// the cell's environment (or, with none named, of every environment with that param) whose param has that value.
/// </summary>
public static class CellResolver
{
    public static DesignCell? Resolve(IEnumerable<ArgumentSyntax> indices, string metric, BinderContext context)
    {
        string? checkpoint = null, environment = null, condition = null;
        var named = new List<ArgumentSyntax>();
        var ok = true;
        foreach (var argument in indices)
        {
            if (argument.Name is not null)
            {
                named.Add(argument);
                continue;
            }
            var index = argument.Value;
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
                ReportNotAFactor(name, metric, context);
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
        // Params after the factors, so `[nudge: false, Oversight]` reads the params of Oversight too.
        var parameters = new List<CellParamValue>();
        foreach (var argument in named)
        {
            if (ResolveParam(argument, environment, parameters, context) is { } value)
            {
                parameters.Add(value);
            }
            else
            {
                ok = false;
            }
        }
        return ok ? new DesignCell(checkpoint, environment, condition, parameters) : null;
    }

    /// <summary>The environments whose params a cell can select: the one it names, or every environment.</summary>
    private static List<EnvironmentSymbol> Scope(string? environment, BinderContext context) =>
        context.Declarations.All.OfType<EnvironmentSymbol>().Where(e => environment is null || e.Name == environment).ToList();

    private static CellParamValue? ResolveParam(ArgumentSyntax argument, string? environment, List<CellParamValue> earlier, BinderContext context)
    {
        var name = argument.Name!;
        var scope = Scope(environment, context);
        var declared = scope.SelectMany(e => e.Params).Where(p => p.Name == name.Text).ToList();
        if (declared.Count == 0)
        {
            var where = environment is null ? "any environment" : $"environment '{environment}'";
            context.Report(name.Span, Diagnose.UnknownCellParam(name.Text, where,
                NameSuggester.Suggest(name.Text, scope.SelectMany(e => e.Params).Select(p => p.Name).Distinct())));
            return null;
        }
        if (earlier.FirstOrDefault(p => p.Name == name.Text) is { } first)
        {
            context.Report(name.Span, Diagnose.DuplicateFactor($"Param '{name.Text}'", first.ToString(), $"{name.Text}: {Written(argument.Value, context)}"));
            return null;
        }
        var number = ConstantReader.NumberLiteral(argument.Value, context);
        if (number is { IsNumber: true, Value: null })
        {
            return null; // too large: reported
        }
        object? written = argument.Value switch
        {
            BooleanLiteralSyntax b => b.Value,
            StringLiteralSyntax s => s.Value,
            _ => number.Value,
        };
        var values = declared.SelectMany(p => p.Values).Distinct().ToList();
        // The declared value itself, so the emitted cell carries exactly the type the variants are built with.
        var match = written is null ? null : values.FirstOrDefault(v => Equals(v, written));
        if (match is null)
        {
            // A param whose declaration had errors has no values; its own error says enough.
            if (argument.Value is not MissingExpressionSyntax && values.Count > 0)
            {
                context.Report(argument.Value.Span, Diagnose.CellParamValueUndeclared(name.Text, Written(argument.Value, context),
                    string.Join(", ", values.Select(CellParamValue.Text))));
            }
            return null;
        }
        return new CellParamValue(name.Text, match);
    }

    /// <summary>The value as the user wrote it, cut short so a long expression does not flood the message.</summary>
    private static string Written(ExpressionSyntax value, BinderContext context)
    {
        var text = context.File.Text.Substring(value.Span.Start, Math.Min(value.Span.Length, 60));
        return value.Span.Length > 60 ? text + "..." : text;
    }

    private static void ReportNotAFactor(IdentifierSyntax name, string metric, BinderContext context)
    {
        if (Scope(null, context).SelectMany(e => e.Params).FirstOrDefault(p => p.Name == name.Text) is { } param)
        {
            var example = param.Values.IsEmpty ? $"{name.Text}: ..." : new CellParamValue(name.Text, param.Values[0]).ToString();
            context.Report(name.Span, Diagnose.ParamWithoutValue(name.Text, example));
            return;
        }
        var factors = context.Declarations.All
            .Where(s => s is CheckpointSymbol or EnvironmentSymbol or ManipulationSymbol)
            .Select(s => s.Name)
            .Append(RunSymbol.Baseline);
        context.Report(name.Span, Diagnose.NotAFactor(name.Text, metric, NameSuggester.Suggest(name.Text, factors)));
    }
}
