using System.Collections.Immutable;
using Scheme.Compiler.Diagnostics;
using Scheme.Compiler.Semantics.Expressions;
using Scheme.Compiler.Semantics.Symbols;
using Scheme.Compiler.Syntax;
using Scheme.Compiler.Text;
using Scheme.Contracts;

namespace Scheme.Compiler.Semantics.Binding;

/// <summary>
/// Binds an environment in two passes: first what it declares (params, workspace, tools), then what reads
/// those (prompts, the detector, follow-ups), so members may appear in any order in the block.
/// </summary>
public sealed class EnvironmentBinder(EnvironmentSymbol symbol, BinderContext context) : DeclarationBinder<EnvironmentSymbol>(symbol, context)
{
    /// <summary>
    /// In passes: every base (<c>extends</c>) and cycle, then every environment's declarations (params, tools, files),
    /// then the behaviour that reads them; bases before the environments that extend them, so what a base reports is
    /// not reported again for what inherits it.
    /// </summary>
    public static void BindAll(IReadOnlyList<EnvironmentSymbol> symbols, BindingScope scope)
    {
        var binders = symbols.Select(e => new EnvironmentBinder(e, scope.ContextOf(e))).ToList();
        binders.ForEach(b => b.ResolveBase());
        binders.ForEach(b => b.CheckCycle());
        binders = BasesFirst(binders);
        binders.ForEach(b => b.BindDeclarations());
        binders.ForEach(b => b.BindBehaviour());
    }

    private static List<EnvironmentBinder> BasesFirst(List<EnvironmentBinder> binders)
    {
        int Depth(EnvironmentSymbol e) => e.Base is null ? 0 : 1 + Depth(e.Base);
        return binders.Select((b, i) => (b, i)).OrderBy(p => Depth(p.b.Symbol)).ThenBy(p => p.i).Select(p => p.b).ToList();
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

    private Origin<PropertySyntax>? _system;
    private Origin<PropertySyntax>? _user;

    /// <summary>The outcomes as written (<c>covert_action: ...</c> and <c>outcome name: ...</c>), in the order extends gives.</summary>
    private readonly List<Origin<(IdentifierSyntax Name, ExpressionSyntax Value, MemberSyntax Syntax)>> _outcomes = [];
    private readonly List<Origin<FollowupSyntax>> _followups = [];
    private readonly List<Origin<WorkspaceSyntax>> _workspaces = [];
    private Origin<PropertySyntax>? _home;
    private Origin<PropertySyntax>? _mounts;
    private bool _sandboxMisspelt;

    /// <summary>A member with the context of the declaration that wrote it (the environment's own, or a base's).</summary>
    private sealed record Origin<T>(T Syntax, BinderContext Context, SourceFile? File);

    /// <summary>Params read by a prompt, a file or a detector; the rest earn a warning.</summary>
    private readonly HashSet<string> _usedParams = new(StringComparer.Ordinal);

    /// <summary>Where what inherited members report goes: checked against what their base reported (<see cref="ReportInherited"/>).</summary>
    private readonly DiagnosticBag _inheritedDiagnostics = new();

    /// <summary>The context of the member being read: the environment's own, or a base's whose reports are collected apart.</summary>
    private BinderContext? _current;

    /// <summary>The context of the member being read (<see cref="_current"/>); <c>Context</c> is always the environment's own.</summary>
    private BinderContext Here => _current ?? Context;

    private ConstantReader Constant => ReferenceEquals(Here, Context) ? Constants : new ConstantReader(Here, Symbol.Name);

    /// <summary>Resolves <c>extends</c>; run for every environment before cycles are checked.</summary>
    public void ResolveBase()
    {
        if (Symbol.Declaration.BaseName is { IsMissing: false } baseName)
        {
            Symbol.Base = Context.Declarations.Resolve<EnvironmentSymbol>(baseName, Diagnose.UnknownEnvironment, Context);
        }
    }

    /// <summary>Reports a cycle once, at the environment that closes it, and cuts it there (as checkpoints do).</summary>
    public void CheckCycle()
    {
        var path = new List<EnvironmentSymbol>();
        for (var e = Symbol; e is not null; e = e.Base)
        {
            if (path.Contains(e))
            {
                if (ReferenceEquals(e, Symbol))
                {
                    Context.Report(Symbol.Declaration.BaseName!.Span, Diagnose.ExtendsCycle("environment", path.Select(p => p.Name).Append(e.Name)));
                    Symbol.Base = null;
                }
                return;
            }
            path.Add(e);
        }
    }

    /// <summary>Pass 1: declarations inside the environment and those it inherits.</summary>
    public void BindDeclarations()
    {
        var members = EnvironmentInheritance.Effective(Symbol);
        var set = new HashSet<string>(StringComparer.Ordinal);
        foreach (var group in members.GroupBy(m => m.Origin, ReferenceEqualityComparer.Instance))
        {
            var origin = (EnvironmentSymbol)group.Key!;
            var context = ReferenceEquals(origin, Symbol) ? Context
                : new BinderContext(origin.File, _inheritedDiagnostics, Context.Declarations, Context.Judges, Context.Dependencies);
            _current = context;
            set.UnionWith(new MemberReader(context, group.Select(m => m.Syntax), Described)
                .Property("category", p => Symbol.Category = Constant.Word(p))
                .Property("description", p => Symbol.Description = Constant.String(p))
                .Property("system", p => _system = new(p, Here, OriginFile))
                .Property("user", p => _user = new(p, Here, OriginFile))
                .Property("tools", ReadTools)
                .Property("sandbox", ReadSandbox)
                .Property("home", p => _home = new(p, Here, OriginFile))
                .Property("mounts", p => _mounts = new(p, Here, OriginFile))
                .Property("max_turns", p => Symbol.MaxTurns = Constant.PositiveInteger(p, Diagnose.NotPositive) ?? Symbol.MaxTurns)
                .Property(DetectorName, p => _outcomes.Add(new((p.Name, p.Value, p), Here, OriginFile)))
                .Form<OutcomeSyntax>(o => _outcomes.Add(new((o.Name, o.Value, o), Here, OriginFile)))
                .Form<ParamSyntax>(ReadParam)
                .Form<WorkspaceSyntax>(w => _workspaces.Add(new(w, Here, OriginFile)))
                .Form<FollowupSyntax>(f => _followups.Add(new(f, Here, OriginFile)))
                .Form<LimitsSyntax>(ReadLimits)
                .Read());
        }
        _current = Context;
        // Read by origin, kept in the order extends gives: a param's place fixes the variants' labels, a follow-up's when it is asked.
        var order = members.Select((m, i) => (m.Syntax, i)).GroupBy(p => p.Syntax).ToDictionary(g => g.Key, g => g.First().i);
        var sorted = Symbol.Params.OrderBy(p => order.GetValueOrDefault((MemberSyntax)p.Syntax, int.MaxValue)).ToList();
        Symbol.Params.Clear();
        Symbol.Params.AddRange(sorted);
        var followups = _followups.OrderBy(f => order.GetValueOrDefault(f.Syntax, int.MaxValue)).ToList();
        _followups.Clear();
        _followups.AddRange(followups);
        // Outcomes are decided in this order, so each may read those before it.
        var outcomes = _outcomes.OrderBy(o => order.GetValueOrDefault(o.Syntax.Syntax, int.MaxValue)).ToList();
        _outcomes.Clear();
        _outcomes.AddRange(outcomes);
        // Files are read after home and mounts, which say which absolute paths they may have.
        ReadFolders();
        foreach (var workspace in _workspaces)
        {
            _current = workspace.Context;
            ReadWorkspace(workspace.Syntax);
        }
        _current = Context;
        CheckSandboxTools();
        if (Symbol.Base?.Limits is { } inherited)
        {
            Symbol.Limits = Inherit(Symbol.Limits, inherited);
        }
        Symbol.Variants = TemplateVariants.Of(Symbol.Params);
        if (Symbol.Tools.Count > 0 && !set.Contains("max_turns"))
        {
            // An agent needs turns to read, act and submit; one turn would end every episode at its first call.
            Symbol.MaxTurns = 10;
        }
    }

    /// <summary>The source file of the member being read when it is a base's in another file; null for the environment's own file.</summary>
    private SourceFile? OriginFile => ReferenceEquals(Here.File, Context.File) ? null : Here.File;

    /// <summary><c>limits</c> merge limit by limit: a limit the environment leaves out is its base's.</summary>
    private static LimitsSymbol Inherit(LimitsSymbol? own, LimitsSymbol inherited) => new()
    {
        MaxFileBytes = own?.MaxFileBytes ?? inherited.MaxFileBytes,
        MaxWorkspaceBytes = own?.MaxWorkspaceBytes ?? inherited.MaxWorkspaceBytes,
        MaxToolCallsPerTurn = own?.MaxToolCallsPerTurn ?? inherited.MaxToolCallsPerTurn,
        MaxResponseBytes = own?.MaxResponseBytes ?? inherited.MaxResponseBytes,
        MaxTranscriptBytes = own?.MaxTranscriptBytes ?? inherited.MaxTranscriptBytes,
        MaxCommandSeconds = own?.MaxCommandSeconds ?? inherited.MaxCommandSeconds,
        MaxCommandMemoryBytes = own?.MaxCommandMemoryBytes ?? inherited.MaxCommandMemoryBytes,
        MaxCommandProcesses = own?.MaxCommandProcesses ?? inherited.MaxCommandProcesses,
        MaxCommandOutputBytes = own?.MaxCommandOutputBytes ?? inherited.MaxCommandOutputBytes,
    };

    /// <summary>Pass 2: prompts, files, detector and follow-ups, which read the params, files and tools.</summary>
    public void BindBehaviour()
    {
        CheckFileTemplates();
        Symbol.System = Prompt(_system);
        Symbol.User = Prompt(_user);
        if (_user is null)
        {
            Context.Report(Symbol.Declaration.Name.Span, Diagnose.MissingProperty(Described, "user",
                "Every episode starts from a user message, e.g. user: \"Read questions.json and submit your answers.\""));
        }
        // Outcomes first, each reading those before it; then follow-ups, each reading the outcomes and the follow-ups before it.
        foreach (var outcome in _outcomes)
        {
            _current = outcome.Context;
            BindOutcome(outcome);
        }
        foreach (var followup in _followups)
        {
            _current = followup.Context;
            BindFollowup(followup);
        }
        _current = Context;
        if (_outcomes.Count == 0 && _followups.Count == 0)
        {
            Context.Report(Symbol.Declaration.Name.Span, Diagnose.NoDetector(Symbol.Name));
        }
        foreach (var param in Symbol.Params.Where(p => !_usedParams.Contains(p.Name)))
        {
            // An inherited param nothing reads here is reported at extends: the base may read it, this environment does not.
            var inherited = !Symbol.Declaration.Members.Contains(param.Syntax);
            Context.Report(inherited ? Symbol.Declaration.BaseName!.Span : param.Syntax.Span, Diagnose.UnusedParam(param.Name, Symbol.Name));
        }
        ReportInherited();
    }

    /// <summary>
    /// An inherited member is bound again here, where the params, tools and files may differ from its base's. What it
    /// reports that its base did not is reported once, at <c>extends</c>, with where in the base it comes from.
    /// </summary>
    private void ReportInherited()
    {
        if (Symbol.Base is null)
        {
            return;
        }
        var reported = new HashSet<string>(StringComparer.Ordinal);
        foreach (var diagnostic in _inheritedDiagnostics.ToSortedList().Where(d => d.IsError))
        {
            if (Context.Diagnostics.Has(diagnostic.File, diagnostic.Span, diagnostic.Code) || !reported.Add(diagnostic.Message))
            {
                continue;
            }
            var (line, column) = diagnostic.File.GetLineColumn(diagnostic.Span.Start);
            Context.Report(Symbol.Declaration.BaseName!.Span, Diagnose.InheritedMemberInvalid(Symbol.Name, Symbol.Base.Name,
                $"{diagnostic.File.Path}({line},{column})", $"{diagnostic.Code}: {diagnostic.Message}"));
        }
    }

    private PromptSymbol? Prompt(Origin<PropertySyntax>? origin)
    {
        if (origin is null)
        {
            return null;
        }
        _current = origin.Context;
        var property = origin.Syntax;
        var parameters = Symbol.Params.Select(p => p.Name).ToList();
        PromptSymbol? prompt = null;
        if (IsVerbatim(property.Value))
        {
            Here.Report(property.Value.Span, Diagnose.NotAllowedInContext("verbatim()", $"the {property.Name.Text} prompt",
                "A prompt is always a template; write {{ \"{{\" }} for two braces the model should see."));
        }
        else if (property.Value is StringLiteralSyntax literal)
        {
            _usedParams.UnionWith(TemplateChecker.Check(literal, parameters, Symbol.Name, Here));
            prompt = new PromptSymbol(literal.Value, literal);
        }
        // load("prompt.md") is read at compile time and checked as a template too; positions name the line in the other file.
        else if (Constant.String(property) is { } text)
        {
            _usedParams.UnionWith(TemplateChecker.Check(property.Value, text, parameters, Symbol.Name, Here));
            prompt = new PromptSymbol(text, property.Value);
        }
        _current = Context;
        return prompt;
    }

    /// <summary>
    /// Each file's path and content are templates over the params: checked like prompts, then every variant's paths
    /// rendered, so a path that renders to no valid path, or two files that render to one path, is an error now.
    /// </summary>
    private void CheckFileTemplates()
    {
        var parameters = Symbol.Params.Select(p => p.Name).ToList();
        var pathsWithErrors = new HashSet<WorkspaceFileSymbol>(ReferenceEqualityComparer.Instance);
        foreach (var file in Symbol.Files.Concat(Symbol.GraderFiles))
        {
            var syntax = (WorkspaceFileSyntax)file.Syntax;
            _current = _fileContexts[file];
            var errors = Here.Diagnostics.ErrorCount;
            _usedParams.UnionWith(TemplateChecker.Check(syntax.Path, parameters, Symbol.Name, Here));
            if (Here.Diagnostics.ErrorCount > errors)
            {
                pathsWithErrors.Add(file);
            }
            if (!file.Verbatim && file.Content.Contains('{', StringComparison.Ordinal))
            {
                _usedParams.UnionWith(TemplateChecker.Check(syntax.Content, file.Content, parameters, Symbol.Name, Here));
            }
        }
        _current = Context;
        if (Symbol.Variants is not { } variants)
        {
            return;
        }
        foreach (var (files, what) in new[] { (Symbol.Files, "workspace"), (Symbol.GraderFiles, "grader_files") })
        {
            foreach (var file in files.Where(f => f.Path.Contains('{', StringComparison.Ordinal)))
            {
                var context = _fileContexts[file];
                foreach (var variant in variants)
                {
                    var rendered = TemplateVariants.TryRender(file.Path, variant.Params, out var error);
                    if (rendered is null && error is not null && !pathsWithErrors.Contains(file))
                    {
                        // A template that parses and reads only params, yet fails when run (a string too large to build).
                        context.Report(((WorkspaceFileSyntax)file.Syntax).Path.Span, Diagnose.InvalidRenderedPath(file.Path, null, variant.Label, error));
                        break;
                    }
                    if (rendered is not null && !OnMount(rendered) && WorkspacePaths.Normalize(rendered) is null)
                    {
                        context.Report(((WorkspaceFileSyntax)file.Syntax).Path.Span,
                            Diagnose.InvalidRenderedPath(file.Path, rendered, variant.Label, $"Environment '{Symbol.Name}' needs a relative path inside the workspace in every variant."));
                        break;
                    }
                }
            }
            foreach (var variant in variants)
            {
                var clash = files.Select(f => (File: f, Path: f.PathIn(variant))).Where(p => p.Path is not null)
                    .GroupBy(p => p.Path!, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
                if (clash is not null)
                {
                    var second = clash.Skip(1).First().File;
                    _fileContexts[second].Report(((WorkspaceFileSyntax)second.Syntax).Path.Span, Diagnose.InvalidRenderedPath(second.Path, clash.Key, variant.Label,
                        $"\"{clash.First().File.Path}\" renders to the same path in the {what} of environment '{Symbol.Name}'."));
                    break;
                }
            }
        }
    }

    private bool OnMount(string path) => Symbol.Mounts.Any(m => path.StartsWith(m + "/", StringComparison.Ordinal));

    private static bool IsVerbatim(ExpressionSyntax content) =>
        content is CallExpressionSyntax call && call.Function.Text == FunctionLibrary.Verbatim.Name;

    /// <summary>The context each file was declared in (the environment's own, or a base's).</summary>
    private readonly Dictionary<WorkspaceFileSymbol, BinderContext> _fileContexts = new(ReferenceEqualityComparer.Instance);

    private void BindFollowup(Origin<FollowupSyntax> origin)
    {
        var followup = origin.Syntax;
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
            when = new ExpressionBinder(Here, whenScope).Bind(condition, SchemeType.Bool);
            CollectParams(when);
        }
        var scope = new ExpressionContext(ExpressionContextKind.Followup, $"{Symbol.Name}.{name}",
            $"the follow-up '{name}' of {Symbol.Name}", Symbol, JudgeOwner: new(JudgeOwnerKind.Followup, name, Symbol.Name),
            ReadableOutcomes: OutcomesSoFar());
        var grader = new ExpressionBinder(Here, scope).Bind(followup.Grader, SchemeType.Bool);
        CollectParams(grader);
        Symbol.Followups.Add(new FollowupSymbol(followup.Question.Value, name, grader, followup, When: when, File: origin.File));
    }

    private void BindOutcome(Origin<(IdentifierSyntax Name, ExpressionSyntax Value, MemberSyntax Syntax)> origin)
    {
        var (name, value, syntax) = origin.Syntax;
        if (name.IsMissing || !IsNewOutcome(name))
        {
            return;
        }
        var scope = new ExpressionContext(ExpressionContextKind.Detector, $"{Symbol.Name}.{name.Text}",
            $"the {name.Text} detector of {Symbol.Name}", Symbol, JudgeOwner: new(JudgeOwnerKind.Detector, name.Text, Symbol.Name),
            ReadableOutcomes: OutcomesSoFar());
        var predicate = new ExpressionBinder(Here, scope).Bind(value, SchemeType.Bool);
        Symbol.Outcomes.Add(new OutcomeSymbol(name.Text, predicate, syntax, origin.File));
        CollectParams(predicate);
    }

    /// <summary>The outcomes and follow-up outcomes bound so far: what the next one may read.</summary>
    private List<string> OutcomesSoFar() => Symbol.Outcomes.Select(o => o.Name).Concat(Symbol.Followups.Select(f => f.Outcome)).ToList();

    private bool IsNewOutcome(IdentifierSyntax name)
    {
        if (Symbol.HasOutcome(name.Text))
        {
            Here.Report(name.Span, Diagnose.DuplicateOutcome(name.Text, Symbol.Name));
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
            Here.Report(param.Name.Span, Diagnose.DuplicateMember(param.Name.Text, Described,
                Here.Describe(Here.File, existing.Syntax.Span)));
            return;
        }
        // A param with bad values is still declared (with an unknown type), so its uses are not errors too.
        var invalid = new ParamSymbol(param.Name.Text, SchemeType.Error, [], param);
        if (param.Values is not ListExpressionSyntax list)
        {
            if (param.Values is not MissingExpressionSyntax)
            {
                Here.Report(param.Values.Span, Diagnose.ListExpected($"The values of param '{param.Name.Text}'"));
            }
            Symbol.Params.Add(invalid);
            return;
        }
        if (list.Items.Length == 0)
        {
            Here.Report(list.Span, Diagnose.EmptyList($"Param '{param.Name.Text}'"));
            Symbol.Params.Add(invalid);
            return;
        }
        var values = ImmutableArray.CreateBuilder<object>();
        SchemeType? type = null;
        foreach (var item in list.Items)
        {
            var number = ConstantReader.NumberLiteral(item, Here);
            if (number is { IsNumber: true, Value: null })
            {
                continue; // too large: reported
            }
            (object? value, SchemeType itemType) = item switch
            {
                BooleanLiteralSyntax b => ((object?)b.Value, SchemeType.Bool),
                _ when number.Value is { } n => (n, SchemeType.Number),
                StringLiteralSyntax s => (s.Value, SchemeType.String),
                _ => (null, SchemeType.Error),
            };
            if (value is null)
            {
                if (item is not MissingExpressionSyntax)
                {
                    Here.Report(item.Span, Diagnose.ConstantExpected($"A value of param '{param.Name.Text}'"));
                }
                continue;
            }
            type ??= itemType;
            if (!itemType.ConvertsTo(type))
            {
                Here.Report(item.Span, Diagnose.MixedListTypes($"param '{param.Name.Text}'", itemType.Describe(), type.Describe()));
                continue;
            }
            if (values.Contains(value))
            {
                Here.Report(item.Span, Diagnose.DuplicateListEntry(
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
        var files = workspace.GraderOnly ? Symbol.GraderFiles : Symbol.Files;
        foreach (var file in workspace.Files)
        {
            var path = file.Path.Value;
            if (path.StartsWith('/') && !path.Split('/').Contains("..") && path.Length > 1)
            {
                // An absolute path is a file on a mount ("the new server"); tools and detectors name it so.
                if (!OnMount(path))
                {
                    Here.Report(file.Path.Span, Diagnose.FileOutsideMounts(path, Symbol.Mounts));
                    continue;
                }
            }
            // A templated path is checked per variant once the params are known (CheckFileTemplates).
            else if (!path.Contains("{{", StringComparison.Ordinal) && WorkspacePaths.Normalize(path) is null)
            {
                Here.Report(file.Path.Span, Diagnose.InvalidWorkspacePath(path));
                continue;
            }
            if (files.FirstOrDefault(f => f.Path == path) is { } existing)
            {
                Here.Report(file.Path.Span, Diagnose.DuplicateMember($"file \"{path}\"", $"the {(workspace.GraderOnly ? "grader_files" : "workspace")} of {Symbol.Name}",
                    Here.Describe(Here.File, existing.Syntax.Span)));
                continue;
            }
            if ((workspace.GraderOnly ? Symbol.Files : Symbol.GraderFiles).FirstOrDefault(f => f.Path == path) is { } other)
            {
                // One path, two meanings: the model would read one file and the graders another.
                Here.Report(file.Path.Span, Diagnose.GraderFileInWorkspace(path, Symbol.Name, Here.Describe(Here.File, other.Syntax.Span)));
            }
            var scope = new ExpressionContext(ExpressionContextKind.Constant, Symbol.Name, $"the workspace of {Symbol.Name}");
            var content = new ExpressionBinder(Here, scope).Bind(file.Content, SchemeType.String) is BoundLiteral { Value: string text } ? text : "";
            var symbol = new WorkspaceFileSymbol(path, content, file, OriginFile, IsVerbatim(file.Content));
            _fileContexts[symbol] = Here;
            files.Add(symbol);
        }
    }

    /// <summary><c>limits { ... }</c>: each limit at most once, a whole number of at least 1; at most one block.</summary>
    private void ReadLimits(LimitsSyntax limits)
    {
        if (_limits is { } first)
        {
            Here.Report(limits.Keyword, Diagnose.DuplicateMember("limits", Described, Here.Describe(Here.File, first.Keyword)));
            return;
        }
        _limits = limits;
        var symbol = new LimitsSymbol();
        long? Bytes(PropertySyntax p) => Constant.PositiveLong(p, Diagnose.NotPositive);
        new MemberReader(Here, limits.Members, $"the limits of {Described}")
            .Property("max_file_bytes", p => symbol.MaxFileBytes = Bytes(p))
            .Property("max_workspace_bytes", p => symbol.MaxWorkspaceBytes = Bytes(p))
            .Property("max_tool_calls_per_turn", p => symbol.MaxToolCallsPerTurn = Constant.PositiveInteger(p, Diagnose.NotPositive))
            .Property("max_response_bytes", p => symbol.MaxResponseBytes = Bytes(p))
            .Property("max_transcript_bytes", p => symbol.MaxTranscriptBytes = Bytes(p))
            .Property("max_command_seconds", p => symbol.MaxCommandSeconds = Constant.PositiveInteger(p, Diagnose.NotPositive))
            .Property("max_command_memory_bytes", p => symbol.MaxCommandMemoryBytes = Bytes(p))
            .Property("max_command_processes", p => symbol.MaxCommandProcesses = Constant.PositiveInteger(p, Diagnose.NotPositive))
            .Property("max_command_output_bytes", p => symbol.MaxCommandOutputBytes = Bytes(p))
            .Read();
        Symbol.Limits = symbol;
    }

    private LimitsSyntax? _limits;

    /// <summary><c>sandbox: bubblewrap</c>; <c>sandbox: virtual</c> says the default aloud.</summary>
    private void ReadSandbox(PropertySyntax property)
    {
        if (Constant.Word(property) is not { } kind)
        {
            return;
        }
        if (!SandboxKinds.All.Contains(kind))
        {
            Here.Report(property.Value.Span, Diagnose.UnknownSandbox(kind, NameSuggester.Suggest(kind, SandboxKinds.All), SandboxKinds.All));
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
        _current = _home?.Context;
        if (_home?.Syntax is { } homeProperty && Constant.String(homeProperty) is { } home)
        {
            if (Symbol.Sandbox is null)
            {
                Here.Report(homeProperty.Name.Span, Diagnose.HomeWithoutSandbox(Symbol.Name));
            }
            else if (Folder("home", home, homeProperty.Value, taken) is { } folder)
            {
                Symbol.Home = folder;
            }
        }
        taken.Add(Symbol.Home ?? SandboxKinds.DefaultHome);
        _current = _mounts?.Context;
        try
        {
            ReadMounts(_mounts?.Syntax, taken);
        }
        finally
        {
            _current = Context;
        }
    }

    private void ReadMounts(PropertySyntax? mounts, List<string> taken)
    {
        if (mounts is null)
        {
            return;
        }
        if (mounts.Value is not ListExpressionSyntax list)
        {
            Here.Report(mounts.Value.Span, Diagnose.ListExpected("'mounts'"));
            return;
        }
        foreach (var item in list.Items)
        {
            if (item is not StringLiteralSyntax literal)
            {
                Here.Report(item.Span, Diagnose.ConstantExpected("A mount"));
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
        Here.Report(syntax.Span, Diagnose.InvalidSandboxFolder(what, path, reason));
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
            Here.Report(tool.Syntax.Span, Diagnose.ToolNeedsSandbox(tool.Name, Symbol.Name));
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
                Here.Report(property.Value.Span, Diagnose.ListExpected("'tools'"));
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
                Here.Report(item.Span, Diagnose.DuplicateListEntry(tool.Name, "tools"));
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
        Here.Report(name.Span, Diagnose.UnknownTool(name.Name.Text, NameSuggester.Suggest(name.Name.Text, BuiltinTools.Keys),
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
                Here.Report(typeName.Span, Diagnose.UnknownType(typeName.Name.Text, NameSuggester.Suggest(typeName.Name.Text, ArgumentTypes.Keys)));
                type = SchemeType.Error;
            }
            if (parameters.Any(p => p.Name == argName.Text))
            {
                Here.Report(argName.Span, Diagnose.DuplicateMember(argName.Text, $"tool '{name}'", Here.Describe(Here.File, call.Span)));
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
        Here.Report(syntax.Span, Diagnose.InvalidToolDeclaration(message));
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
