using System.Globalization;
using Scheme.Model;

namespace Scheme.Analysis;

/// <summary>How cells, comparisons and numbers are written in summaries and reports.</summary>
public static class AnalysisText
{
    /// <summary>"o3, SandbaggingQA, nudge: false"; "all" for the cell that pools everything.</summary>
    public static string Cell(Cell cell)
    {
        var factors = new[] { cell.Checkpoint, cell.Environment, cell.Condition }.Where(f => f is not null)
            .Concat(cell.Params.Select(p => $"{p.Name}: {Value(p.Value)}")).ToList();
        return factors.Count == 0 ? "all" : string.Join(", ", factors);
    }

    /// <summary>A param value as the language writes it: true, 0.5, "text".</summary>
    public static string Value(object value) => value switch
    {
        bool b => b ? "true" : "false",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        string s => $"\"{s}\"",
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };

    public static string Comparison(HypothesisDefinition h)
    {
        var op = h.Direction switch
        {
            Direction.Less => "<",
            Direction.Greater => ">",
            _ => "!=",
        };
        var right = h.Right is { } r ? $"{h.Metric}[{Cell(r)}]" : Number(h.Constant ?? double.NaN);
        return $"{h.Metric}[{Cell(h.Left)}] {op} {right}";
    }

    /// <summary>
    /// "97/99 (3/1)": the units a hypothesis's test used per side and, in parentheses, those it left out because the
    /// metric is missing; "97 (3)" against a constant (whose <see cref="Comparison"/> ends in a number, not a cell).
    /// </summary>
    public static string Units(HypothesisResult h) =>
        h.Comparison.EndsWith(']')
            ? $"{h.LeftN}/{h.RightN} ({h.LeftExcluded}/{h.RightExcluded})"
            : $"{h.LeftN} ({h.LeftExcluded})";

    /// <summary>
    /// The interval a hypothesis shows, saying which it is: "[-0.2, -0.1] (99%)" two-sided, "<= -0.1 (99% upper bound)"
    /// or ">= 0.02 (99% lower bound)" one-sided, as the test's direction and level.
    /// </summary>
    public static string Interval(HypothesisResult h)
    {
        if (h.Lower is null && h.Upper is null)
        {
            return "-";
        }
        var level = h.IntervalLevel is { } l ? (100 * l).ToString("0.##", CultureInfo.InvariantCulture) + "%" : "";
        return h.IntervalSides switch
        {
            "upper_bound" => $"<= {Number(h.Upper)} ({level} upper bound)",
            "lower_bound" => $">= {Number(h.Lower)} ({level} lower bound)",
            // A two-sided ratio interval may reach +Inf (an odds ratio at the top of its support), stored as null.
            _ => $"[{Number(h.Lower)}, {(h.Upper is null ? "inf" : Number(h.Upper))}]{(level.Length > 0 ? $" ({level})" : "")}",
        };
    }

    /// <summary>The test, with the estimand when it is not the difference: "fisher_exact (risk_ratio)".</summary>
    public static string Test(HypothesisResult h) =>
        h.Test + (h.Paired ? " (paired)" : "") + (h.Estimand == Scheme.Contracts.Estimands.Difference ? "" : $" ({h.Estimand})");

    public static string Number(double? value, int digits = 3) =>
        value is not { } v || double.IsNaN(v) ? "-" : v.ToString("0." + new string('0', digits), CultureInfo.InvariantCulture);

    public static string PValue(double? p) => p switch
    {
        null => "-",
        { } v when double.IsNaN(v) => "-",
        < 1e-4 => p.Value.ToString("0.0e+0", CultureInfo.InvariantCulture),
        _ => p.Value.ToString("0.0000", CultureInfo.InvariantCulture),
    };

    /// <summary>"3 duplicate unit_id, 1 undeclared run": counts by reason, largest first.</summary>
    public static string Counts(IEnumerable<(string Reason, long Count)> counts) =>
        string.Join(", ", counts.OrderByDescending(c => c.Count).ThenBy(c => c.Reason, StringComparer.Ordinal).Select(c => $"{c.Count} {c.Reason}"));

    public static string Percent(double? value) =>
        value is not { } v || double.IsNaN(v) ? "-" : (100 * v).ToString("0.0", CultureInfo.InvariantCulture) + "%";
}
