
namespace Scheme.Compiler.Diagnostics;

/// <summary>SCH03xx: values out of range or malformed.</summary>
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

    public static DiagnosticMessage InvalidBaseUrl(string url) =>
        Make(DiagnosticCatalog.InvalidBaseUrl,
            $"'{url}' is not a valid value for 'base_url'. Valid values: an absolute http:// or https:// URL such as \"http://localhost:8000/v1\".");

    /// <param name="value">What api_key_env holds. It may be the key itself, so a value longer than 12 characters is shown
    /// by its first 4 only.</param>
    public static DiagnosticMessage InvalidApiKeyVariable(string value)
    {
        var shown = value.Length > 12 ? value[..4] + "..." : value;
        return Make(DiagnosticCatalog.InvalidApiKeyVariable,
            $"'{shown}' is not a valid value for 'api_key_env'. Valid values: the NAME of an environment variable, e.g. \"OPENAI_API_KEY\" (never the key itself).");
    }

    public static DiagnosticMessage InvalidWorkspacePath(string path) =>
        Make(DiagnosticCatalog.InvalidWorkspacePath,
            $"'{path}' is not a valid value for a workspace path. Valid values: a relative path inside the workspace, such as \"config/oversight.yaml\".");

    /// <param name="method">The text given to csharp().</param>
    public static DiagnosticMessage InvalidMethodName(string method) =>
        Make(DiagnosticCatalog.InvalidMethodName,
            $"'{method}' is not a valid value for the method name of csharp(). Valid values: a C# method name such as SabotageDetected.");

    /// <param name="efforts">The efforts the format can express.</param>
    public static DiagnosticMessage EffortNotInFormat(string effort, string format, IEnumerable<string> efforts) =>
        Make(DiagnosticCatalog.EffortNotInFormat,
            $"reasoning_effort '{effort}' has no equivalent in reasoning_format {format}, whose prompt states one of: {List(efforts)}. Choose one of them.");
}
