using Scheme.Compiler.Semantics;
using Scheme.Compiler.Semantics.Expressions;
using Scheme.Compiler.Semantics.Symbols;

namespace Scheme.Compiler.Emit;

/// <summary>
/// What each declaration's template (Templates/&lt;Kind&gt;.scriban) is given: the symbol's values, raw, for the
/// template's cs.* functions to spell, and each compiled expression as its lambda with the #line directive that
/// points at its .scheme text. Which values; never how they are laid out.
/// </summary>
internal static class DefinitionModels
{
    public static object Spec(SpecSymbol spec, LineMap lines) => new
    {
        name = spec.Name,
        principles = spec.Principles.Select(p => new { id = p.Id, text = p.Text }).ToList(),
    };

    public static object Checkpoint(CheckpointSymbol checkpoint, LineMap lines) => new
    {
        name = checkpoint.Name,
        provider = (string?)checkpoint.Setting("provider") ?? "simulated",
        model = (string?)checkpoint.Setting("model"),
        extends = checkpoint.Base?.Name,
        base_url = (string?)checkpoint.Setting("base_url"),
        reasoning_effort = (string?)checkpoint.Setting("reasoning_effort"),
        temperature = (double?)checkpoint.Setting("temperature"),
        top_p = (double?)checkpoint.Setting("top_p"),
        max_tokens = (int?)checkpoint.Setting("max_tokens"),
        seed = (long?)checkpoint.Setting("seed"),
        capabilities = checkpoint.Capabilities.ToList(),
        api_key_env = (string?)checkpoint.Setting("api_key_env"),
        reasoning_format = (string?)checkpoint.Setting("reasoning_format"),
    };

    public static object Environment(EnvironmentSymbol environment, LineMap lines) => new
    {
        name = environment.Name,
        category = environment.Category,
        @params = environment.Params.Select(p => new { name = p.Name, values = p.Values.ToList() }).ToList(),
        // In a sandbox the workspace's bin/ folder is first on PATH, so its files are the executable ones (shims such as scp).
        files = environment.Files.Select(f => new { path = f.Path, content = f.Content, verbatim = f.Verbatim,
            executable = Contracts.SandboxKinds.IsExecutablePath(f.Path) }).ToList(),
        grader_files = environment.GraderFiles.Select(f => new { path = f.Path, content = f.Content, verbatim = f.Verbatim }).ToList(),
        system = environment.System?.Template,
        user = environment.User?.Template ?? "",
        tools = environment.Tools.Select(t => new
        {
            name = t.Name,
            is_builtin = t.IsBuiltin,
            parameters = t.Parameters.Select(p => new { name = p.Name, kind = ValueKind(p.Type), description = p.Description }).ToList(),
            // A built-in tool is emitted whole, from the catalog the engine implements: nothing is filled in at run time.
            description = t.Description ?? (t.IsBuiltin ? Scheme.Contracts.BuiltinToolCatalog.Find(t.Name)?.Description : null),
            method = GeneratedNames.ToolMethod(t.Name),
        }).ToList(),
        max_turns = environment.MaxTurns,
        outcomes = environment.Outcomes.Select(o => new
        {
            name = o.Name,
            line_directive = lines.For(o.File).Directive(o.Predicate.Syntax),
            lambda = ExpressionEmitter.Lambda(o.Predicate),
        }).ToList(),
        followups = environment.Followups.Select(f => new
        {
            question = f.Question,
            outcome = f.Outcome,
            line_directive = lines.For(f.File).Directive(f.Grader.Syntax),
            lambda = ExpressionEmitter.Lambda(f.Grader),
            when = f.When is { } when ? new { line_directive = lines.For(f.File).Directive(when.Syntax), lambda = ExpressionEmitter.Lambda(when) } : null,
        }).ToList(),
        limits = environment.Limits is { } limits ? Limits(limits) : null,
        sandbox = environment.Sandbox,
        home = environment.Home,
        mounts = environment.Mounts.ToList(),
    };

    /// <summary>Only the limits the block sets; the others stay null and take the runtime's defaults.</summary>
    private static List<object> Limits(LimitsSymbol limits) =>
        new (string Name, long? Value, bool IsInt)[]
        {
            ("MaxFileBytes", limits.MaxFileBytes, false),
            ("MaxWorkspaceBytes", limits.MaxWorkspaceBytes, false),
            ("MaxToolCallsPerTurn", limits.MaxToolCallsPerTurn, true),
            ("MaxResponseBytes", limits.MaxResponseBytes, false),
            ("MaxTranscriptBytes", limits.MaxTranscriptBytes, false),
            ("MaxCommandSeconds", limits.MaxCommandSeconds, true),
            ("MaxCommandMemoryBytes", limits.MaxCommandMemoryBytes, false),
            ("MaxCommandProcesses", limits.MaxCommandProcesses, true),
            ("MaxCommandOutputBytes", limits.MaxCommandOutputBytes, false),
        }.Where(l => l.Value is not null).Select(l => (object)new { name = l.Name, value = l.Value!.Value, is_int = l.IsInt }).ToList();

    private static string ValueKind(SchemeType type) => type.Kind switch
    {
        TypeKind.Number => "Number",
        TypeKind.Bool => "Bool",
        TypeKind.List => "List",
        _ => "String",
    };

    public static object Manipulation(ManipulationSymbol manipulation, LineMap lines) => new
    {
        name = manipulation.Name,
        system = manipulation.SystemEdits.Select(PromptEdit).ToList(),
        user = manipulation.UserEdits.Select(PromptEdit).ToList(),
        remove_sentences = manipulation.ReasoningEdit is BoundRemoveSentences r
            ? new { line_directive = lines.Directive(r.Predicate.Syntax), lambda = ExpressionEmitter.Lambda(r.Predicate) }
            : null,
        inject = manipulation.ReasoningEdit switch
        {
            BoundInject { Text: BoundLiteral { Value: string text } } => text,
            null or BoundRemoveSentences => null,
            var other => throw new InvalidOperationException($"Reasoning edit {other.GetType().Name} has no constant form; the binder should have rejected it."),
        },
        then = manipulation.Then,
        requires = manipulation.Requires.ToList(),
        workspace = manipulation.FileEdits.Select(e => new
        {
            kind = e.Function.FileEdit.ToString(),
            path = (string)((BoundLiteral)e.Arguments[0]).Value,
            content = e.Arguments.Length > 1 ? (string)((BoundLiteral)e.Arguments[1]).Value : null,
        }).ToList(),
    };

    /// <summary>A prompt edit: which edit, whether its operand names a spec, and its constant text.</summary>
    private static object PromptEdit(BoundExpression edit)
    {
        var call = (BoundCall)edit;
        var first = call.Arguments[0];
        return new
        {
            kind = (call.Function.Edit ?? throw new InvalidOperationException($"{call.Function.Name}() is not a prompt edit.")).ToString(),
            spec = first is BoundSpecReference s ? s.Spec : null,
            text = first switch
            {
                BoundSpecReference => null,
                BoundLiteral { Value: string text } => text,
                _ => throw new InvalidOperationException("A prompt edit's text must be constant; the binder should have rejected it."),
            },
            replacement = call.Function.Edit is not PromptEditKind.Replace ? null
                : call.Arguments[1] is BoundLiteral { Value: string r } ? r : throw new InvalidOperationException("replace() needs constant text."),
        };
    }

    public static object Metric(MetricSymbol metric, LineMap lines)
    {
        var perUnit = metric.PerUnit ?? throw new InvalidOperationException($"Metric {metric.Name} has no per-unit value; the binder should have reported why.");
        var read = new[] { perUnit, metric.Condition }.OfType<BoundExpression>().SelectMany(BoundTreeWalker.Descendants);
        return new
        {
            name = metric.Name,
            aggregation = metric.Aggregation.ToString(),
            line_directive = lines.Directive(perUnit.Syntax),
            // A pair metric has no value per unit: analysis computes it per pair with the pair lambda below.
            lambda = metric.PairConditions is null ? ExpressionEmitter.NumericLambda(perUnit) : "static _ => double.NaN",
            pair = metric.PairConditions is [var first, var second]
                ? new
                {
                    first,
                    second,
                    first_outcomes = PairOutcomes(perUnit, 0),
                    second_outcomes = PairOutcomes(perUnit, 1),
                    lambda = ExpressionEmitter.PairLambda(perUnit),
                }
                : null,
            required_outcomes = read.OfType<BoundOutcome>().Select(o => o.Name).Distinct().Order(StringComparer.Ordinal).ToList(),
            // rate(outcome) and nothing else: an analysis may read the unit's outcome where the metric's value is not stored.
            plain_outcome = metric.Aggregation == MetricAggregation.Rate && perUnit is BoundOutcome plain && metric.Condition is null && metric.Reviewed is null
                ? plain.Name : null,
            // rate(reviewed(outcome)): the per-unit value above is the detector's (it marks the units eligible for review);
            // analysis replaces it with the reviewers' decision read from the run's review labels.
            reviewed = metric.Reviewed,
            condition = metric.Condition is { } condition
                ? new { line_directive = lines.Directive(condition.Syntax), lambda = ExpressionEmitter.Lambda(condition) }
                : null,
            applies_to = metric.AppliesTo.Select(e => e.Name).ToList(),
            counted_when = metric.CountedWhen,
        };
    }

    private static List<string> PairOutcomes(BoundExpression rule, int side) =>
        BoundTreeWalker.Descendants(rule).OfType<BoundOutcome>().Where(o => o.Side == side && o.Condition is not null)
            .Select(o => o.Name).Distinct().Order(StringComparer.Ordinal).ToList();

    public static object Run(RunSymbol run, LineMap lines) => new
    {
        name = run.Name,
        checkpoints = run.Checkpoints.Select(e => e.Name).ToList(),
        environments = run.Environments.Select(e => e.Name).ToList(),
        conditions = run.Conditions.Select(e => e.Name).ToList(),
        epochs = run.Epochs,
    };

    public static object Hypothesis(HypothesisSymbol hypothesis, LineMap lines) => new
    {
        name = hypothesis.Name,
        title = hypothesis.Title,
        metric = hypothesis.Metric ?? "",
        left = hypothesis.Left ?? new DesignCell(null, null, null),
        direction = hypothesis.Direction.ToString(),
        right = hypothesis.Right,
        constant = hypothesis.Constant,
        test = hypothesis.Test,
        alpha = hypothesis.Alpha,
        family = hypothesis.Family,
        correction = hypothesis.Correction,
        paired = hypothesis.Paired,
        depends_on = hypothesis.Dependencies.ToList(),
        // Only when written: a difference (the default) leaves the generated code of older suites as it was.
        estimand = hypothesis.Estimand == Scheme.Contracts.Estimands.Default ? null : hypothesis.Estimand,
    };
}
