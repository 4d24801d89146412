using System.Globalization;
using System.Text.RegularExpressions;

namespace Scheme.Model;

/// <summary>
/// An outcome as grading decided it: true or false, or indeterminate with the reason. Only what a model's
/// text can cause is indeterminate (a detector's regular expression that times out on it, or a grader that reads
/// an indeterminate outcome): a model must not be able to take itself out of a metric, so such units are
/// counted apart, never dropped or scored. Any other exception is a real fault and fails the unit.
/// </summary>
public readonly record struct OutcomeGrade(bool? Value, string? Indeterminate)
{
    public static OutcomeGrade Of(string outcome, Func<bool> evaluate)
    {
        try
        {
            return new OutcomeGrade(evaluate(), null);
        }
        catch (Exception ex) when (IndeterminateReason(ex) is { } reason)
        {
            return new OutcomeGrade(null, reason);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw new InvalidOperationException($"Outcome '{outcome}' could not be evaluated: {ex.Message}", ex);
        }
    }

    /// <summary>Why an exception of a grader means "cannot be decided", or null when it is a fault.</summary>
    public static string? IndeterminateReason(Exception exception) => exception switch
    {
        RegexMatchTimeoutException timeout => string.Create(CultureInfo.InvariantCulture,
            $"the regular expression '{Shorten(timeout.Pattern)}' timed out after {timeout.MatchTimeout.TotalSeconds:0.#} s on this unit's text"),
        IndeterminateValueException indeterminate => indeterminate.Message,
        _ => null,
    };

    private static string Shorten(string text) => text.Length <= 80 ? text : text[..80] + "...";
}

/// <summary>
/// A metric's per-unit value, or why it has none: a value that is not a finite number (<c>mean(number(output))</c>
/// over a text answer, a division by zero) or one read from an indeterminate outcome is missing for this unit,
/// stored and reported as missing, never written as NaN (which JSON and the store cannot hold) and never as 0.
/// </summary>
public readonly record struct MetricGrade(double? Value, string? Missing)
{
    public static MetricGrade Of(string metric, Func<double> evaluate)
    {
        double value;
        try
        {
            value = evaluate();
        }
        catch (Exception ex) when (OutcomeGrade.IndeterminateReason(ex) is { } reason)
        {
            return new MetricGrade(null, reason);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw new InvalidOperationException($"Metric '{metric}' could not be evaluated: {ex.Message}", ex);
        }
        return double.IsFinite(value)
            ? new MetricGrade(value, null)
            : new MetricGrade(null, $"the value is not a finite number ({(double.IsNaN(value) ? "NaN" : value > 0 ? "+infinity" : "-infinity")})");
    }
}
