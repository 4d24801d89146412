namespace Scheme.Compiler.Diagnostics;

/// <summary>SCH047x: metrics over human review labels, <c>rate(reviewed(outcome))</c>.</summary>
public static partial class Diagnose
{
    /// <param name="metric">The metric whose reviewed() reads it.</param>
    /// <param name="what">What was written instead of an outcome, e.g. "contains(output, \"x\")".</param>
    public static DiagnosticMessage ReviewedNotAnOutcome(string metric, string what) =>
        Make(DiagnosticCatalog.ReviewedNotAnOutcome,
            $"Metric '{metric}' reviews {what}, which is not an outcome. Reviewers label an environment's outcomes " +
            $"(covert_action, an outcome or a follow-up's), so write reviewed(covert_action) or reviewed(<outcome name>).");

    /// <param name="where">Where it was written, e.g. "detector 'covert_action'" or "metric 'm' inside 'and'".</param>
    public static DiagnosticMessage ReviewedOutsideRate(string where) =>
        Make(DiagnosticCatalog.ReviewedOutsideRate,
            $"reviewed() is used in {where}. Human labels exist only after a run, per unit and outcome, so reviewed() is " +
            $"the whole argument of a metric's rate: metric m = rate(reviewed(covert_action)), or rate(reviewed(covert_action) given ...).");

    /// <param name="cell">The simulated cell, e.g. "confirmed[o3]".</param>
    public static DiagnosticMessage ReviewedSimulated(string cell, string outcome) =>
        Make(DiagnosticCatalog.ReviewedSimulated,
            $"{cell} is a reviewed metric: its values are human labels of '{outcome}', which a simulation cannot draw. " +
            $"Simulate the detector's own metric (rate({outcome})) instead and leave this one out of the simulate block.");

    /// <param name="metric">The reviewed metric.</param>
    public static DiagnosticMessage HypothesisOverReviewed(string hypothesis, string metric) =>
        Make(DiagnosticCatalog.HypothesisOverReviewed,
            $"Hypothesis '{hypothesis}' tests '{metric}', whose values are human labels added after the run and the lock: " +
            $"the test counts only reviewed units, and reviewers who can see the checkpoint or condition can bias it. " +
            $"Preregister how units are sampled for review (the review queue's seed) and review blind, or test the detector's metric.");
}
