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

    private void CheckHypothesis(HypothesisSymbol hypothesis)
    {
        var context = contextOf(hypothesis);
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
