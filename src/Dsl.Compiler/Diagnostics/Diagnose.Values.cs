
namespace Scheme.Compiler.Diagnostics;

/// <summary>SCH03xx: values out of range.</summary>
public static partial class Diagnose
{
    public static DiagnosticMessage AlphaOutOfRange(double alpha) =>
        Make(DiagnosticCatalog.AlphaOutOfRange,
            $"alpha is {alpha}, but a significance level must lie strictly between 0 and 1 (e.g. 0.05 or 0.01).");

    public static DiagnosticMessage EpochsNotPositive(string property, long value) =>
        Make(DiagnosticCatalog.EpochsNotPositive,
            $"{property} is {value}, but every cell needs at least one sample. Use a whole number of 1 or more.");

    public static DiagnosticMessage TemperatureOutOfRange(string property, double value) =>
        Make(DiagnosticCatalog.TemperatureOutOfRange, $"{property} is {value}, outside the range 0 to 2 that OpenAI-compatible APIs accept.");

    /// <param name="what">The setting or simulated cell, e.g. "top_p" or "covert_rate[o3]".</param>
    /// <param name="value">The value as written, e.g. "130%".</param>
    public static DiagnosticMessage ProbabilityOutOfRange(string what, string value) =>
        Make(DiagnosticCatalog.ProbabilityOutOfRange, $"{what} is {value}, but it is a probability, between 0 and 1 (or 0% to 100%).");

    public static DiagnosticMessage NotPositive(string property, long value) =>
        Make(DiagnosticCatalog.NotPositive, $"{property} is {value}, but it must be at least 1.");

    public static DiagnosticMessage IntegerExpected(string property, double value) =>
        Make(DiagnosticCatalog.IntegerExpected, $"{property} is {value}, but it must be a whole number.");

    /// <param name="what">The number as written, or the property it sets.</param>
    /// <param name="largest">The largest value allowed, as the message shows it.</param>
    public static DiagnosticMessage NumberOutOfRange(string what, string largest) =>
        Make(DiagnosticCatalog.NumberOutOfRange, $"{what} is too large: the largest value allowed here is {largest}.");
}
