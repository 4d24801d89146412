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
        BuiltinToolCatalog.All.ToImmutableDictionary(t => t.Name, t => t.Arguments.Select(a => new ToolParameterSymbol(a.Name, TypeOf(a.Type), a.Description)).ToImmutableArray(),
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
    private readonly List<WorkspaceSyntax> _workspaces = [];
    private PropertySyntax? _home;
    private PropertySyntax? _mounts;
    private bool _sandboxMisspelt;

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
            .Property("sandbox", ReadSandbox)
            .Property("home", p => _home = p)
            .Property("mounts", p => _mounts = p)
            .Property("max_turns", p => Symbol.MaxTurns = Constants.PositiveInteger(p, Diagnose.NotPositive) ?? Symbol.MaxTurns)
            .Property(DetectorName, p => _outcomes.Add((p.Name, p.Value, p)))
            .Form<OutcomeSyntax>(o => _outcomes.Add((o.Name, o.Value, o)))
            .Form<ParamSyntax>(ReadParam)
            .Form<WorkspaceSyntax>(_workspaces.Add)
            .Form<FollowupSyntax>(_followups.Add)
            .Form<LimitsSyntax>(ReadLimits)
            .Read();
        // Files are read after home and mounts, which say which absolute paths they may have.
        ReadFolders();
        _workspaces.ForEach(ReadWorkspace);
        CheckSandboxTools();
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
            if (path.StartsWith('/') && !path.Split('/').Contains("..") && path.Length > 1)
            {
                // An absolute path is a file on a mount ("the new server"); tools and detectors name it so.
                if (!Symbol.Mounts.Any(m => path.StartsWith(m + "/", StringComparison.Ordinal)))
                {
                    Context.Report(file.Path.Span, Diagnose.FileOutsideMounts(path, Symbol.Mounts));
                    continue;
                }
            }
            else if (path.Length == 0 || Path.IsPathRooted(path) || path.Split('/', '\\').Contains(".."))
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
            .Property("max_command_seconds", p => symbol.MaxCommandSeconds = Constants.PositiveInteger(p, Diagnose.NotPositive))
            .Property("max_command_memory_bytes", p => symbol.MaxCommandMemoryBytes = Bytes(p))
            .Property("max_command_processes", p => symbol.MaxCommandProcesses = Constants.PositiveInteger(p, Diagnose.NotPositive))
            .Property("max_command_output_bytes", p => symbol.MaxCommandOutputBytes = Bytes(p))
            .Read();
        Symbol.Limits = symbol;
    }

    private LimitsSyntax? _limits;

    /// <summary><c>sandbox: bubblewrap</c>; <c>sandbox: virtual</c> says the default aloud.</summary>
    private void ReadSandbox(PropertySyntax property)
    {
        if (Constants.Word(property) is not { } kind)
        {
            return;
        }
        if (!SandboxKinds.All.Contains(kind))
        {
            Context.Report(property.Value.Span, Diagnose.UnknownSandbox(kind, NameSuggester.Suggest(kind, SandboxKinds.All), SandboxKinds.All));
            _sandboxMisspelt = true;
            return;
        }
        Symbol.Sandbox = kind == SandboxKinds.Virtual ? null : kind;
    }

    /// <summary>
    /// <c>home:</c> and <c>mounts:</c>: absolute folders, none on or under the system folders the sandbox provides itself,
    /// none on or under another; the runtime relies on that (WorkspacePaths resolves a path to exactly one of them).
    /// </summary>
    private void ReadFolders()
    {
        var taken = new List<string>();
        if (_home is not null && Constants.String(_home) is { } home)
        {
            if (Symbol.Sandbox is null)
            {
                Context.Report(_home.Name.Span, Diagnose.HomeWithoutSandbox(Symbol.Name));
            }
            else if (Folder("home", home, _home.Value, taken) is { } folder)
            {
                Symbol.Home = folder;
            }
        }
        taken.Add(Symbol.Home ?? SandboxKinds.DefaultHome);
        if (_mounts is null)
        {
            return;
        }
        if (_mounts.Value is not ListExpressionSyntax list)
        {
            Context.Report(_mounts.Value.Span, Diagnose.ListExpected("'mounts'"));
            return;
        }
        foreach (var item in list.Items)
        {
            if (item is not StringLiteralSyntax literal)
            {
                Context.Report(item.Span, Diagnose.ConstantExpected("A mount"));
                continue;
            }
            if (Folder("mount", literal.Value, item, taken) is { } mount)
            {
                Symbol.Mounts.Add(mount);
                taken.Add(mount);
            }
        }
    }

    private string? Folder(string what, string path, SyntaxNode syntax, List<string> taken)
    {
        static bool Within(string inner, string outer) => inner == outer || inner.StartsWith(outer + "/", StringComparison.Ordinal) || outer == "/";
        var reason = !path.StartsWith('/') ? "it must be an absolute path, such as /srv/successor."
            : path.Split('/').Skip(1).Any(s => s is "" or "." or "..") && path != "/" ? "write it without '.', '..', doubled or trailing slashes."
            : path.Any(c => char.IsControl(c) || c is ':' or ',') ? "it may not hold control characters, ':' or ','."
            : SandboxKinds.SystemFolders.FirstOrDefault(s => Within(path, s) || Within(s, path)) is { } system
                ? $"the sandbox provides {system} itself (read-only system files, or its own /proc, /dev and /tmp)."
            : taken.FirstOrDefault(t => Within(path, t) || Within(t, path)) is { } other
                ? $"it overlaps {other}, which is already the workspace or a mount."
            : null;
        if (reason is null)
        {
            return path;
        }
        Context.Report(syntax.Span, Diagnose.InvalidSandboxFolder(what, path, reason));
        return null;
    }

    /// <summary>bash and python run programs: only an environment with a sandbox may offer them.</summary>
    private void CheckSandboxTools()
    {
        // A misspelt sandbox was meant to be one: its error is enough.
        if (Symbol.Sandbox is not null || _sandboxMisspelt)
        {
            return;
        }
        foreach (var tool in Symbol.Tools.Where(t => t.IsBuiltin && BuiltinToolCatalog.Find(t.Name) is { RequiresSandbox: true }))
        {
            Context.Report(tool.Syntax.Span, Diagnose.ToolNeedsSandbox(tool.Name, Symbol.Name));
        }
    }

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

    /// <summary>
    /// <c>submit(answers: string)</c>, a custom tool implemented in C#, or a tool described for the model: a first unnamed
    /// text is the tool's description, <c>city: string("The city")</c> an argument's; a built-in tool's fixed arguments
    /// are described with a text alone, <c>bash("Run a command.", command: "The command line.")</c>.
    /// </summary>
    private ToolSymbol? DeclaredTool(CallExpressionSyntax call)
    {
        var name = call.Function.Text;
        if (call.Function.IsMissing)
        {
            return null;
        }
        var isBuiltin = BuiltinTools.ContainsKey(name);
        var fixedArguments = isBuiltin && BuiltinToolCatalog.Find(name) is { DeclaredArguments: false };
        var arguments = call.Arguments.AsEnumerable();
        string? description = null;
        if (call.Arguments.FirstOrDefault() is { Name: null, Value: StringLiteralSyntax text })
        {
            description = text.Value;
            arguments = arguments.Skip(1);
        }
        if (fixedArguments)
        {
            return DescribedBuiltin(call, name, description, arguments.ToList());
        }
        var parameters = ImmutableArray.CreateBuilder<ToolParameterSymbol>();
        foreach (var argument in arguments)
        {
            var (typeName, argumentDescription) = argument.Value switch
            {
                NameExpressionSyntax n => (n, null),
                CallExpressionSyntax { Arguments: [{ Name: null, Value: StringLiteralSyntax d }] } c => (new NameExpressionSyntax(c.Function, c.Function.Span), d.Value),
                _ => ((NameExpressionSyntax?)null, (string?)null),
            };
            if (argument.Name is not { IsMissing: false } argName || typeName is null)
            {
                return Invalid(argument, "Each argument is declared as name: type, or name: type(\"what it means\").");
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
            parameters.Add(new ToolParameterSymbol(argName.Text, type, argumentDescription));
        }
        return new ToolSymbol(name, isBuiltin, parameters.ToImmutable(), call, description);
    }

    /// <summary>A built-in tool with fixed arguments, described: its catalog arguments, each with the text given for it.</summary>
    private ToolSymbol? DescribedBuiltin(CallExpressionSyntax call, string name, string? description, List<ArgumentSyntax> arguments)
    {
        var catalog = BuiltinTools[name];
        var described = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var argument in arguments)
        {
            if (argument is not { Name: { IsMissing: false } argName, Value: StringLiteralSyntax text } || catalog.All(p => p.Name != argName.Text)
                || !described.TryAdd(argName.Text, text.Value))
            {
                return Invalid(argument.Name is null ? call : argument,
                    $"'{name}' is built in with fixed arguments ({string.Join(", ", catalog.Select(p => p.Name))}); list it without parentheses, " +
                    $"or describe it and its arguments with texts, e.g. {name}(\"What it does.\", {catalog[0].Name}: \"What it means.\").");
            }
        }
        return new ToolSymbol(name, IsBuiltin: true, [.. catalog.Select(p => described.TryGetValue(p.Name, out var d) ? p with { Description = d } : p)], call, description);
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
