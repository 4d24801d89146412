using Scheme.Compiler.Diagnostics;
using Scheme.Compiler.Semantics.Expressions;
using Scheme.Compiler.Semantics.Symbols;
using Scheme.Compiler.Syntax;
using Scheme.Contracts;

namespace Scheme.Compiler.Semantics.Binding;

/// <summary>
/// Warns where a grader reads what its units cannot have: <c>reasoning</c> over a checkpoint that does not return it
/// (SCH0625: the text is empty there, and a judge of it answers about nothing), and <c>edit_applied</c> where no run puts
/// the units under a reasoning edit (SCH0626: false in every unit). A grader is a detector, a follow-up grader (with
/// the judges in them, whose <c>on:</c> targets are part of the expression) or a metric; it grades the units of its
/// environment, and a metric those of every environment that has the outcomes it reads.
/// </summary>
public sealed class ReasoningReadsChecker(SemanticModel model, Func<Symbol, BinderContext> contextOf)
{
    public void Check()
    {
        foreach (var environment in model.Environments)
        {
            var context = contextOf(environment);
            foreach (var outcome in environment.Outcomes)
            {
                Check($"The {outcome.Name} detector of {environment.Name}", outcome.Predicate, [environment], context);
            }
            foreach (var followup in environment.Followups)
            {
                Check($"The follow-up '{followup.Outcome}' of {environment.Name}", followup.Grader, [environment], context);
            }
        }
        foreach (var metric in model.Metrics)
        {
            if (metric.PerUnit is { } perUnit)
            {
                Check($"Metric '{metric.Name}'", perUnit, metric.AppliesTo, contextOf(metric));
            }
        }
    }

    private void Check(string reader, BoundExpression expression, IReadOnlyList<EnvironmentSymbol> environments, BinderContext context)
    {
        var values = BoundTreeWalker.Descendants(expression).OfType<BoundTranscriptValue>().OrderBy(v => v.Syntax.Span.Start).ToList();
        var names = environments.Select(e => e.Name).ToHashSet(StringComparer.Ordinal);
        var runs = model.Runs.Where(r => r.Environments.Any(e => names.Contains(e.Name))).ToList();
        if (values.FirstOrDefault(v => v.Value == TranscriptValue.Reasoning) is { } reasoning)
        {
            foreach (var run in runs)
            {
                var lacking = run.Checkpoints.Select(c => Checkpoint(c.Name)).OfType<CheckpointSymbol>()
                    .Where(c => !ReturnsReasoning(c)).Select(c => c.Name).Distinct().ToList();
                if (lacking.Count > 0)
                {
                    context.Report(reasoning.Syntax.Span, Diagnose.ReasoningNotExposed(reader, run.Name, lacking));
                }
            }
        }
        // A run with a condition that did not resolve may well have meant a reasoning edit; its own error says enough.
        if (values.FirstOrDefault(v => v.Value == TranscriptValue.EditApplied) is { } applied
            && !runs.Any(r => r.IncompleteLists.Contains("conditions") || r.Conditions.Any(c => EditsReasoning(c.Name))))
        {
            context.Report(applied.Syntax.Span, Diagnose.EditAppliedWithoutReasoningEdit(reader));
        }
    }

    private CheckpointSymbol? Checkpoint(string name) => model.Checkpoints.FirstOrDefault(c => c.Name == name);

    /// <summary>
    /// Whether a run's units on this checkpoint have reasoning to read: it declares capability reasoning, or its format is
    /// one the runtime reads the reasoning out of itself (harmony's analysis channel). A simulated checkpoint has no
    /// transcripts, and a checkpoint whose capabilities did not bind is not guessed at.
    /// </summary>
    private static bool ReturnsReasoning(CheckpointSymbol checkpoint) =>
        checkpoint.Capabilities.Contains(Capabilities.Reasoning)
        || ReasoningFormats.Find((string?)checkpoint.Setting("reasoning_format")) is { ExposesReasoning: true }
        || (string?)checkpoint.Setting("provider") is null or ProviderKinds.Simulated
        || checkpoint.CapabilitiesIncomplete;

    /// <summary>Whether a condition's manipulation edits the reasoning, as written (an edit that failed to bind still counts).</summary>
    private bool EditsReasoning(string condition) =>
        model.Manipulations.FirstOrDefault(m => m.Name == condition) is { } manipulation
        && manipulation.Declaration.Members.OfType<PropertySyntax>().Any(p => p.Name.Text == "reasoning");
}
