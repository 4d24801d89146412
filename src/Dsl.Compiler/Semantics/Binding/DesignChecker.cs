using Scheme.Compiler.Diagnostics;
using Scheme.Compiler.Semantics.Symbols;

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
        foreach (var hypothesis in model.Hypotheses)
        {
            CheckHypothesis(hypothesis);
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
                    if (checkpoint.CapabilitiesIncomplete || manipulation.RequiresIncomplete)
                    {
                        continue;
                    }
                    foreach (var missing in manipulation.Requires.Where(r => !checkpoint.Capabilities.Contains(r)))
                    {
                        context.Report(DiagnosticCatalog.CapabilityMissing, condition.Syntax.Span, manipulation.Name, missing, checkpoint.Name);
                    }
                }
            }
        }
    }

    /// <summary>
    /// Which tests fit which comparison. Paired cells (the same checkpoint and environment under two conditions
    /// of one run, so the same units and seeds) call for McNemar; independent cells for Fisher or Newcombe;
    /// a cell against a constant for the binomial test. Rate tests need a rate metric; the resampling tests
    /// (permutation, cluster bootstrap) fit means too.
    /// </summary>
    private void ChooseAndCheckTest(HypothesisSymbol hypothesis, BinderContext context)
    {
        if (hypothesis.Metric is null || model.Metrics.FirstOrDefault(m => m.Name == hypothesis.Metric) is not { } metric)
        {
            return;
        }
        hypothesis.Paired = hypothesis.Right is { } right && hypothesis.Left is { } left && IsPaired(left, right);
        var isRate = metric.Aggregation == MetricAggregation.Rate;
        var comparison = hypothesis.Constant is not null ? "constant" : hypothesis.Paired ? "paired" : "independent";
        if (hypothesis.TestWritten is null)
        {
            hypothesis.Test = (comparison, isRate) switch
            {
                ("constant", true) => "binomial",
                ("paired", true) => "mcnemar",
                ("independent", true) => "fisher_exact",
                _ => "permutation",
            };
            return;
        }
        (string Why, string Fix)? problem = (hypothesis.Test, comparison, isRate) switch
        {
            ("binomial", "constant", true) => ((string, string)?)null,
            ("binomial", _, _) when comparison != "constant" => ("it compares a rate with a constant, and this compares two cells.", "Use fisher_exact, or mcnemar for paired conditions."),
            ("mcnemar", "paired", true) => null,
            ("mcnemar", _, _) when comparison != "paired" => ("it needs paired cells (one checkpoint and environment under two conditions of one run), and these cells hold different units.", "Use fisher_exact or newcombe for independent cells."),
            ("fisher_exact" or "newcombe", "independent" or "paired", true) => null,
            ("fisher_exact" or "newcombe", "constant", _) => ("it compares two cells, and this compares a cell with a constant.", "Use binomial."),
            ("permutation" or "cluster_bootstrap", "independent" or "paired", _) => null,
            ("permutation" or "cluster_bootstrap", "constant", _) => ("it compares two groups of units, and this compares a cell with a constant.", "Use binomial for a rate."),
            (_, _, false) => ($"it is a test of rates, and metric '{metric.Name}' is a mean.", "Use permutation or cluster_bootstrap."),
            _ => null,
        };
        if (problem is { } p)
        {
            context.Report(DiagnosticCatalog.TestDoesNotFit, hypothesis.TestWritten.Value.Span, hypothesis.Test, p.Why, p.Fix);
        }
    }

    private bool IsPaired(DesignCell left, DesignCell right) =>
        left.Checkpoint == right.Checkpoint && left.Environment == right.Environment
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
        }
        if (hypothesis.Metric is null || model.Simulation.Count == 0 || model.SimulationIncomplete)
        {
            return;
        }
        foreach (var cell in new[] { hypothesis.Left, hypothesis.Right }.OfType<DesignCell>())
        {
            var covered = model.Simulation.Any(v => v.Metric == hypothesis.Metric && Covers(v.Cell, cell));
            if (!covered)
            {
                context.Report(DiagnosticCatalog.NoSimulatedValue, span, hypothesis.Name, $"{hypothesis.Metric}{cell}");
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
            context.Report(DiagnosticCatalog.AbsentFromRuns, span, kind, name, list);
        }
    }

    /// <summary>A simulated value applies to a cell when every factor it names agrees with the cell.</summary>
    private static bool Covers(DesignCell value, DesignCell cell) =>
        Agrees(value.Checkpoint, cell.Checkpoint) && Agrees(value.Environment, cell.Environment) && Agrees(value.Condition, cell.Condition);

    private static bool Agrees(string? valueFactor, string? cellFactor) => valueFactor is null || cellFactor is null || valueFactor == cellFactor;
}
