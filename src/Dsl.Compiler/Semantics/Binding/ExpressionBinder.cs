using System.Collections.Immutable;
using System.Text.RegularExpressions;
using Scheme.Compiler.Diagnostics;
using Scheme.Compiler.Semantics.Expressions;
using Scheme.Compiler.Semantics.Symbols;
using Scheme.Compiler.Syntax;
using Scheme.Compiler.Text;

namespace Scheme.Compiler.Semantics.Binding;

/// <summary>
/// Resolves and type-checks one expression in its context. Errors are reported once, at the innermost
/// offending node; the node then gets the error type, which converts to anything, so one mistake
/// produces one diagnostic rather than a cascade.
/// </summary>
public sealed class ExpressionBinder(BinderContext context, ExpressionContext scope)
{
    private static readonly string[] SentenceValues = ["sentence", "reasoning"];

    /// <summary>The calls under test of the enclosing any/all/count predicates, innermost last: their tool and C# variable.</summary>
    private readonly List<(string Tool, string Variable)> _callsUnderTest = [];
    private static readonly string[] EpisodeValues = ["reasoning", "output", "transcript", EditApplied];

    /// <summary>Whether a reasoning manipulation edited the unit's reasoning: a built-in boolean of the finished episode.</summary>
    public const string EditApplied = "edit_applied";

    /// <summary>Binds and checks that the result converts to <paramref name="expected"/>.</summary>
    public BoundExpression Bind(ExpressionSyntax syntax, SchemeType expected)
    {
        var bound = BindCore(syntax, expected);
        RequireType(bound, expected, syntax);
        return bound;
    }

    public void RequireType(BoundExpression bound, SchemeType expected, SyntaxNode syntax, string hint = "")
    {
        if (!bound.Type.ConvertsTo(expected))
        {
            context.Report(syntax.Span, Diagnose.TypeMismatch(expected.Describe(), bound.Type.Describe(), hint + CallsHint(bound, expected)));
        }
    }

    /// <summary>calls(tool) is a list of calls: where a number is wanted, say how to count them.</summary>
    private static string CallsHint(BoundExpression bound, SchemeType expected) =>
        bound is BoundCall { Arguments: [BoundTool tool] } call && call.Function == FunctionLibrary.Calls && expected.Kind == TypeKind.Number
            ? $" calls({tool.Name}) lists the calls; count them with count(calls({tool.Name}))."
            : "";

    private BoundExpression BindCore(ExpressionSyntax syntax, SchemeType? expected) => syntax switch
    {
        MissingExpressionSyntax => new BoundError(syntax),
        NumberLiteralSyntax n when double.IsInfinity(n.Value) => Report(n, Diagnose.NumberOutOfRange(n.Text, "1.7E+308")),
        NumberLiteralSyntax n => new BoundLiteral(n.Value, SchemeType.Number, n),
        StringLiteralSyntax s => new BoundLiteral(s.Value, SchemeType.String, s),
        BooleanLiteralSyntax b => new BoundLiteral(b.Value, SchemeType.Bool, b),
        ListExpressionSyntax l => BindList(l),
        NameExpressionSyntax n => BindName(n.Name, expected),
        MemberAccessExpressionSyntax m => BindMemberAccess(m),
        UnaryExpressionSyntax u => BindUnary(u),
        BinaryExpressionSyntax b => BindBinary(b),
        CitesExpressionSyntax c => BindCites(c),
        CallExpressionSyntax c => BindCall(c, expected),
        SpecReferenceSyntax s => BindSpecReference(s.Spec, s),
        IndexExpressionSyntax { Target: NameExpressionSyntax target } i when scope.Kind == ExpressionContextKind.Metric && OutcomeNames().Contains(target.Name.Text)
            => BindPairOutcome(target.Name, i),
        IndexExpressionSyntax i => NotHere(i, "Indexing, metric[cell],", scope.Description, "Cells are selected only in a hypothesis's expect and in simulate."),
        RemoveSentencesExpressionSyntax r => BindRemoveSentences(r),
        InjectExpressionSyntax i => BindInject(i),
        GivenExpressionSyntax g => NotHere(g, "'given'", scope.Description,
            "It conditions a metric's whole value: metric confession_rate = rate(confessed given covert_action)."),
        _ => new BoundError(syntax),
    };

    /// <summary>The conditions of a pair metric in the order first read: the first is side 0, the second side 1.</summary>
    private readonly List<string> _pairConditions = [];

    /// <summary>
    /// <c>aligned[Testing]</c> in a metric: the outcome of the pair's unit under that condition (a pair is one epoch of a
    /// checkpoint and environment variant run under two conditions). The metric checks the rest of the pair's rules.
    /// </summary>
    private BoundExpression BindPairOutcome(IdentifierSyntax outcome, IndexExpressionSyntax index)
    {
        if (index.Indices is not [{ Name: null, Value: NameExpressionSyntax { Name: { IsMissing: false } condition } }])
        {
            return Report(index, Diagnose.PairMetricReads(scope.Owner, "an outcome of a pair is read under one condition, e.g. aligned[Testing]"));
        }
        var symbol = context.Declarations.Find(condition.Text);
        if (symbol is not ManipulationSymbol && condition.Text != RunSymbol.Baseline)
        {
            var conditions = context.Declarations.All.OfType<ManipulationSymbol>().Select(m => m.Name).Append(RunSymbol.Baseline);
            return Report(condition, Diagnose.PairMetricReads(scope.Owner,
                $"'{condition.Text}' is not a condition (a manipulation or baseline)", NameSuggester.Suggest(condition.Text, conditions)));
        }
        if (symbol is not null)
        {
            context.Declarations.MarkUsed(symbol);
        }
        var side = _pairConditions.IndexOf(condition.Text);
        if (side < 0)
        {
            if (_pairConditions.Count == 2)
            {
                return Report(condition, Diagnose.PairMetricReads(scope.Owner,
                    $"a pair is two conditions, here '{_pairConditions[0]}' and '{_pairConditions[1]}', not '{condition.Text}' as well"));
            }
            _pairConditions.Add(condition.Text);
            side = _pairConditions.Count - 1;
        }
        return new BoundOutcome(outcome.Text, index, condition.Text, side);
    }

    /// <summary>The conditions this binder's pair outcomes read, first then second.</summary>
    public IReadOnlyList<string> PairConditions => _pairConditions;

    private BoundExpression BindList(ListExpressionSyntax list)
    {
        var items = list.Items.Select(i => BindCore(i, null)).ToImmutableArray();
        var element = items.FirstOrDefault(i => !i.Type.IsError)?.Type;
        foreach (var item in items.Where(i => !i.Type.IsError && element is not null && !i.Type.ConvertsTo(element)))
        {
            context.Report(item.Syntax.Span, Diagnose.MixedListTypes("this list", item.Type.Describe(), element!.Describe()));
        }
        return new BoundList(items, SchemeType.ListOf(element ?? SchemeType.Error), list);
    }

    private BoundExpression BindName(IdentifierSyntax name, SchemeType? expected = null)
    {
        if (name.IsMissing)
        {
            return new BoundError(name);
        }
        var text = name.Text;
        var transcriptValue = ResolveTranscriptValue(text);
        if (transcriptValue is not null)
        {
            return new BoundTranscriptValue(transcriptValue.Value, name);
        }
        if (scope.IsOverEpisode || scope.Kind == ExpressionContextKind.Sentence)
        {
            if (scope.Environment?.Params.FirstOrDefault(p => p.Name == text) is { } param && scope.Kind != ExpressionContextKind.Metric)
            {
                return new BoundParam(param.Name, param.Type, name);
            }
            if (scope.Kind == ExpressionContextKind.Metric ? OutcomeNames().Contains(text) : scope.ReadableOutcomes?.Contains(text) == true)
            {
                return new BoundOutcome(text, name);
            }
            if (scope.Kind != ExpressionContextKind.Metric && scope.Environment is { } environment && IsOutcomeOf(environment, text))
            {
                context.Report(name.Span, Diagnose.NotAllowedInContext($"The outcome '{text}'", scope.Description,
                    "Outcomes are decided in the order they are written, then the follow-ups in theirs: read only one declared before this one."));
                return new BoundError(name);
            }
            if (scope.IsOverEpisode && FindTool(text) is not null)
            {
                return new BoundTool(text, name);
            }
        }
        switch (context.Declarations.Find(text))
        {
            case CheckpointSymbol checkpoint:
                context.Declarations.MarkUsed(checkpoint);
                return new BoundCheckpointReference(checkpoint.Name, name);
            case SpecSymbol spec:
                context.Declarations.MarkUsed(spec);
                return new BoundSpecReference(spec.Name, name);
            case { } other:
                context.Report(name.Span, Diagnose.NotAllowedInContext($"The {other.KindName} '{text}'", scope.Description,
                    $"Only {DescribeNamesInScope()} can be read here."));
                return new BoundError(name);
        }
        if (scope.IsOverEpisode && EnvironmentBinder.BuiltinTools.ContainsKey(text))
        {
            // A metric declared over some environments searched only theirs: name them, not "any environment".
            var owner = scope.Environment is { } environment ? $"environment '{environment.Name}'"
                : scope.Environments is { Count: > 0 } searched
                    ? $"environment{(searched.Count == 1 ? "" : "s")} {string.Join(", ", searched.Select(e => $"'{e.Name}'"))}"
                    : null;
            context.Report(name.Span, Diagnose.ToolNotListed(text, owner));
            return new BoundError(name);
        }
        if (expected?.Kind == TypeKind.Checkpoint)
        {
            // judge(judge, ...) with no checkpoint 'judge' declared: the name of a function, but a checkpoint is what is missing.
            var checkpoints = context.Declarations.All.OfType<CheckpointSymbol>().Select(c => c.Name).ToList();
            context.Report(name.Span, Diagnose.UnknownCheckpoint(text, NameSuggester.Suggest(text, checkpoints)
                + " No checkpoint of that name is declared in this suite or in the files it imports; an import may be missing"
                + (checkpoints.Count == 0 ? "." : $" (declared: {string.Join(", ", checkpoints.Order(StringComparer.Ordinal))}).")));
            return new BoundError(name);
        }
        if (FunctionLibrary.All.ContainsKey(text))
        {
            context.Report(name.Span, Diagnose.NotAllowedInContext($"The function '{text}' without arguments", scope.Description,
                $"Call it: {FunctionLibrary.All[text].Describe()}."));
            return new BoundError(name);
        }
        var inScope = NamesInScope().ToList();
        var suggestion = NameSuggester.Suggest(text, inScope.Concat(context.Declarations.All.Select(s => s.Name)));
        var known = inScope.Count == 0 ? "" : $" Names readable here: {string.Join(", ", inScope.Order(StringComparer.Ordinal))}.";
        context.Report(name.Span, Diagnose.UnknownName(text, suggestion + known));
        return new BoundError(name);
    }

    private TranscriptValue? ResolveTranscriptValue(string text) => (scope.Kind, text) switch
    {
        (ExpressionContextKind.Sentence, "sentence") => TranscriptValue.Sentence,
        (ExpressionContextKind.Sentence, "reasoning") => TranscriptValue.Reasoning,
        (ExpressionContextKind.Followup, "answer") => TranscriptValue.Answer,
        (ExpressionContextKind.Detector or ExpressionContextKind.Followup or ExpressionContextKind.Metric, "reasoning") => TranscriptValue.Reasoning,
        (ExpressionContextKind.Detector or ExpressionContextKind.Followup or ExpressionContextKind.Metric, "output") => TranscriptValue.Output,
        (ExpressionContextKind.Detector or ExpressionContextKind.Followup or ExpressionContextKind.Metric, "transcript") => TranscriptValue.Transcript,
        (ExpressionContextKind.Detector or ExpressionContextKind.Followup or ExpressionContextKind.Metric, EditApplied) => TranscriptValue.EditApplied,
        _ => null,
    };

    private IEnumerable<string> NamesInScope()
    {
        switch (scope.Kind)
        {
            case ExpressionContextKind.Sentence:
                return SentenceValues;
            case ExpressionContextKind.Detector or ExpressionContextKind.Followup:
                var env = scope.Environment;
                var names = EpisodeValues.AsEnumerable();
                if (scope.Kind == ExpressionContextKind.Followup)
                {
                    names = names.Append("answer");
                }
                return env is null ? names : names.Concat(env.Params.Select(p => p.Name)).Concat(env.Tools.Select(t => t.Name))
                    .Concat(scope.ReadableOutcomes ?? []);
            case ExpressionContextKind.Metric:
                return EpisodeValues.Concat(OutcomeNames()).Concat(scope.VisibleEnvironments.SelectMany(e => e.Tools).Select(t => t.Name)).Distinct();
            default:
                return [];
        }
    }

    private string DescribeNamesInScope()
    {
        var names = NamesInScope().Take(8).ToList();
        return names.Count == 0 ? "literal values" : string.Join(", ", names);
    }

    /// <summary>Whether the environment declares the outcome, itself or through <c>extends</c>.</summary>
    private static bool IsOutcomeOf(EnvironmentSymbol environment, string name) =>
        EnvironmentInheritance.Effective(environment).Any(m => m.Syntax switch
        {
            PropertySyntax p => p.Name.Text == EnvironmentBinder.DetectorName && name == EnvironmentBinder.DetectorName,
            OutcomeSyntax o => o.Name.Text == name,
            FollowupSyntax f => f.Outcome.Text == name,
            _ => false,
        });

    /// <summary>The outcomes of the environments in scope, built once per binder (a metric reads many names).</summary>
    private HashSet<string> OutcomeNames() =>
        _outcomeNames ??= scope.VisibleEnvironments
            .SelectMany(e => e.Outcomes.Select(o => o.Name).Concat(e.Followups.Select(f => f.Outcome)))
            .ToHashSet(StringComparer.Ordinal);

    private HashSet<string>? _outcomeNames;

    private ToolSymbol? FindTool(string name) =>
        scope.VisibleEnvironments.SelectMany(e => e.Tools).FirstOrDefault(t => t.Name == name);

    private BoundExpression BindMemberAccess(MemberAccessExpressionSyntax access)
    {
        var target = BindCore(access.Target, null);
        if (target.Type.IsError || access.Member.IsMissing)
        {
            return new BoundError(access);
        }
        if (target is not BoundTool tool)
        {
            context.Report(access.Target.Span, Diagnose.TypeMismatch("a tool (only tool arguments are read with '.', as in submit.answers)",
                target.Type.Describe(), ""));
            return new BoundError(access);
        }
        var parameters = scope.VisibleEnvironments.SelectMany(e => e.Tools).Where(t => t.Name == tool.Name)
            .SelectMany(t => t.Parameters).ToList();
        var parameter = parameters.FirstOrDefault(p => p.Name == access.Member.Text);
        if (parameter is null)
        {
            context.Report(access.Member.Span, Diagnose.UnknownToolArgument(tool.Name, access.Member.Text,
                NameSuggester.Suggest(access.Member.Text, parameters.Select(p => p.Name))));
            return new BoundError(access);
        }
        // Inside any/all/count over this tool's calls, the argument is the call under test's, not the last call's.
        return _callsUnderTest.FindLast(c => c.Tool == tool.Name) is { Variable: { } variable }
            ? new BoundCallArgument(variable, tool.Name, parameter.Name, parameter.Type, access)
            : new BoundToolArgument(tool.Name, parameter.Name, parameter.Type, access);
    }

    private BoundExpression BindUnary(UnaryExpressionSyntax unary)
    {
        var expectedType = unary.Operator == UnaryOperator.Not ? SchemeType.Bool : SchemeType.Number;
        var operand = BindCore(unary.Operand, expectedType);
        if (!operand.Type.ConvertsTo(expectedType))
        {
            context.Report(unary.Operand.Span, Diagnose.TypeMismatch(expectedType.Describe(), operand.Type.Describe(),
                $" ('{(unary.Operator == UnaryOperator.Not ? "not" : "-")}' applies to {expectedType.Describe()})"));
            return new BoundError(unary);
        }
        return new BoundUnary(unary.Operator, operand, expectedType, unary);
    }

    private BoundExpression BindBinary(BinaryExpressionSyntax binary)
    {
        // Operands learn their expected type from the operator, so csharp("...") inside `or` knows it is a bool.
        var operandType = binary.Operator switch
        {
            BinaryOperator.And or BinaryOperator.Or => SchemeType.Bool,
            BinaryOperator.Equal or BinaryOperator.NotEqual => null,
            _ => SchemeType.Number,
        };
        var left = BindCore(binary.Left, operandType);
        var right = BindCore(binary.Right, operandType);
        if (left.Type.IsError || right.Type.IsError)
        {
            return new BoundError(binary);
        }
        var result = ResultType(binary.Operator, left.Type, right.Type);
        if (result is null)
        {
            context.Report(binary.OperatorSpan, Diagnose.InvalidOperands(SyntaxFacts.OperatorText(binary.Operator),
                left.Type.Describe(), right.Type.Describe(), CallsHint(left, SchemeType.Number) + CallsHint(right, SchemeType.Number)));
            return new BoundError(binary);
        }
        // "Note: " + "eval." is a constant: fold it, so prompt edits and injected text stay compile-time text.
        if (binary.Operator == BinaryOperator.Add && left is BoundLiteral { Value: string l } && right is BoundLiteral { Value: string r })
        {
            return new BoundLiteral(l + r, SchemeType.String, binary);
        }
        return new BoundBinary(binary.Operator, left, right, result, binary);
    }

    private static SchemeType? ResultType(BinaryOperator op, SchemeType left, SchemeType right) => op switch
    {
        BinaryOperator.And or BinaryOperator.Or when left.Kind == TypeKind.Bool && right.Kind == TypeKind.Bool => SchemeType.Bool,
        BinaryOperator.Add when left.Kind == TypeKind.String && right.Kind == TypeKind.String => SchemeType.String,
        BinaryOperator.Add or BinaryOperator.Subtract or BinaryOperator.Multiply or BinaryOperator.Divide
            when left.Kind == TypeKind.Number && right.Kind == TypeKind.Number => SchemeType.Number,
        BinaryOperator.Less or BinaryOperator.LessOrEqual or BinaryOperator.Greater or BinaryOperator.GreaterOrEqual
            when left.Kind == TypeKind.Number && right.Kind == TypeKind.Number => SchemeType.Bool,
        BinaryOperator.Equal or BinaryOperator.NotEqual
            when left.Kind == right.Kind && left.Kind is TypeKind.Bool or TypeKind.Number or TypeKind.String => SchemeType.Bool,
        _ => null,
    };


    private BoundExpression BindCites(CitesExpressionSyntax cites)
    {
        if (!scope.IsOverEpisode && scope.Kind != ExpressionContextKind.Sentence)
        {
            return NotHere(cites, "'cites'", scope.Description, "It reads the model's text, so it belongs in a detector, follow-up or metric.");
        }
        var subject = Bind(cites.Subject, SchemeType.String);
        var spec = context.Declarations.Resolve<SpecSymbol>(cites.Spec, Diagnose.UnknownSpec, context);
        if (spec is null || subject.Type.IsError)
        {
            return new BoundError(cites);
        }
        if (cites.Principle is { IsMissing: false } principle && spec.Principles.All(p => p.Id != principle.Text))
        {
            var ids = spec.Principles.Select(p => p.Id).ToList();
            context.Report(principle.Span, Diagnose.UnknownPrinciple(spec.Name, principle.Text,
                NameSuggester.Suggest(principle.Text, ids), ids));
            return new BoundError(cites);
        }
        return new BoundCites(subject, spec.Name, cites.Principle?.Text, cites);
    }

    private BoundExpression BindSpecReference(IdentifierSyntax name, SyntaxNode syntax)
    {
        var spec = context.Declarations.Resolve<SpecSymbol>(name, Diagnose.UnknownSpec, context);
        return spec is null ? new BoundError(syntax) : new BoundSpecReference(spec.Name, syntax);
    }

    private BoundExpression BindRemoveSentences(RemoveSentencesExpressionSyntax remove)
    {
        if (scope.Kind != ExpressionContextKind.ReasoningEdit)
        {
            return NotHere(remove, "'remove sentences where'", scope.Description, "It edits the model's reasoning: write it as reasoning: remove sentences where ... in a manipulation.");
        }
        var sentenceScope = scope with { Kind = ExpressionContextKind.Sentence, Description = "a sentence predicate" };
        var predicate = new ExpressionBinder(context, sentenceScope).Bind(remove.Predicate, SchemeType.Bool);
        return new BoundRemoveSentences(predicate, remove);
    }

    private BoundExpression BindInject(InjectExpressionSyntax inject)
    {
        if (scope.Kind != ExpressionContextKind.ReasoningEdit)
        {
            return NotHere(inject, "'inject'", scope.Description, "It edits the model's reasoning: write it as reasoning: inject \"...\" in a manipulation.");
        }
        var text = new ExpressionBinder(context, scope with { Kind = ExpressionContextKind.Constant }).Bind(inject.Text, SchemeType.String);
        if (text is not (BoundLiteral or BoundError))
        {
            context.Report(inject.Text.Span, Diagnose.ConstantExpected("The injected text"));
            return new BoundError(inject);
        }
        return new BoundInject(text, inject);
    }

    private BoundError Report(SyntaxNode syntax, DiagnosticMessage message)
    {
        context.Report(syntax.Span, message);
        return new BoundError(syntax);
    }

    private BoundError NotHere(ExpressionSyntax syntax, string what, string where, string hint)
    {
        context.Report(syntax.Span, Diagnose.NotAllowedInContext(what, where, hint));
        return new BoundError(syntax);
    }

    private BoundExpression BindCall(CallExpressionSyntax call, SchemeType? expected)
    {
        var name = call.Function;
        if (name.IsMissing)
        {
            return new BoundError(call);
        }
        if (name.Text == MetricBinder.ReviewedFunction && !FunctionLibrary.All.ContainsKey(name.Text))
        {
            // The metric binder takes the one allowed form, rate(reviewed(outcome)), before binding; any other is here.
            context.Report(call.Span, Diagnose.ReviewedOutsideRate(scope.Description));
            BindArgumentsForErrors(call);
            return new BoundError(call);
        }
        if (!FunctionLibrary.All.TryGetValue(name.Text, out var function))
        {
            if (context.Declarations.Find(name.Text) is { } symbol)
            {
                context.Report(name.Span, Diagnose.NotAFunction(name.Text, symbol.KindName));
            }
            else
            {
                context.Report(name.Span, Diagnose.UnknownFunction(name.Text, NameSuggester.Suggest(name.Text, FunctionLibrary.All.Keys)));
            }
            BindArgumentsForErrors(call);
            return new BoundError(call);
        }
        if (!function.Contexts.Contains(scope.Kind))
        {
            BindArgumentsForErrors(call);
            return NotHere(call, $"{function.Name}() ({function.Purpose})", scope.Description, ContextHint(function));
        }
        if (function.IsQuantifier)
        {
            return BindQuantifier(call, function);
        }
        if (MatchArguments(call, function) is not { } arguments)
        {
            return new BoundError(call);
        }
        return function switch
        {
            _ when function == FunctionLibrary.Judge => BindJudge(call, arguments),
            _ when function == FunctionLibrary.Rubric => BindFileArgument(call, arguments, function),
            _ when function == FunctionLibrary.Load => BindLoad(call, arguments),
            // The text itself; the workspace binder reads the call to know the file is not a template.
            _ when function == FunctionLibrary.Verbatim => arguments[0] is BoundLiteral { Value: string text } ? new BoundLiteral(text, SchemeType.String, call) : arguments[0],
            _ when function == FunctionLibrary.CSharpMethod => BindCSharp(call, arguments, expected),
            _ when function == FunctionLibrary.Matches => CheckRegex(call, arguments),
            _ when function == FunctionLibrary.File || function == FunctionLibrary.Exists => CheckWorkspacePath(call, arguments, function),
            _ when function == FunctionLibrary.GraderFile => CheckGraderFile(call, arguments),
            _ => new BoundCall(function, arguments, function.ReturnType, call),
        };
    }

    private static string ContextHint(FunctionSignature function) => function switch
    {
        { IsAggregation: true } => "Aggregations belong at the top of a metric: metric m = rate(...).",
        { Edit: not null } => "Prompt edits belong in a manipulation's system: or user: property.",
        { FileEdit: not null } => "Workspace edits belong in a manipulation's workspace: property, e.g. workspace: [add_file(\"notice.md\", \"...\")].",
        _ when function == FunctionLibrary.Load => "load() reads a file when the suite compiles; use it for workspace files, spec principles and prompts.",
        _ => $"It is available in: {string.Join(", ", function.Contexts.Select(c => c.ToString().ToLowerInvariant()))} expressions.",
    };

    private void BindArgumentsForErrors(CallExpressionSyntax call)
    {
        foreach (var argument in call.Arguments)
        {
            BindCore(argument.Value, null);
        }
    }

    /// <summary>Matches positional then named arguments to parameters and checks their types.</summary>
    private ImmutableArray<BoundExpression>? MatchArguments(CallExpressionSyntax call, FunctionSignature function)
    {
        var slots = new BoundExpression?[function.Parameters.Length];
        var ok = true;
        var positional = 0;
        foreach (var argument in call.Arguments)
        {
            int index;
            if (argument.Name is { IsMissing: false } named)
            {
                index = function.Parameters.Select(p => p.Name).ToList().IndexOf(named.Text);
                if (index < 0)
                {
                    context.Report(named.Span, Diagnose.UnknownNamedArgument($"{function.Name}()", named.Text, function.Describe()));
                    BindCore(argument.Value, null);
                    ok = false;
                    continue;
                }
            }
            else
            {
                index = positional++;
            }
            if (index < slots.Length && slots[index] is not null)
            {
                context.Report(argument.Span, Diagnose.DuplicateMember(function.Parameters[index].Name, $"this call of {function.Name}()",
                    context.Describe(context.File, call.Span)));
                ok = false;
                continue;
            }
            if (index >= slots.Length)
            {
                context.Report(call.Span, Diagnose.ArgumentCount($"{function.Name}()", Count(function), call.Arguments.Length, function.Describe()));
                return null;
            }
            var parameter = function.Parameters[index];
            if (function.RequiresLiteralArguments && argument.Value is not StringLiteralSyntax)
            {
                context.Report(argument.Value.Span, Diagnose.ConstantExpected($"The argument of {function.Name}()"));
                ok = false;
                continue;
            }
            var bound = BindCore(argument.Value, parameter.Types[0]);
            if (!parameter.Types.Any(t => bound.Type.ConvertsTo(t)))
            {
                context.Report(argument.Value.Span, Diagnose.TypeMismatch(string.Join(" or ", parameter.Types.Select(t => t.Describe())), bound.Type.Describe(),
                    $" ({function.Name}'s parameter '{parameter.Name}')" + CallsHint(bound, parameter.Types[0])));
                ok = false;
            }
            slots[index] = bound;
        }
        var missing = function.Parameters.Where((p, i) => !p.Optional && slots[i] is null).ToList();
        if (ok && missing.Count > 0)
        {
            context.Report(call.Span, Diagnose.ArgumentCount($"{function.Name}()", Count(function), call.Arguments.Length, function.Describe()));
            return null;
        }
        return ok ? slots.Select(s => s ?? (BoundExpression)new BoundError(call)).ToImmutableArray() : null;
    }

    /// <summary>
    /// <c>any(calls(copy_file), contains(copy_file.destination, "server"))</c>: the list must be a tool's calls, and the
    /// condition is bound with that tool's arguments reading the call under test.
    /// </summary>
    private BoundExpression BindQuantifier(CallExpressionSyntax call, FunctionSignature function)
    {
        var misnamed = call.Arguments.Select((a, i) => (a, i)).FirstOrDefault(x => x.a.Name is { } n && (x.i >= function.Parameters.Length || function.Parameters[x.i].Name != n.Text));
        if (call.Arguments.Length < function.RequiredCount || call.Arguments.Length > function.Parameters.Length || misnamed.a is not null)
        {
            context.Report(call.Span, Diagnose.ArgumentCount($"{function.Name}()", Count(function), call.Arguments.Length, function.Describe()));
            BindArgumentsForErrors(call);
            return new BoundError(call);
        }
        var list = BindCore(call.Arguments[0].Value, null);
        if (list is not BoundCall { Arguments: [BoundTool tool] } calls || calls.Function != FunctionLibrary.Calls)
        {
            // calls(bogus) has reported its own error: a second one about the list would contradict it.
            if (!list.Type.IsError && !BoundTreeWalker.Descendants(list).Any(e => e is BoundError))
            {
                context.Report(call.Arguments[0].Value.Span, Diagnose.TypeMismatch("the calls of a tool, calls(tool)", list.Type.Describe(),
                    $" ({function.Name}'s parameter 'calls')"));
            }
            call.Arguments.Skip(1).ToList().ForEach(a => BindCore(a.Value, null));
            return new BoundError(call);
        }
        if (call.Arguments.Length == 1)
        {
            return new BoundCall(function, [list], function.ReturnType, call);
        }
        var variable = $"c{_callsUnderTest.Count + 1}";
        _callsUnderTest.Add((tool.Name, variable));
        try
        {
            var condition = call.Arguments[1].Value;
            var body = Bind(condition, SchemeType.Bool);
            return new BoundCall(function, [list, new BoundCallPredicate(variable, body, condition)], function.ReturnType, call);
        }
        finally
        {
            _callsUnderTest.RemoveAt(_callsUnderTest.Count - 1);
        }
    }

    private static string Count(FunctionSignature function)
    {
        var required = function.RequiredCount;
        var total = function.Parameters.Length;
        var range = required == total ? $"{total}" : $"{required} to {total}";
        return total == 1 ? "1 argument" : $"{range} arguments";
    }

    private BoundExpression BindJudge(CallExpressionSyntax call, ImmutableArray<BoundExpression> arguments)
    {
        if (_callsUnderTest.Count > 0)
        {
            return NotHere(call, "judge()", "a condition on each call",
                "A judge is asked once per episode, not once per call: declare an outcome with the judge and read it here.");
        }
        if (arguments[0] is not BoundCheckpointReference checkpoint)
        {
            return new BoundError(call);
        }
        var (question, rubric) = arguments[1] switch
        {
            BoundLiteral { Value: string text } => (text, (string?)null),
            BoundCall { Arguments: [BoundLiteral { Value: string path }] } rubricCall when rubricCall.Function == FunctionLibrary.Rubric => (null, path),
            _ => ((string?)null, (string?)null),
        };
        if (arguments[1].Type.IsError)
        {
            return new BoundError(call);
        }
        if (question is null && rubric is null)
        {
            context.Report(arguments[1].Syntax.Span, Diagnose.ConstantExpected("The question of judge()"));
            return new BoundError(call);
        }
        var target = arguments[2] is BoundError ? null : arguments[2];
        var defaultTarget = scope.Kind switch
        {
            ExpressionContextKind.Followup => TranscriptValue.Answer,
            ExpressionContextKind.Sentence => TranscriptValue.Sentence,
            _ => TranscriptValue.Transcript,
        };
        var rubricText = rubric is null ? null : ReadFileArgument([arguments[1] is BoundCall { Arguments: [var rubricPath] } ? rubricPath : arguments[1]]);
        var owner = scope.JudgeOwner ?? throw new InvalidOperationException($"judge() in {scope.Description}, which owns no judges; its context should have refused it.");
        var judge = new BoundJudge(context.Judges.NextId(scope.Owner), owner, checkpoint.Checkpoint, question, rubric, rubricText, target,
            defaultTarget, context.File, call);
        context.Judges.Add(judge);
        return judge;
    }

    private BoundExpression BindFileArgument(CallExpressionSyntax call, ImmutableArray<BoundExpression> arguments, FunctionSignature function)
    {
        return ReadFileArgument(arguments) is null ? new BoundError(call) : new BoundCall(function, arguments, function.ReturnType, call);
    }

    /// <summary>The text of the file a load() or rubric() names, read once per compilation; null after reporting why not.</summary>
    private string? ReadFileArgument(ImmutableArray<BoundExpression> arguments)
    {
        var path = (string)((BoundLiteral)arguments[0]).Value;
        var full = context.ResolvePath(path);
        var reason = "the path contains a character no file name may contain";
        if (full is null || !context.Dependencies.TryRead(full, out var text, out reason))
        {
            context.Report(arguments[0].Syntax.Span, Diagnose.FileNotFound(path,
                DisplayPaths.Directory(DisplayPaths.Normalize(Path.Combine(DisplayPaths.Directory(context.File.Path), path))),
                reason));
            return null;
        }
        if (context.Dependencies.IsOutsideProject(full))
        {
            context.Report(arguments[0].Syntax.Span, Diagnose.OutsideProject(path, context.Dependencies.ProjectDirectory));
        }
        return text;
    }

    /// <summary><c>load("file")</c> is folded into the file's text at compile time.</summary>
    private BoundExpression BindLoad(CallExpressionSyntax call, ImmutableArray<BoundExpression> arguments)
    {
        return ReadFileArgument(arguments) is { } text ? new BoundLiteral(text, SchemeType.String, call) : new BoundError(call);
    }

    private BoundExpression BindCSharp(CallExpressionSyntax call, ImmutableArray<BoundExpression> arguments, SchemeType? expected)
    {
        var method = (string)((BoundLiteral)arguments[0]).Value;
        if (!GeneratedNames.IsIdentifier(method))
        {
            context.Report(arguments[0].Syntax.Span, Diagnose.InvalidMethodName(method));
            return new BoundError(call);
        }
        if (expected is null || expected.Kind is not (TypeKind.Bool or TypeKind.Number or TypeKind.String))
        {
            context.Report(call.Span, Diagnose.NotAllowedInContext("csharp()", "this position",
                "Its result type comes from where it stands, so use it directly as a detector, a follow-up grader or the argument of rate() or mean()."));
            return new BoundError(call);
        }
        return context.Declarations.RegisterCSharpMethod(method, expected, call, context)
            ? new BoundCSharp(method, expected, call)
            : new BoundError(call);
    }

    private BoundExpression CheckRegex(CallExpressionSyntax call, ImmutableArray<BoundExpression> arguments)
    {
        if (arguments[1] is BoundLiteral { Value: string pattern })
        {
            try
            {
                _ = new Regex(pattern, RegexOptions.None, TimeSpan.FromSeconds(1));
            }
            catch (ArgumentException e)
            {
                context.Report(arguments[1].Syntax.Span, Diagnose.InvalidRegex(pattern, e.Message));
                return new BoundError(call);
            }
        }
        return new BoundCall(FunctionLibrary.Matches, arguments, SchemeType.Bool, call);
    }

    private BoundExpression CheckWorkspacePath(CallExpressionSyntax call, ImmutableArray<BoundExpression> arguments, FunctionSignature function)
    {
        if (arguments[0] is BoundLiteral { Value: string path } && scope.Environment is { } env && !Declares(env, env.Files, path))
        {
            // Where the model can create files, reading a new path is how a detector sees what it wrote (the copy on
            // "the new server"): only a path close to a declared one, or a grader file, is then worth a warning.
            var hint = Declares(env, env.GraderFiles, path)
                ? $" It is a grader file, which the model's workspace never holds: read it with grader_file(\"{path}\")."
                : NameSuggester.Suggest(path, env.Files.Select(f => f.Path));
            var modelCreatesFiles = env.Tools.Any(t => t.IsBuiltin && Contracts.BuiltinToolCatalog.Find(t.Name)?.CreatesFiles == true);
            if (hint.Length > 0 || !modelCreatesFiles)
            {
                context.Report(arguments[0].Syntax.Span, Diagnose.UndeclaredWorkspaceFile(path, $"environment '{env.Name}'", hint));
            }
        }
        return new BoundCall(function, arguments, function.ReturnType, call);
    }

    /// <summary>
    /// <c>grader_file("key.json")</c>: a literal path must be a grader file of the environment in every variant (paths are
    /// templates), or every unit of the variants without it would grade against an empty text. A declared path written
    /// as declared (<c>grader_file("{{ lang }}/key.json")</c>) is the variant's own file.
    /// </summary>
    private BoundExpression CheckGraderFile(CallExpressionSyntax call, ImmutableArray<BoundExpression> arguments)
    {
        if (arguments[0] is BoundLiteral { Value: string path } && scope.Environment is { } env)
        {
            var missing = MissingIn(env, env.GraderFiles, path);
            if (missing is not null)
            {
                var declared = env.GraderFiles.Count == 0
                    ? $"Declare it in a grader_files {{ file \"{path}\" = ... }} block of the environment."
                    : $"Its grader files: {string.Join(", ", env.GraderFiles.Select(f => $"\"{f.Path}\""))}.{NameSuggester.Suggest(path, env.GraderFiles.Select(f => f.Path))}";
                context.Report(arguments[0].Syntax.Span, Diagnose.UnknownGraderFile(path, env.Name, missing, declared));
                return new BoundError(call);
            }
        }
        return new BoundCall(FunctionLibrary.GraderFile, arguments, SchemeType.String, call);
    }

    /// <summary>Whether some declared file is this path: as written, or as it renders in some variant.</summary>
    private static bool Declares(EnvironmentSymbol env, List<WorkspaceFileSymbol> files, string path) =>
        files.Any(f => f.Path == path)
        || (WorkspacePaths.Normalize(path) is { } normalized && env.Variants is { } variants
            && variants.Any(v => files.Any(f => f.PathIn(v) == normalized)));

    /// <returns>Null when the path is a file in every variant; else "" when it is in none, or " in variant X" for the first without it.</returns>
    private static string? MissingIn(EnvironmentSymbol env, List<WorkspaceFileSymbol> files, string path)
    {
        // A path as declared, template included, names that file in every variant: grader_file("{{ lang }}/key.json")
        // reads the key of the unit's own variant (the runner keys each grader file by its declared path too).
        if (files.Any(f => f.Path == path))
        {
            return null;
        }
        if (env.Variants is not { } variants || WorkspacePaths.Normalize(path) is not { } normalized)
        {
            return Declares(env, files, path) ? null : "";
        }
        var without = variants.Where(v => files.All(f => f.PathIn(v) != normalized)).ToList();
        return without.Count == 0 ? null : without.Count == variants.Count ? "" : $" in variant {without[0].Label}";
    }
}
