namespace Scheme.Compiler.Diagnostics;

/// <summary>SCH018x and SCH045x: distributions of simulated mean metrics, and the correction of a family of hypotheses.</summary>
public static partial class Diagnose
{
    /// <param name="known">The distributions, as written: "normal(mean, sd)".</param>
    public static DiagnosticMessage UnknownDistribution(string name, string suggestion, IEnumerable<string> known) =>
        Make(DiagnosticCatalog.UnknownDistribution,
            $"'{name}' is not a distribution a simulate block knows.{suggestion} A simulated value is a number or one of {List(known)}.");

    /// <param name="signature">"normal(mean, sd)".</param>
    /// <param name="what">What is wrong: "2 numbers are needed, 3 were given" or "'sigma' is not a parameter".</param>
    public static DiagnosticMessage DistributionArguments(string signature, string what) =>
        Make(DiagnosticCatalog.DistributionArguments, $"{signature}: {what}. Write its parameters in order, as numbers, e.g. normal(1.5, 0.5).");

    /// <param name="cell">"reads[o3]".</param>
    /// <param name="why">"its sd is 0, but it must be above 0".</param>
    public static DiagnosticMessage DistributionParameterInvalid(string cell, string why) =>
        Make(DiagnosticCatalog.DistributionParameterInvalid, $"The distribution of {cell} is not defined: {why}.");

    /// <param name="metric">The rate metric.</param>
    /// <param name="distribution">The distribution's name as written.</param>
    public static DiagnosticMessage DistributionForRate(string metric, string distribution) =>
        Make(DiagnosticCatalog.DistributionForRate,
            $"{metric} is a rate: its simulated value is the probability that a unit counts, a number such as 13%. " +
            $"A distribution ({distribution}) gives the per-unit values of a mean metric.");

    /// <param name="family">The family's name.</param>
    /// <param name="hypothesis">The hypothesis whose correction differs.</param>
    /// <param name="correction">Its correction (declared, or the default).</param>
    /// <param name="first">The hypothesis that set the family's correction first.</param>
    /// <param name="firstCorrection">That correction.</param>
    /// <param name="where">Where the first one is, "suite.scheme(12,3)".</param>
    public static DiagnosticMessage FamilyCorrectionsDiffer(string family, string hypothesis, string correction, string first, string firstCorrection, string where) =>
        Make(DiagnosticCatalog.FamilyCorrectionsDiffer,
            $"Hypothesis {hypothesis} corrects family '{family}' with {correction}, but {first} ({where}) corrects it with {firstCorrection}. " +
            $"A family's p-values are corrected together, by one method: give every hypothesis of '{family}' the same correction.");
}
