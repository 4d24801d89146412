namespace Scheme.Compiler.Diagnostics;

/// <summary>SCH017x: what a hypothesis estimates (<c>estimand:</c>).</summary>
public static partial class Diagnose
{
    public static DiagnosticMessage UnknownEstimand(string name, IEnumerable<string> known, string suggestion) =>
        Make(DiagnosticCatalog.UnknownEstimand,
            $"Unknown estimand '{name}'. Known estimands: {List(known)}.{suggestion}");

    /// <param name="why">What the estimand needs against what the hypothesis compares.</param>
    public static DiagnosticMessage EstimandDoesNotFit(string estimand, string why) =>
        Make(DiagnosticCatalog.EstimandDoesNotFit,
            $"estimand {estimand} cannot be estimated here: {why} Leave estimand: out for the difference.");

    /// <param name="cell">The cell as written, e.g. "covert_rate[o3, Oversight]".</param>
    public static DiagnosticMessage AverageOfOneEnvironment(string cell, string without) =>
        Make(DiagnosticCatalog.AverageOfOneEnvironment,
            $"estimand average_difference averages over environments, and {cell} names one, so its average is that environment's rate. Compare {without}, or leave estimand: out.");
}
