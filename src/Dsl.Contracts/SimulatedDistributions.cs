namespace Scheme.Contracts;

/// <summary>
/// A distribution a simulate block may give the per-unit values of a mean metric, <c>reads[o3] = poisson(2.5)</c>:
/// its name and parameters, and what makes them valid. Defined once: the compiler checks a simulated value against it,
/// the model and the engine draw from it.
/// </summary>
/// <param name="Parameters">The parameters' names, in the order they are written.</param>
/// <param name="Values">What values of the metric the distribution gives, as a diagnostic says it.</param>
public sealed record SimulatedDistributionKind(string Name, IReadOnlyList<string> Parameters, string Values)
{
    /// <summary>How it is written, e.g. "normal(mean, sd)".</summary>
    public string Signature => $"{Name}({string.Join(", ", Parameters)})";
}

public static class SimulatedDistributions
{
    public const string Normal = "normal";
    public const string Beta = "beta";
    public const string Poisson = "poisson";

    /// <summary>The largest poisson lambda: beyond it a count is a normal in all but name, and its exact quantile is slow (about 0.4 ms at 1e6, 26 ms at 1e9).</summary>
    public const double MaxLambda = 1e6;

    /// <summary>The range of beta's a and b: beyond it a beta is a point mass (or two) in all but name, and its quantile is slow.</summary>
    public const double MinShape = 1e-3, MaxShape = 1e6;

    public static IReadOnlyList<SimulatedDistributionKind> All { get; } =
    [
        new(Normal, ["mean", "sd"], "any real number"),
        new(Beta, ["a", "b"], "values between 0 and 1, with mean a / (a + b)"),
        new(Poisson, ["lambda"], "counts 0, 1, 2, ... with mean lambda"),
    ];

    public static SimulatedDistributionKind? Find(string name) => All.FirstOrDefault(d => d.Name == name);

    /// <summary>Why these parameters do not define the distribution, or null when they do (arity is the caller's).</summary>
    public static string? Invalid(string name, IReadOnlyList<double> values) => name switch
    {
        Normal when !(values[1] > 0) => $"its sd is {Show(values[1])}, but it must be above 0 (a value without spread is a plain number: write {Show(values[0])})",
        // A draw reaches about 8.3 sd from the mean; past the largest double it would be infinite.
        Normal when !double.IsFinite(Math.Abs(values[0]) + 9 * values[1]) => $"mean {Show(values[0])} and sd {Show(values[1])} would draw values beyond the largest number (mean + 9 sd must stay below 1.7E+308)",
        Beta when !(values[0] >= MinShape && values[0] <= MaxShape && values[1] >= MinShape && values[1] <= MaxShape) =>
            $"a and b are {Show(values[0])} and {Show(values[1])}, but both must lie between {MinShape:G} and {MaxShape:G}",
        Poisson when !(values[0] > 0) || values[0] > MaxLambda => $"its lambda is {Show(values[0])}, but it must be above 0 and at most {MaxLambda:G}",
        _ => null,
    };

    /// <summary>The mean of the distribution: what a simulated mean metric's cell is worth in a hypothesis.</summary>
    public static double Mean(string name, double first, double second) => name switch
    {
        Normal or Poisson => first,
        Beta => first / (first + second),
        _ => throw new ArgumentException($"Unknown simulated distribution '{name}'.", nameof(name)),
    };

    private static string Show(double value) => value.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
}
