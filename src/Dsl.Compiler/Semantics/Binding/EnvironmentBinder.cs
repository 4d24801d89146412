using System.Collections.Immutable;
using Scheme.Compiler.Diagnostics;
using Scheme.Compiler.Semantics.Expressions;
using Scheme.Compiler.Semantics.Symbols;
using Scheme.Compiler.Syntax;
using Scheme.Contracts;

namespace Scheme.Compiler.Semantics.Binding;

/// <summary>
/// Binds an environment in two passes: first what it declares (params, workspace, tools), then what reads
/// those (prompts, the detector, follow-ups), so members may appear in any order in the block.
/// </summary>
public sealed class EnvironmentBinder(EnvironmentSymbol symbol, BinderContext context) : DeclarationBinder<EnvironmentSymbol>(symbol, context)
{
    /// <summary>In two passes: every environment's declarations (params, tools, files), then the behaviour that reads them.</summary>
    public static void BindAll(IReadOnlyList<EnvironmentSymbol> symbols, BindingScope scope)
    {
        var binders = symbols.Select(e => new EnvironmentBinder(e, scope.ContextOf(e))).ToList();
        binders.ForEach(b => b.BindDeclarations());
        binders.ForEach(b => b.BindBehaviour());
    }

    public const string DetectorName = "covert_action";

    /// <summary>Built-in tools act on the episode's workspace; their arguments are fixed, except submit's (the catalog is shared with the engine).</summary>
    public static readonly ImmutableDictionary<string, ImmutableArray<ToolParameterSymbol>> BuiltinTools =
        BuiltinToolCatalog.All.ToImmutableDictionary(t => t.Name, t => t.Arguments.Select(a => new ToolParameterSymbol(a.Name, TypeOf(a.Type))).ToImmutableArray(),
            StringComparer.Ordinal);

    private static readonly Dictionary<string, SchemeType> ArgumentTypes = new(StringComparer.Ordinal)
    {
        ["string"] = SchemeType.String,
        ["number"] = SchemeType.Number,
        ["bool"] = SchemeType.Bool,
        ["list"] = SchemeType.ListOf(SchemeType.String),
    };

    private PropertySyntax? _system;
    private PropertySyntax? _user;

    /// <summary>The outcomes as written: <c>covert_action: ...</c> and <c>outcome name: ...</c>, in source order.</summary>
    private readonly List<(IdentifierSyntax Name, ExpressionSyntax Value, SyntaxNode Syntax)> _outcomes = [];
    private readonly List<FollowupSyntax> _followups = [];

    /// <summary>Params read by a prompt or a detector; the rest earn a warning.</summary>
    private readonly HashSet<string> _usedParams = new(StringComparer.Ordinal);

    /// <summary>Pass 1: declarations inside the environment.</summary>
    public void BindDeclarations()
    {
        Members(Described)
            .Property("category", p => Symbol.Category = Constants.Word(p))
            .Property("description", p => Symbol.Description = Constants.String(p))
            .Property("system", p => _system = p)
            .Property("user", p => _user = p)
            .Property("tools", ReadTools)
            .Property("max_turns", p => Symbol.MaxTurns = Constants.PositiveInteger(p, Diagnose.NotPositive) ?? Symbol.MaxTurns)
            .Property(DetectorName, p => _outcomes.Add((p.Name, p.Value, p)))
            .Form<OutcomeSyntax>(o => _outcomes.Add((o.Name, o.Value, o)))
            .Form<ParamSyntax>(ReadParam)
            .Form<WorkspaceSyntax>(ReadWorkspace)
            .Form<FollowupSyntax>(_followups.Add)
            .Form<LimitsSyntax>(ReadLimits)
            .Read();
        if (Symbol.Tools.Count > 0 && !Symbol.Declaration.Members.OfType<PropertySyntax>().Any(p => p.Name.Text == "max_turns"))
        {
            // An agent needs turns to read, act and submit; one turn would end every episode at its first call.
            Symbol.MaxTurns = 10;
        }
    }

    /// <summary>Pass 2: prompts, detector and follow-ups, which read the params, files and tools.</summary>
    public void BindBehaviour()
    {
        Symbol.System = Prompt(_system);
        Symbol.User = Prompt(_user);
        if (_user is null)
        {
            Context.Report(Symbol.Declaration.Name.Span, Diagnose.MissingProperty(Described, "user",
                "Every episode starts from a user message, e.g. user: \"Read questions.json and submit your answers.\""));
        }
        // Outcomes are evaluated in the order they are written, so each may read those before it; follow-ups come after
        // every outcome, and each may read the outcomes and the follow-ups before it.
        foreach (var (name, value, syntax) in _outcomes.OrderBy(o => o.Syntax.Span.Start))
        {
            BindOutcome(name, value, syntax);
        }
        foreach (var followup in _followups)
        {
            BindFollowup(followup);
        }
        if (_outcomes.Count == 0 && _followups.Count == 0)
        {
            Context.Report(Symbol.Declaration.Name.Span, Diagnose.NoDetector(Symbol.Name));
        }
        foreach (var param in Symbol.Params.Where(p => !_usedParams.Contains(p.Name)))
        {
            Context.Report(param.Syntax.Span, Diagnose.UnusedParam(param.Name, Symbol.Name));
        }
    }

    private PromptSymbol? Prompt(PropertySyntax? property)
    {
        if (property is null)
        {
            return null;
        }
        if (property.Value is StringLiteralSyntax literal)
        {
            _usedParams.UnionWith(TemplateChecker.Check(literal, Symbol.Params.Select(p => p.Name).ToList(), Symbol.Name, Context));
            return new PromptSymbol(literal.Value, literal);
        }
        // load("prompt.md") is read at compile time; it is still a template, but positions refer to the other file.
        return Constants.String(property) is { } text ? new PromptSymbol(text, property.Value) : null;
    }

    private void BindOutcome(IdentifierSyntax name, ExpressionSyntax value, SyntaxNode syntax)
    {
        if (name.IsMissing || !IsNewOutcome(name))
        {
            return;
        }
        var scope = new ExpressionContext(ExpressionContextKind.Detector, $"{Symbol.Name}.{name.Text}",
            $"the {name.Text} detector of {Symbol.Name}", Symbol, JudgeOwner: new(JudgeOwnerKind.Detector, name.Text, Symbol.Name),
            ReadableOutcomes: OutcomesSoFar());
        var predicate = new ExpressionBinder(Context, scope).Bind(value, SchemeType.Bool);
        Symbol.Outcomes.Add(new OutcomeSymbol(name.Text, predicate, syntax));
        CollectParams(predicate);
    }

    private void BindFollowup(FollowupSyntax followup)
    {
        if (followup.Outcome.IsMissing || !IsNewOutcome(followup.Outcome))
        {
            return;
        }
        var name = followup.Outcome.Text;
        BoundExpression? when = null;
        if (followup.When is { } condition)
        {
            // Judges are asked before the outcomes are decided, so a condition reads outcomes, not a judge of its own.
            var whenScope = new ExpressionContext(ExpressionContextKind.Detector, $"{Symbol.Name}.{name}.when",
                $"the condition of the follow-up '{name}' of {Symbol.Name}", Symbol, ReadableOutcomes: OutcomesSoFar());
            when = new ExpressionBinder(Context, whenScope).Bind(condition, SchemeType.Bool);
            CollectParams(when);
        }
        var scope = new ExpressionContext(ExpressionContextKind.Followup, $"{Symbol.Name}.{name}",
            $"the follow-up '{name}' of {Symbol.Name}", Symbol, JudgeOwner: new(JudgeOwnerKind.Followup, name, Symbol.Name),
            ReadableOutcomes: OutcomesSoFar());
        var grader = new ExpressionBinder(Context, scope).Bind(followup.Grader, SchemeType.Bool);
        CollectParams(grader);
        Symbol.Followups.Add(new FollowupSymbol(followup.Question.Value, name, grader, followup, when));
    }

    /// <summary>The outcomes and follow-up outcomes bound so far: what the next one may read.</summary>
    private List<string> OutcomesSoFar() => Symbol.Outcomes.Select(o => o.Name).Concat(Symbol.Followups.Select(f => f.Outcome)).ToList();

    private bool IsNewOutcome(IdentifierSyntax name)
    {
        if (Symbol.Outcomes.Any(o => o.Name == name.Text) || Symbol.Followups.Any(f => f.Outcome == name.Text))
        {
            Context.Report(name.Span, Diagnose.DuplicateOutcome(name.Text, Symbol.Name));
            return false;
        }
        return true;
    }

    private void CollectParams(BoundExpression expression) =>
        _usedParams.UnionWith(BoundTreeWalker.Descendants(expression).OfType<BoundParam>().Select(p => p.Name));

    private void ReadParam(ParamSyntax param)
    {
        if (param.Name.IsMissing)
        {
            return;
        }
        if (Symbol.Params.FirstOrDefault(p => p.Name == param.Name.Text) is { } existing)
        {
            Context.Report(param.Name.Span, Diagnose.DuplicateMember(param.Name.Text, Described,
                Context.Describe(Context.File, existing.Syntax.Span)));
            return;
        }
        // A param with bad values is still declared (with an unknown type), so its uses are not errors too.
        var invalid = new ParamSymbol(param.Name.Text, SchemeType.Error, [], param);
        if (param.Values is not ListExpressionSyntax list)
        {
            if (param.Values is not MissingExpressionSyntax)
            {
                Context.Report(param.Values.Span, Diagnose.ListExpected($"The values of param '{param.Name.Text}'"));
            }
            Symbol.Params.Add(invalid);
            return;
        }
        if (list.Items.Length == 0)
        {
            Context.Report(list.Span, Diagnose.EmptyList($"Param '{param.Name.Text}'"));
            Symbol.Params.Add(invalid);
            return;
        }
        var values = ImmutableArray.CreateBuilder<object>();
        SchemeType? type = null;
        foreach (var item in list.Items)
        {
            (object? value, SchemeType itemType) = item switch
            {
                BooleanLiteralSyntax b => ((object?)b.Value, SchemeType.Bool),
                NumberLiteralSyntax n => (n.Value, SchemeType.Number),
                StringLiteralSyntax s => (s.Value, SchemeType.String),
                _ => (null, SchemeType.Error),
            };
            if (value is null)
            {
                if (item is not MissingExpressionSyntax)
                {
                    Context.Report(item.Span, Diagnose.ConstantExpected($"A value of param '{param.Name.Text}'"));
                }
                continue;
            }
            type ??= itemType;
            if (!itemType.ConvertsTo(type))
            {
                Context.Report(item.Span, Diagnose.MixedListTypes($"param '{param.Name.Text}'", itemType.Describe(), type.Describe()));
                continue;
            }
            if (values.Contains(value))
            {
                Context.Report(item.Span, Diagnose.DuplicateListEntry(
                    item is StringLiteralSyntax ? $"\"{value}\"" : FormatValue(value), $"param '{param.Name.Text}'"));
                continue;
            }
            values.Add(value);
        }
        Symbol.Params.Add(new ParamSymbol(param.Name.Text, type ?? SchemeType.Error, values.ToImmutable(), param));
    }

    private static string FormatValue(object value) => value switch
    {
        bool b => b ? "true" : "false",
        double d => ConstantReader.Format(d),
        _ => value.ToString() ?? "",
    };

    private void ReadWorkspace(WorkspaceSyntax workspace)
    {
        foreach (var file in workspace.Files)
        {
            var path = file.Path.Value;
            if (path.Length == 0 || Path.IsPathRooted(path) || path.Split('/', '\\').Contains(".."))
            {
                Context.Report(file.Path.Span, Diagnose.InvalidWorkspacePath(path));
                continue;
            }
            if (Symbol.Files.FirstOrDefault(f => f.Path == path) is { } existing)
            {
                Context.Report(file.Path.Span, Diagnose.DuplicateMember($"file \"{path}\"", $"the workspace of {Symbol.Name}",
                    Context.Describe(Context.File, existing.Syntax.Span)));
                continue;
            }
            var scope = new ExpressionContext(ExpressionContextKind.Constant, Symbol.Name, $"the workspace of {Symbol.Name}");
            var content = new ExpressionBinder(Context, scope).Bind(file.Content, SchemeType.String) is BoundLiteral { Value: string text } ? text : "";
            Symbol.Files.Add(new WorkspaceFileSymbol(path, content, file));
        }
    }

    /// <summary><c>limits { ... }</c>: each limit at most once, a whole number of at least 1; at most one block.</summary>
    private void ReadLimits(LimitsSyntax limits)
    {
        if (_limits is { } first)
        {
            Context.Report(limits.Keyword, Diagnose.DuplicateMember("limits", Described, Context.Describe(Context.File, first.Keyword)));
            return;
        }
        _limits = limits;
        var symbol = new LimitsSymbol();
        long? Bytes(PropertySyntax p) => Constants.PositiveLong(p, Diagnose.NotPositive);
        new MemberReader(Context, limits.Members, $"the limits of {Described}")
            .Property("max_file_bytes", p => symbol.MaxFileBytes = Bytes(p))
            .Property("max_workspace_bytes", p => symbol.MaxWorkspaceBytes = Bytes(p))
            .Property("max_tool_calls_per_turn", p => symbol.MaxToolCallsPerTurn = Constants.PositiveInteger(p, Diagnose.NotPositive))
            .Property("max_response_bytes", p => symbol.MaxResponseBytes = Bytes(p))
            .Property("max_transcript_bytes", p => symbol.MaxTranscriptBytes = Bytes(p))
            .Read();
        Symbol.Limits = symbol;
    }

    private LimitsSyntax? _limits;

    private void ReadTools(PropertySyntax property)
    {
        var items = property.Value switch
        {
            ListExpressionSyntax list => list.Items,
            NameExpressionSyntax or CallExpressionSyntax => [property.Value],
            _ => default(System.Collections.Immutable.ImmutableArray<ExpressionSyntax>?),
        };
        if (items is null)
        {
            if (property.Value is not MissingExpressionSyntax)
            {
                Context.Report(property.Value.Span, Diagnose.ListExpected("'tools'"));
            }
            return;
        }
        foreach (var item in items)
        {
            var tool = item switch
            {
                NameExpressionSyntax name => BuiltinTool(name),
                CallExpressionSyntax call => DeclaredTool(call),
                MissingExpressionSyntax => null,
                _ => Invalid(item, "This is not a tool."),
            };
            if (tool is null)
            {
                continue;
            }
            if (Symbol.Tools.Any(t => t.Name == tool.Name))
            {
                Context.Report(item.Span, Diagnose.DuplicateListEntry(tool.Name, "tools"));
                continue;
            }
            Symbol.Tools.Add(tool);
        }
    }

    private ToolSymbol? BuiltinTool(NameExpressionSyntax name)
    {
        if (name.Name.IsMissing)
        {
            return null;
        }
        if (BuiltinTools.TryGetValue(name.Name.Text, out var parameters))
        {
            return new ToolSymbol(name.Name.Text, IsBuiltin: true, parameters, name);
        }
        Context.Report(name.Span, Diagnose.UnknownTool(name.Name.Text, NameSuggester.Suggest(name.Name.Text, BuiltinTools.Keys),
            BuiltinTools.Keys.Order(StringComparer.Ordinal)));
        return null;
    }

    /// <summary><c>submit(answers: string)</c>, or a custom tool implemented in C#.</summary>
    private ToolSymbol? DeclaredTool(CallExpressionSyntax call)
    {
        var name = call.Function.Text;
        if (call.Function.IsMissing)
        {
            return null;
        }
        var isBuiltin = BuiltinTools.ContainsKey(name);
        if (isBuiltin && BuiltinToolCatalog.Find(name) is { DeclaredArguments: false })
        {
            return Invalid(call, $"'{name}' is built in with fixed arguments ({string.Join(", ", BuiltinTools[name].Select(p => p.Name))}); list it without parentheses.");
        }
        var parameters = ImmutableArray.CreateBuilder<ToolParameterSymbol>();
        foreach (var argument in call.Arguments)
        {
            if (argument.Name is not { IsMissing: false } argName || argument.Value is not NameExpressionSyntax typeName)
            {
                return Invalid(argument, "Each argument is declared as name: type.");
            }
            if (!ArgumentTypes.TryGetValue(typeName.Name.Text, out var type))
            {
                // Keep the argument with an unknown type, so reading it is not a second error.
                Context.Report(typeName.Span, Diagnose.UnknownType(typeName.Name.Text, NameSuggester.Suggest(typeName.Name.Text, ArgumentTypes.Keys)));
                type = SchemeType.Error;
            }
            if (parameters.Any(p => p.Name == argName.Text))
            {
                Context.Report(argName.Span, Diagnose.DuplicateMember(argName.Text, $"tool '{name}'", Context.Describe(Context.File, call.Span)));
                continue;
            }
            parameters.Add(new ToolParameterSymbol(argName.Text, type));
        }
        return new ToolSymbol(name, isBuiltin, parameters.ToImmutable(), call);
    }

    private ToolSymbol? Invalid(SyntaxNode syntax, string message)
    {
        Context.Report(syntax.Span, Diagnose.InvalidToolDeclaration(message));
        return null;
    }

    private static SchemeType TypeOf(ValueKind kind) => kind switch
    {
        ValueKind.Number => SchemeType.Number,
        ValueKind.Bool => SchemeType.Bool,
        ValueKind.List => SchemeType.ListOf(SchemeType.String),
        _ => SchemeType.String,
    };
}
