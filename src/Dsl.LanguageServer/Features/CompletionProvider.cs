using Scheme.Compiler.Semantics.Expressions;
using Scheme.Compiler.Semantics.Symbols;
using Scheme.Compiler.Syntax;
using Scheme.Contracts;
using Scheme.LanguageServer.Protocol;
using Scheme.LanguageServer.Workspace;
using static Scheme.LanguageServer.Protocol.CompletionItemKind;

namespace Scheme.LanguageServer.Features;

/// <summary>
/// Completion in context: declaration keywords between declarations, the properties (and member forms) of the enclosing
/// declaration at the start of a member, the names a property takes (checkpoints of a run, tools of an environment, a
/// checkpoint's provider), the functions allowed where the cursor is with the outcomes, tools and declarations they
/// read, a tool's arguments after <c>tool.</c>, params inside <c>{{ }}</c>, and cells in <c>simulate</c> and <c>expect</c>.
/// Names come from the latest check of the project, so a name declared in an imported file is offered too.
/// </summary>
public static class CompletionProvider
{
    private static readonly Dictionary<string, string[]> MemberForms = new()
    {
        ["environment"] = ["param", "workspace", "grader_files", "limits", "outcome", "followup"],
        ["hypothesis"] = ["expect"],
    };

    public static CompletionList Complete(Snapshot snapshot, string fullPath, string text, int offset)
    {
        var context = CompletionContext.At(text, offset);
        var items = context.Nothing ? [] : Items(snapshot, fullPath, context).ToList();
        return new CompletionList(false, [.. items.DistinctBy(i => i.Label)]);
    }

    private static IEnumerable<CompletionItem> Items(Snapshot snapshot, string fullPath, CompletionContext context)
    {
        var environment = context.Declaration == DeclarationKind.Environment && context.DeclarationName is { } name
            ? Declared<EnvironmentSymbol>(snapshot).FirstOrDefault(e => e.Name == name) : null;
        if (context.InTemplate)
        {
            return Params(snapshot, environment, context.DeclarationName).Select(p => Item(p, TypeParameter, "param"));
        }
        if (context.DottedFrom is { } dotted)
        {
            return Dotted(snapshot, dotted, context);
        }
        if (context.AfterExtends)
        {
            return context.Declaration == DeclarationKind.Checkpoint ? Names<CheckpointSymbol>(snapshot, Value) : Names<EnvironmentSymbol>(snapshot, Class);
        }
        if (context.Declaration is null)
        {
            return context.MemberStart ? Keywords.Declarations.Select(k => Item(k, Keyword, "declaration")) : [];
        }
        var kind = PropertyCatalog.KindName(context.Declaration.Value);
        if (context.MemberStart)
        {
            return (context.InnerBlock, kind) switch
            {
                ("workspace", _) => [Item("file", Keyword, "workspace file")],
                ("limits", _) => PropertyCatalog.For("limits").Select(p => Item(p, Property, "limit")),
                (_, "simulate") => Names<MetricSymbol>(snapshot, Variable).Concat(PropertyCatalog.For(kind).Select(p => Item(p, Property, "property"))),
                _ => PropertyCatalog.For(kind).Select(p => Item(p, Property, $"property of {kind}"))
                    .Concat((MemberForms.GetValueOrDefault(kind) ?? []).Select(k => Item(k, Keyword, "member"))),
            };
        }
        if (context.InCell)
        {
            return Cells(snapshot);
        }
        return PropertyValue(snapshot, kind, context, environment);
    }

    private static IEnumerable<CompletionItem> PropertyValue(Snapshot snapshot, string kind, CompletionContext context, EnvironmentSymbol? environment)
    {
        switch (kind, context.Member)
        {
            case ("run", "checkpoints"):
                return Names<CheckpointSymbol>(snapshot, Value);
            case ("run", "environments"):
                return Names<EnvironmentSymbol>(snapshot, Class);
            case ("run", "conditions"):
                return Names<ManipulationSymbol>(snapshot, Function).Append(Item(Conditions.Baseline, Keyword, "no manipulation"));
            case ("checkpoint", "provider"):
                return ProviderKinds.Declarable.Select(p => Item(p, EnumMember, "provider"));
            case ("checkpoint" or "manipulation", "capabilities" or "requires"):
                return Capabilities.All.Select(c => Item(c, EnumMember, "capability"));
            case ("checkpoint", "reasoning_effort"):
                return Scheme.Compiler.Semantics.Binding.CheckpointBinder.ReasoningEfforts.Select(e => Item(e, EnumMember, "reasoning effort"));
            case ("hypothesis", "test"):
                return StatisticalTests.Names.Select(t => Item(t, EnumMember, "statistical test"));
            case ("hypothesis", "estimand"):
                return Estimands.Names.Select(t => Item(t, EnumMember, "estimand"));
            case ("hypothesis", "correction"):
                return Corrections.All.Select(t => Item(t, EnumMember, "correction"));
            case ("hypothesis", "expect"):
                return Names<MetricSymbol>(snapshot, Variable);
            case ("environment", "tools"):
                return BuiltinToolCatalog.All.Select(t => Item(t.Name, Function, $"tool({string.Join(", ", t.Arguments.Select(a => a.Name))})", t.Description));
            case ("environment", "sandbox"):
                return SandboxKinds.All.Select(s => Item(s, EnumMember, "sandbox"));
            case ("environment", "covert_action" or "outcome"):
                return Expression(snapshot, context.Declaration is null ? ExpressionContextKind.Detector : ExpressionContextKind.Detector, environment);
            case ("environment", "followup"):
                return Expression(snapshot, context.FollowupGrader ? ExpressionContextKind.Followup : ExpressionContextKind.Detector, environment);
            case ("metric", _):
                return Expression(snapshot, ExpressionContextKind.Metric, null);
            case ("manipulation", "system" or "user"):
                return Expression(snapshot, ExpressionContextKind.PromptEdit, null).Concat(Names<SpecSymbol>(snapshot, Module));
            case ("manipulation", "reasoning"):
                return Expression(snapshot, ExpressionContextKind.ReasoningEdit, null)
                    .Concat(Expression(snapshot, ExpressionContextKind.Sentence, null))
                    .Concat([Item("remove", Keyword, "remove sentences where ..."), Item("inject", Keyword, "inject \"text\"")]);
            case ("manipulation", "workspace"):
                return Expression(snapshot, ExpressionContextKind.WorkspaceEdit, null);
            case ("manipulation", "then"):
                return ReasoningEditThen.All.Select(t => Item(t, EnumMember, "after the edit"));
            default:
                return [];
        }
    }

    /// <summary>The functions allowed in an expression context, with the names such expressions read.</summary>
    private static IEnumerable<CompletionItem> Expression(Snapshot snapshot, ExpressionContextKind where, EnvironmentSymbol? environment)
    {
        var functions = FunctionLibrary.All.Values.Where(f => f.Contexts.Contains(where)).OrderBy(f => f.Name, StringComparer.Ordinal)
            .Select(f => Item(f.Name, Function, f.Describe(), HoverProvider.Function(f)));
        if (where is ExpressionContextKind.PromptEdit or ExpressionContextKind.WorkspaceEdit or ExpressionContextKind.Constant)
        {
            return functions;
        }
        var environments = environment is null ? Declared<EnvironmentSymbol>(snapshot).ToList() : [environment];
        var outcomes = environments.SelectMany(e => Outcomes(snapshot, e)).Append("covert_action").Distinct()
            .Select(o => Item(o, Variable, "outcome"));
        var tools = environments.SelectMany(e => ToolsOf(snapshot, e).Keys).Distinct().Select(t => Item(t, Function, "tool"));
        var episode = new[] { "reasoning", "output", "transcript" }.Select(v => Item(v, Keyword, "of the episode"));
        var names = where == ExpressionContextKind.Metric
            ? Names<CheckpointSymbol>(snapshot, Value).Concat(Names<SpecSymbol>(snapshot, Module)).Concat(Names<ManipulationSymbol>(snapshot, Function))
            : Names<CheckpointSymbol>(snapshot, Value).Concat(Names<SpecSymbol>(snapshot, Module));
        return functions.Concat(outcomes).Concat(tools).Concat(episode).Concat(names);
    }

    private static IEnumerable<CompletionItem> Dotted(Snapshot snapshot, string name, CompletionContext context)
    {
        if (Declared<SpecSymbol>(snapshot).FirstOrDefault(s => s.Name == name) is { } spec)
        {
            return spec.Declaration.Members.OfType<PropertySyntax>().Select(p => Item(p.Name.Text, EnumMember, "principle"));
        }
        var environments = context.Declaration == DeclarationKind.Environment && context.DeclarationName is { } env
            ? Declared<EnvironmentSymbol>(snapshot).Where(e => e.Name == env)
            : Declared<EnvironmentSymbol>(snapshot);
        return environments.SelectMany(e => ToolsOf(snapshot, e).GetValueOrDefault(name) ?? []).Distinct()
            .Select(a => Item(a, Field, $"argument of {name}"));
    }

    /// <summary>Cells of a metric: checkpoints, environments, conditions and the environments' params.</summary>
    private static IEnumerable<CompletionItem> Cells(Snapshot snapshot) =>
        Names<CheckpointSymbol>(snapshot, Value)
            .Concat(Names<EnvironmentSymbol>(snapshot, Class))
            .Concat(Names<ManipulationSymbol>(snapshot, Function))
            .Append(Item(Conditions.Baseline, Keyword, "no manipulation"))
            .Concat(Declared<EnvironmentSymbol>(snapshot).SelectMany(e => Params(snapshot, e, e.Name)).Distinct()
                .Select(p => Item(p + ":", TypeParameter, "param")));

    private static IEnumerable<string> Params(Snapshot snapshot, EnvironmentSymbol? environment, string? name)
    {
        var declaration = environment?.Declaration ?? snapshot.Units.SelectMany(u => u.Declarations)
            .FirstOrDefault(d => d.Kind == DeclarationKind.Environment && d.Name.Text == name);
        for (var depth = 0; declaration is not null && depth < 32; depth++)
        {
            foreach (var param in declaration.Members.OfType<ParamSyntax>())
            {
                yield return param.Name.Text;
            }
            declaration = declaration.BaseName is { } baseName && snapshot.Declarations.GetValueOrDefault(baseName.Text) is EnvironmentSymbol b ? b.Declaration : null;
        }
    }

    private static IEnumerable<string> Outcomes(Snapshot snapshot, EnvironmentSymbol environment) =>
        Inherited(snapshot, environment).SelectMany(d => d.Members).Select(m => m switch
        {
            OutcomeSyntax o => o.Name.Text,
            FollowupSyntax f => f.Outcome.Text,
            _ => null,
        }).OfType<string>();

    /// <summary>The tools an environment lists, each with its argument names (declared ones for submit(answers: string)).</summary>
    private static Dictionary<string, List<string>> ToolsOf(Snapshot snapshot, EnvironmentSymbol environment)
    {
        var tools = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var list = Inherited(snapshot, environment).SelectMany(d => d.Members).OfType<PropertySyntax>().FirstOrDefault(p => p.Name.Text == "tools");
        foreach (var item in (list?.Value as ListExpressionSyntax)?.Items ?? [])
        {
            var (toolName, arguments) = item switch
            {
                NameExpressionSyntax n => (n.Name.Text, BuiltinToolCatalog.Find(n.Name.Text)?.Arguments.Select(a => a.Name).ToList() ?? []),
                CallExpressionSyntax c => (c.Function.Text, c.Arguments.Select(a => a.Name?.Text).OfType<string>().ToList() is { Count: > 0 } declared
                    ? declared : BuiltinToolCatalog.Find(c.Function.Text)?.Arguments.Select(a => a.Name).ToList() ?? []),
                _ => ("", []),
            };
            if (toolName.Length > 0)
            {
                tools[toolName] = arguments;
            }
        }
        return tools;
    }

    /// <summary>An environment's declaration and those it extends, nearest first.</summary>
    private static IEnumerable<DeclarationSyntax> Inherited(Snapshot snapshot, EnvironmentSymbol environment)
    {
        var declaration = environment.Declaration;
        for (var depth = 0; declaration is not null && depth < 32; depth++)
        {
            yield return declaration;
            declaration = declaration.BaseName is { } b && snapshot.Declarations.GetValueOrDefault(b.Text) is EnvironmentSymbol e ? e.Declaration : null;
        }
    }

    private static IEnumerable<T> Declared<T>(Snapshot snapshot) where T : Symbol => snapshot.Model?.Declarations.OfType<T>() ?? [];

    private static IEnumerable<CompletionItem> Names<T>(Snapshot snapshot, int kind) where T : Symbol =>
        Declared<T>(snapshot).Select(s => Item(s.Name, kind, $"{s.KindName} ({s.File.Path})"));

    private static CompletionItem Item(string label, int kind, string detail, string? documentation = null) =>
        new(label, kind, detail, documentation is null ? null : MarkupContent.Markdown(documentation));
}
