using System.Globalization;
using System.Text;
using Scheme.Compiler.Semantics.Expressions;
using Scheme.Compiler.Semantics.Symbols;
using Scheme.Compiler.Syntax;
using Scheme.LanguageServer.Protocol;
using Scheme.LanguageServer.Workspace;

namespace Scheme.LanguageServer.Features;

/// <summary>
/// Hover: a diagnostic's documentation from the catalog, a declaration's definition (a metric's with its simulated
/// values), a function's signature and where it is allowed, the environments that declare an outcome.
/// </summary>
public static class HoverProvider
{
    private const int MaxDefinitionLines = 24;

    public static Hover? Hover(Snapshot snapshot, CompilationUnitSyntax unit, int offset)
    {
        var parts = new List<string>();
        Protocol.Range? range = null;
        foreach (var diagnostic in snapshot.DiagnosticsOf(unit.File.FullPath)
            .Where(d => d.Span.Start <= offset && offset <= Math.Max(d.Span.End, d.Span.Start + 1)))
        {
            parts.Add($"**{diagnostic.Severity.ToString().ToLowerInvariant()} {diagnostic.Code}**: {diagnostic.Message}\n\n{DiagnosticDocs.For(diagnostic.Code) ?? diagnostic.Descriptor.Title}");
            range ??= Positions.ToRange(unit.File, diagnostic.Span);
        }
        if (snapshot.Index(unit).At(offset) is { } occurrence && Resolver.Resolve(snapshot, occurrence) is { } target)
        {
            parts.Insert(0, Describe(snapshot, target));
            range = Positions.ToRange(unit.File, occurrence.Name.Span);
        }
        return parts.Count == 0 ? null : new Hover(MarkupContent.Markdown(string.Join("\n\n---\n\n", parts)), range);
    }

    public static string Describe(Snapshot snapshot, Target target) => target switch
    {
        DeclarationTarget { Symbol: MetricSymbol metric } d => Definition(d.Symbol) + SimulatedValues(snapshot, metric),
        DeclarationTarget d => Definition(d.Symbol),
        FunctionTarget f => Function(f.Function),
        OutcomeTarget o => Outcome(snapshot, o),
        _ => target.Name,
    };

    public static string Function(FunctionSignature function) =>
        $"```scheme\n{function.Describe()} -> {function.ReturnType.Describe()}\n```\n{function.Purpose}.\n\nAllowed in: {string.Join(", ", function.Contexts.Select(Contexts.Describe))}.";

    private static string Definition(Symbol symbol)
    {
        var span = symbol.Declaration.Span;
        var text = symbol.File.Text.Substring(span.Start, Math.Min(span.Length, symbol.File.Text.Length - span.Start));
        var lines = text.Split('\n');
        var shown = string.Join("\n", lines.Take(MaxDefinitionLines)) + (lines.Length > MaxDefinitionLines ? "\n  ..." : "");
        var (line, _) = symbol.File.GetLineColumn(span.Start);
        return $"```scheme\n{shown}\n```\n{symbol.KindName} declared in `{symbol.File.Path}` line {line}";
    }

    private static string SimulatedValues(Snapshot snapshot, MetricSymbol metric)
    {
        var values = snapshot.Model?.Simulation.Where(v => v.Metric == metric.Name).ToList() ?? [];
        if (values.Count == 0)
        {
            return "\n\nNo simulated value: an offline run or a power analysis has nothing to draw this metric from.";
        }
        var text = new StringBuilder("\n\nSimulated values:\n");
        var scenarios = values.Select(v => v.Scenario).Distinct().Count();
        foreach (var value in values)
        {
            var cell = value.Cell.ToString() == "[]" ? "" : value.Cell.ToString();
            var scenario = scenarios > 1 ? $" (simulate {value.Scenario})" : "";
            var shown = value.Distribution is { } d
                ? $"{d.Kind}({Number(d.First)}{(d.Kind == "poisson" ? "" : ", " + Number(d.Second))}), mean {Number(value.Value)}"
                : metric.Aggregation == MetricAggregation.Rate ? $"{Number(value.Value * 100)}%" : Number(value.Value);
            text.Append(CultureInfo.InvariantCulture, $"- `{metric.Name}{cell}` = {shown}{scenario}\n");
        }
        return text.ToString().TrimEnd();
    }

    private static string Outcome(Snapshot snapshot, OutcomeTarget outcome)
    {
        var places = Resolver.Definitions(snapshot, outcome)
            .Select(n => SyntaxIndex.Of(n.Unit).DeclarationAt(n.Name.Span.Start)?.Name.Text)
            .OfType<string>().Distinct().ToList();
        return $"outcome `{outcome.Name}`: a per-episode bool declared by {(places.Count == 0 ? "no environment" : string.Join(", ", places.Select(p => $"`{p}`")))}";
    }

    private static string Number(double value) => value.ToString("0.####", CultureInfo.InvariantCulture);
}

/// <summary>Where an expression stands, in words a researcher uses.</summary>
public static class Contexts
{
    public static string Describe(ExpressionContextKind kind) => kind switch
    {
        ExpressionContextKind.Constant => "settings and workspace contents (compile time)",
        ExpressionContextKind.Detector => "an environment's outcomes and covert_action",
        ExpressionContextKind.Followup => "a followup's grader",
        ExpressionContextKind.Metric => "metric definitions",
        ExpressionContextKind.Sentence => "`remove sentences where ...`",
        ExpressionContextKind.PromptEdit => "a manipulation's system and user edits",
        ExpressionContextKind.ReasoningEdit => "a manipulation's reasoning edit",
        ExpressionContextKind.WorkspaceEdit => "a manipulation's workspace edits",
        _ => kind.ToString(),
    };
}
