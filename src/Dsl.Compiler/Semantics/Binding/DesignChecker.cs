using Scheme.Compiler.Diagnostics;
using Scheme.Compiler.Semantics.Symbols;
using Scheme.Contracts;

namespace Scheme.Compiler.Semantics.Binding;

/// <summary>
/// Checks that the declared design can answer its questions before money is spent: every compared cell
/// is run, every reasoning manipulation meets checkpoints that support it, and hypotheses have simulated
/// values for power analysis.
/// </summary>
public sealed class DesignChecker(SemanticModel model, Func<Symbol, BinderContext> contextOf)
{
    public void Check()
    {
        CheckCapabilities();
        CheckPairs();
        foreach (var hypothesis in model.Hypotheses)
        {
            CheckHypothesis(hypothesis);
        }
    }

    /// <summary>A pair metric needs a run with both its conditions; its cells span both, so none may name one.</summary>
    private void CheckPairs()
    {
        foreach (var metric in model.Metrics.Where(m => m.PairConditions is [_, _]))
        {
            var (first, second) = (metric.PairConditions![0], metric.PairConditions[1]);
            var together = model.Runs.Any(r => r.Conditions.Any(c => c.Name == first) && r.Conditions.Any(c => c.Name == second));
            if (!together && model.Runs.Count > 0 && !model.Runs.Any(r => r.IncompleteLists.Contains("conditions")))
            {
                contextOf(metric).Report(metric.Declaration.Name.Span, Diagnose.PairNeverRun(metric.Name, first, second));
            }
            foreach (var hypothesis in model.Hypotheses.Where(h => h.Metric == metric.Name))
            {
                foreach (var cell in new[] { hypothesis.Left, hypothesis.Right }.OfType<DesignCell>().Where(c => c.Condition is not null))
                {
                    var span = hypothesis.Declaration.Members.OfType<Syntax.ExpectSyntax>().FirstOrDefault()?.Condition.Span ?? hypothesis.Declaration.Name.Span;
                    contextOf(hypothesis).Report(span, Diagnose.PairCellWithCondition(metric.Name, cell.Condition!, (cell with { Condition = null }).ToString()));
                }
            }
        }
    }

    private void CheckCapabilities()
    {
        var checkpoints = model.Checkpoints.ToDictionary(c => c.Name);
        var manipulations = model.Manipulations.ToDictionary(m => m.Name);
        foreach (var run in model.Runs)
        {
            var context = contextOf(run);
            foreach (var condition in run.Conditions)
            {
                if (!manipulations.TryGetValue(condition.Name, out var manipulation))
                {
                    continue;
                }
                foreach (var entry in run.Checkpoints)
                {
                    if (!checkpoints.TryGetValue(entry.Name, out var checkpoint))
                    {
                        continue;
                    }
                    // A format that did not bind (a misspelt reasoning_format) is its own error; guessing one would only echo it.
                    var format = checkpoint.WritesAnywhere("reasoning_format") && checkpoint.Setting("reasoning_format") is null
                        ? null
                        : ReasoningFormats.Find((string?)checkpoint.Setting("reasoning_format"));
                    if (checkpoint.CapabilitiesIncomplete || manipulation.RequiresIncomplete || format is null)
                    {
                        continue;
                    }
                    // reasoning_prefill is met the checkpoint's way (harmony: raw_completions); what its format needs for
                    // every request is reported at the checkpoint (SCH0425), not again at each pairing.
                    foreach (var missing in manipulation.Requires.Select(format.Meeting).Distinct()
                                 .Where(r => !checkpoint.Capabilities.Contains(r) && !format.Requires.Contains(r)))
                    {
                        context.Report(condition.Syntax.Span, Diagnose.CapabilityMissing(manipulation.Name, missing, checkpoint.Name));
                    }
                }
            }
        }
    }

    /// <summary>
    /// Chooses a hypothesis's test, or checks the one it names, by what it compares: paired cells (the same
    /// checkpoint and environment under two conditions of one run, so the same units and seeds), independent cells
    /// or a cell against a constant, of a rate or a mean. Which tests fit each, and the default, are the catalog's
    /// (<see cref="StatisticalTests"/>).
    /// </summary>
    private void ChooseAndCheckTest(HypothesisSymbol hypothesis, BinderContext context)
    {
        if (hypothesis.Metric is null || model.Metrics.FirstOrDefault(m => m.Name == hypothesis.Metric) is not { } metric)
        {
            return;
        }
        hypothesis.Paired = hypothesis.Right is { } right && hypothesis.Left is { } left && IsPaired(left, right);
        var kind = metric.Aggregation == MetricAggregation.Rate ? MetricKind.Rate : MetricKind.Mean;
        var comparison = hypothesis.Constant is not null ? Comparison.Constant : hypothesis.Paired ? Comparison.Paired : Comparison.Independent;
        var estimand = hypothesis.Estimand;
        if (!CheckEstimand(hypothesis, comparison, kind, metric.Name, context))
        {
            // The estimand's own error says what to change; a test checked against it would only echo it.
            if (hypothesis.TestWritten is null)
            {
                hypothesis.Test = StatisticalTests.DefaultFor(comparison, kind);
            }
            return;
        }
        if (hypothesis.TestWritten is null)
        {
            hypothesis.Test = StatisticalTests.DefaultFor(comparison, kind, estimand);
            return;
        }
        if (StatisticalTests.Find(hypothesis.Test) is not { } test || test.Fits(comparison, kind, estimand))
        {
            return;
        }
        // Why it does not fit: the test's own requirement, against what this hypothesis compares.
        var why = !test.Comparisons.Contains(comparison)
            ? $"it {test.Requirement}, and {Describe(comparison)}."
            : !test.Metrics.Contains(kind)
                ? $"it is a test of {string.Join(" or ", test.Metrics.Select(m => m == MetricKind.Rate ? "rates" : "means"))}, and metric '{metric.Name}' is a {(kind == MetricKind.Rate ? "rate" : "mean")}."
                : $"it tests the {string.Join(" or the ", test.TestsEstimands)}, and this hypothesis estimates the {estimand}.";
        var fitting = StatisticalTests.Fitting(comparison, kind, estimand).ToList();
        var fix = fitting.Count == 0
            ? $"Write estimand: {test.TestsEstimands[0]} to estimate what it tests."
            : $"Use {fitting[0]}" + (fitting.Count > 1 ? $" (or {string.Join(", ", fitting.Skip(1))})." : ".");
        context.Report(hypothesis.TestWritten.Value.Span, Diagnose.TestDoesNotFit(hypothesis.Test, why, fix));
    }

    /// <summary>
    /// A ratio or an average compares two cells of different units; an average over environments needs cells that
    /// span environments (a cell naming one would be that environment's rate under another name).
    /// </summary>
    private static bool CheckEstimand(HypothesisSymbol hypothesis, Comparison comparison, MetricKind kind, string metric, BinderContext context)
    {
        if (hypothesis.EstimandWritten is not { } written || Estimands.Find(hypothesis.Estimand) is not { } estimand)
        {
            return true;
        }
        if (!estimand.Fits(comparison, kind))
        {
            var why = !estimand.Metrics.Contains(kind)
                ? $"it is defined for rates, and metric '{metric}' is a mean."
                : $"it {estimand.Requirement}, and {Describe(comparison)}.";
            context.Report(written.Value.Span, Diagnose.EstimandDoesNotFit(estimand.Name, why));
            return false;
        }
        if (estimand.Name == Estimands.AverageDifference)
        {
            foreach (var cell in new[] { hypothesis.Left, hypothesis.Right }.OfType<DesignCell>().Where(c => c.Environment is not null))
            {
                context.Report(written.Value.Span, Diagnose.AverageOfOneEnvironment($"{metric}{cell}", $"{metric}{cell with { Environment = null }}"));
                return false;
            }
        }
        return true;
    }

    private static string Describe(Comparison comparison) => comparison switch
    {
        Comparison.Constant => "this compares a cell with a constant",
        Comparison.Paired => "these cells are paired (one checkpoint and environment under two conditions of one run)",
        _ => "these cells hold different units",
    };

    private bool IsPaired(DesignCell left, DesignCell right) =>
        left.Checkpoint == right.Checkpoint && left.Environment == right.Environment && left.Params.SequenceEqual(right.Params)
        && left.Condition is not null && right.Condition is not null && left.Condition != right.Condition
        && model.Runs.Any(r => r.Conditions.Any(c => c.Name == left.Condition) && r.Conditions.Any(c => c.Name == right.Condition)
            && (left.Checkpoint is null || r.Checkpoints.Any(c => c.Name == left.Checkpoint))
            && (left.Environment is null || r.Environments.Any(e => e.Name == left.Environment)));

    private void CheckHypothesis(HypothesisSymbol hypothesis)
    {
        var context = contextOf(hypothesis);
        ChooseAndCheckTest(hypothesis, context);
        var span = hypothesis.Declaration.Members.OfType<Syntax.ExpectSyntax>().FirstOrDefault()?.Condition.Span ?? hypothesis.Declaration.Name.Span;
        foreach (var cell in new[] { hypothesis.Left, hypothesis.Right }.OfType<DesignCell>())
        {
            Require(cell.Checkpoint, "Checkpoint", "checkpoints", model.Runs.SelectMany(r => r.Checkpoints), context, span);
            Require(cell.Environment, "Environment", "environments", model.Runs.SelectMany(r => r.Environments), context, span);
            Require(cell.Condition, "Condition", "conditions", model.Runs.SelectMany(r => r.Conditions), context, span);
            RequireVariant(cell, context, span);
        }
        // A reviewed metric has no simulated value (SCH0472): its hypotheses carry SCH0473 instead.
        if (hypothesis.Metric is null || model.Simulation.Count == 0 || model.SimulationIncomplete
            || model.Metrics.Any(m => m.Name == hypothesis.Metric && m.Reviewed is not null))
        {
            return;
        }
        foreach (var cell in new[] { hypothesis.Left, hypothesis.Right }.OfType<DesignCell>())
        {
            var covered = model.Simulation.Any(v => v.Metric == hypothesis.Metric && Covers(v.Cell, cell));
            if (!covered)
            {
                context.Report(span, Diagnose.NoSimulatedValue(hypothesis.Name, $"{hypothesis.Metric}{cell}"));
            }
        }
    }

    private void Require(string? name, string kind, string list, IEnumerable<RunEntry> entries, BinderContext context, Text.TextSpan span)
    {
        // A run with a misspelt entry may well have meant this one; its own error says enough.
        if (model.Runs.Any(r => r.IncompleteLists.Contains(list)))
        {
            return;
        }
        if (name is not null && !entries.Any(e => e.Name == name))
        {
            context.Report(span, Diagnose.AbsentFromRuns(kind, name, list));
        }
    }

    /// <summary>A cell that selects param values must meet a run environment that has them.</summary>
    private void RequireVariant(DesignCell cell, BinderContext context, Text.TextSpan span)
    {
        if (cell.Params.IsEmpty || model.Runs.Any(r => r.IncompleteLists.Contains("environments")))
        {
            return;
        }
        var run = model.Runs.SelectMany(r => r.Environments).Select(e => e.Name).ToHashSet();
        var variantIsRun = model.Environments
            .Where(e => run.Contains(e.Name) && (cell.Environment is null || e.Name == cell.Environment))
            .Any(e => cell.Params.All(p => e.Params.Any(q => q.Name == p.Name && q.Values.Contains(p.Value))));
        if (!variantIsRun)
        {
            context.Report(span, Diagnose.AbsentFromRuns("Variant", string.Join(", ", cell.Params), "environments (an environment with those param values)"));
        }
    }

    /// <summary>A simulated value applies to a cell when every factor and param it names agrees with the cell.</summary>
    private static bool Covers(DesignCell value, DesignCell cell) =>
        Agrees(value.Checkpoint, cell.Checkpoint) && Agrees(value.Environment, cell.Environment) && Agrees(value.Condition, cell.Condition)
        && value.Params.All(p => !cell.Params.Any(c => c.Name == p.Name) || cell.Params.Contains(p));

    private static bool Agrees(string? valueFactor, string? cellFactor) => valueFactor is null || cellFactor is null || valueFactor == cellFactor;
}
