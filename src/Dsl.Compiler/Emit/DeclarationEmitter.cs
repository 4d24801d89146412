using System.Text;
using Scheme.Compiler.Semantics;
using Scheme.Compiler.Semantics.Expressions;
using Scheme.Compiler.Semantics.Symbols;
using static Scheme.Compiler.Emit.CSharpLiterals;

namespace Scheme.Compiler.Emit;

/// <summary>
/// Renders each declaration as the C# expression that constructs its runtime definition. Lambdas sit on
/// lines of their own, each preceded by a #line directive that points at the .scheme expression.
/// </summary>
public sealed class DeclarationEmitter(LineMap lines)
{
    private const string Indent = "        ";

    public string Spec(SpecSymbol spec)
    {
        var principles = spec.Principles.Select(p => $"{Indent}new({Quoted(p.Id)}, {String(p.Text)}),");
        return $"new(\n{Indent}{Quoted(spec.Name)},\n{Indent}[\n{string.Join("\n", principles.Select(p => "    " + p))}\n{Indent}])";
    }

    public static string Checkpoint(CheckpointSymbol checkpoint)
    {
        var args = new List<string> { Quoted(checkpoint.Name), Quoted((string?)checkpoint.Setting("provider") ?? "simulated"), Nullable((string?)checkpoint.Setting("model")) };
        if (checkpoint.Base is { } b)
        {
            args.Add($"Extends: {Quoted(b.Name)}");
        }
        AddSetting(args, checkpoint, "base_url", "BaseUrl", v => Quoted((string)v));
        AddSetting(args, checkpoint, "reasoning_effort", "ReasoningEffort", v => Quoted((string)v));
        AddSetting(args, checkpoint, "temperature", "Temperature", v => Number((double)v));
        AddSetting(args, checkpoint, "top_p", "TopP", v => Number((double)v));
        AddSetting(args, checkpoint, "max_tokens", "MaxTokens", v => ((int)v).ToString(System.Globalization.CultureInfo.InvariantCulture));
        AddSetting(args, checkpoint, "seed", "Seed", v => ((long)v).ToString(System.Globalization.CultureInfo.InvariantCulture) + "L");
        if (checkpoint.Capabilities.Count > 0)
        {
            args.Add($"Capabilities: {List(checkpoint.Capabilities.Select(Quoted))}");
        }
        AddSetting(args, checkpoint, "api_key_env", "ApiKeyVariable", v => Quoted((string)v));
        return $"new(\n{string.Join(",\n", args.Select(a => Indent + a))})";
    }

    private static void AddSetting(List<string> args, CheckpointSymbol checkpoint, string key, string parameter, Func<object, string> format)
    {
        if (checkpoint.Setting(key) is { } value)
        {
            args.Add($"{parameter}: {format(value)}");
        }
    }

    public string Environment(EnvironmentSymbol environment, Func<string, string> toolMethod)
    {
        var b = new StringBuilder("new(\n");
        b.Append(Indent).Append(Quoted(environment.Name)).Append(",\n");
        b.Append(Indent).Append("Category: ").Append(Nullable(environment.Category)).Append(",\n");
        b.Append(Indent).Append("Params: ").Append(List(environment.Params.Select(p =>
            $"new({Quoted(p.Name)}, {List(p.Values.Select(Value))})"))).Append(",\n");
        b.Append(Indent).Append("Files:\n").Append(Indent).Append("[\n");
        foreach (var file in environment.Files)
        {
            b.Append(Indent).Append("    new(").Append(Quoted(file.Path)).Append(", ").Append(String(file.Content)).Append("),\n");
        }
        b.Append(Indent).Append("],\n");
        b.Append(Indent).Append("System: ").Append(environment.System is null ? "null" : String(environment.System.Template)).Append(",\n");
        b.Append(Indent).Append("User: ").Append(String(environment.User?.Template ?? "")).Append(",\n");
        b.Append(Indent).Append("Tools: ").Append(List(environment.Tools.Select(t => Tool(t, toolMethod)))).Append(",\n");
        b.Append(Indent).Append("MaxTurns: ").Append(environment.MaxTurns).Append(",\n");
        b.Append(Indent).Append("Outcomes:\n").Append(Indent).Append("[\n");
        foreach (var outcome in environment.Outcomes)
        {
            b.Append(lines.Directive(outcome.Predicate.Syntax)).Append('\n');
            b.Append(Indent).Append("    new(").Append(Quoted(outcome.Name)).Append(", ").Append(ExpressionEmitter.Lambda(outcome.Predicate)).Append("),\n");
            b.Append("#line default\n");
        }
        b.Append(Indent).Append("],\n");
        b.Append(Indent).Append("Followups:\n").Append(Indent).Append("[\n");
        foreach (var followup in environment.Followups)
        {
            b.Append(lines.Directive(followup.Grader.Syntax)).Append('\n');
            b.Append(Indent).Append("    new(").Append(String(followup.Question)).Append(", ").Append(Quoted(followup.Outcome))
                .Append(", ").Append(ExpressionEmitter.Lambda(followup.Grader)).Append("),\n");
            b.Append("#line default\n");
        }
        b.Append(Indent).Append(']');
        if (environment.Limits is { } limits)
        {
            b.Append(",\n").Append(Indent).Append("Limits: ").Append(Limits(limits));
        }
        return b.Append(')').ToString();
    }

    /// <summary>Only the limits the block sets; the others stay null and take the runtime's defaults.</summary>
    private static string Limits(LimitsSymbol limits)
    {
        var set = new List<string>();
        void Add(string name, long? value)
        {
            if (value is { } v)
            {
                set.Add($"{name}: {v.ToString(System.Globalization.CultureInfo.InvariantCulture)}{(name == "MaxToolCallsPerTurn" ? "" : "L")}");
            }
        }
        Add("MaxFileBytes", limits.MaxFileBytes);
        Add("MaxWorkspaceBytes", limits.MaxWorkspaceBytes);
        Add("MaxToolCallsPerTurn", limits.MaxToolCallsPerTurn);
        Add("MaxResponseBytes", limits.MaxResponseBytes);
        Add("MaxTranscriptBytes", limits.MaxTranscriptBytes);
        return $"new EnvironmentLimits({string.Join(", ", set)})";
    }

    private static string Tool(ToolSymbol tool, Func<string, string> toolMethod)
    {
        var parameters = List(tool.Parameters.Select(p => $"new({Quoted(p.Name)}, ValueKind.{ValueKind(p.Type)})"));
        // A built-in tool is emitted whole, from the catalog the engine implements: nothing is filled in at run time.
        return tool.IsBuiltin
            ? $"new({Quoted(tool.Name)}, IsBuiltin: true, {parameters}, Description: {Nullable(Scheme.Contracts.BuiltinToolCatalog.Find(tool.Name)?.Description)})"
            : $"new({Quoted(tool.Name)}, IsBuiltin: false, {parameters}, {toolMethod(tool.Name)})";
    }

    private static string ValueKind(SchemeType type) => type.Kind switch
    {
        TypeKind.Number => "Number",
        TypeKind.Bool => "Bool",
        TypeKind.List => "List",
        _ => "String",
    };

    private static string Value(object value) => value switch
    {
        bool b => $"(object){Bool(b)}",
        double d => $"(object){Number(d)}",
        string s => $"(object){Quoted(s)}",
        _ => "null!",
    };

    public string Manipulation(ManipulationSymbol manipulation)
    {
        var reasoning = manipulation.ReasoningEdit switch
        {
            BoundRemoveSentences r => $"\n{lines.Directive(r.Predicate.Syntax)}\n{Indent}ReasoningEdit.RemoveSentences({ExpressionEmitter.Lambda(r.Predicate)}),\n#line default\n",
            BoundInject { Text: BoundLiteral { Value: string text } } => $"ReasoningEdit.InjectText({String(text)}),\n",
            null => "null,\n",
            var other => throw new InvalidOperationException($"Reasoning edit {other.GetType().Name} has no constant form; the binder should have rejected it."),
        };
        return "new(\n" +
            $"{Indent}{Quoted(manipulation.Name)},\n" +
            $"{Indent}System: {List(manipulation.SystemEdits.Select(PromptEdit))},\n" +
            $"{Indent}User: {List(manipulation.UserEdits.Select(PromptEdit))},\n" +
            $"{Indent}Reasoning: {reasoning}" +
            $"{Indent}Then: {Nullable(manipulation.Then)},\n" +
            $"{Indent}Requires: {List(manipulation.Requires.Select(Quoted))})";
    }

    private static string PromptEdit(BoundExpression edit)
    {
        var call = (BoundCall)edit;
        var first = call.Arguments[0];
        var isSpec = first is BoundSpecReference;
        var operand = first switch
        {
            BoundSpecReference s => Quoted(s.Spec),
            BoundLiteral { Value: string text } => String(text),
            _ => throw new InvalidOperationException("A prompt edit's text must be constant; the binder should have rejected it."),
        };
        return call.Function.Edit switch
        {
            PromptEditKind.Prepend => isSpec ? $"PromptEdit.PrependSpec({operand})" : $"PromptEdit.Prepend({operand})",
            PromptEditKind.Append => isSpec ? $"PromptEdit.AppendSpec({operand})" : $"PromptEdit.Append({operand})",
            PromptEditKind.Remove => isSpec ? $"PromptEdit.RemoveSpec({operand})" : $"PromptEdit.Remove({operand})",
            PromptEditKind.Replace => $"PromptEdit.Replace({operand}, {(call.Arguments[1] is BoundLiteral { Value: string r } ? String(r) : throw new InvalidOperationException("replace() needs constant text."))})",
            _ => throw new InvalidOperationException($"{call.Function.Name}() is not a prompt edit."),
        };
    }

    public string Metric(MetricSymbol metric)
    {
        var perUnit = metric.PerUnit ?? throw new InvalidOperationException($"Metric {metric.Name} has no per-unit value; the binder should have reported why.");
        var outcomes = BoundTreeWalker.Descendants(perUnit).OfType<BoundOutcome>().Select(o => o.Name).Distinct().Order(StringComparer.Ordinal);
        return "new(\n" +
            $"{Indent}{Quoted(metric.Name)},\n" +
            $"{Indent}MetricAggregation.{metric.Aggregation},\n" +
            $"{lines.Directive(perUnit.Syntax)}\n" +
            $"{Indent}{ExpressionEmitter.NumericLambda(perUnit)},\n" +
            "#line default\n" +
            $"{Indent}RequiredOutcomes: {List(outcomes.Select(Quoted))}" +
            // rate(outcome) and nothing else: an analysis may read the unit's outcome where the metric's value is not stored.
            (metric.Aggregation == MetricAggregation.Rate && perUnit is BoundOutcome plain ? $",\n{Indent}PlainOutcome: {Quoted(plain.Name)})" : ")");
    }

    public static string Run(RunSymbol run) =>
        "new(\n" +
        $"{Indent}{Quoted(run.Name)},\n" +
        $"{Indent}Checkpoints: {List(run.Checkpoints.Select(e => Quoted(e.Name)))},\n" +
        $"{Indent}Environments: {List(run.Environments.Select(e => Quoted(e.Name)))},\n" +
        $"{Indent}Conditions: {List(run.Conditions.Select(e => Quoted(e.Name)))},\n" +
        $"{Indent}Epochs: {run.Epochs})";

    public static string Hypothesis(HypothesisSymbol hypothesis) =>
        "new(\n" +
        $"{Indent}{Quoted(hypothesis.Name)},\n" +
        $"{Indent}Title: {Nullable(hypothesis.Title)},\n" +
        $"{Indent}Metric: {Quoted(hypothesis.Metric ?? "")},\n" +
        $"{Indent}Left: {Cell(hypothesis.Left ?? new DesignCell(null, null, null))},\n" +
        $"{Indent}Direction: Direction.{hypothesis.Direction},\n" +
        $"{Indent}Right: {(hypothesis.Right is null ? "null" : Cell(hypothesis.Right))},\n" +
        $"{Indent}Constant: {(hypothesis.Constant is { } c ? Number(c) : "null")},\n" +
        $"{Indent}Test: {Quoted(hypothesis.Test)},\n" +
        $"{Indent}Alpha: {Number(hypothesis.Alpha)},\n" +
        $"{Indent}Family: {Quoted(hypothesis.Family)},\n" +
        $"{Indent}Correction: {Quoted(hypothesis.Correction)},\n" +
        $"{Indent}Paired: {Bool(hypothesis.Paired)},\n" +
        $"{Indent}DependsOn: {List(hypothesis.Dependencies.Select(Quoted))})";

    public static string Cell(DesignCell cell)
    {
        var parts = new List<string>();
        if (cell.Checkpoint is not null)
        {
            parts.Add($"Checkpoint: {Quoted(cell.Checkpoint)}");
        }
        if (cell.Environment is not null)
        {
            parts.Add($"Environment: {Quoted(cell.Environment)}");
        }
        if (cell.Condition is not null)
        {
            parts.Add($"Condition: {Quoted(cell.Condition)}");
        }
        return $"new Cell({string.Join(", ", parts)})";
    }
}
