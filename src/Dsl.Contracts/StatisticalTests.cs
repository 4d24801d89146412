namespace Scheme.Contracts;

/// <summary>What a hypothesis compares: two cells of different units, the same units under two conditions, or a cell with a constant.</summary>
public enum Comparison
{
    Independent,
    Paired,
    Constant,
}

/// <summary>How a metric aggregates its per-unit values.</summary>
public enum MetricKind
{
    Rate,
    Mean,
}

/// <summary>A statistical test a hypothesis may declare: the comparisons and metrics it fits.</summary>
/// <param name="Requirement">What the test needs, as a diagnostic says it ("compares a rate with a constant").</param>
public sealed record StatisticalTest(string Name, string Summary, string Requirement, IReadOnlyList<Comparison> Comparisons, IReadOnlyList<MetricKind> Metrics)
{
    public bool Fits(Comparison comparison, MetricKind metric) => Comparisons.Contains(comparison) && Metrics.Contains(metric);
}

/// <summary>
/// The statistical tests of the language, defined once: the compiler checks a hypothesis's test against them (and picks
/// the default), the analysis implements each (a test holds the two to the same list).
/// </summary>
public static class StatisticalTests
{
    public const string FisherExact = "fisher_exact";
    public const string Binomial = "binomial";
    public const string McNemar = "mcnemar";
    public const string Newcombe = "newcombe";
    public const string ClusterBootstrap = "cluster_bootstrap";
    public const string Permutation = "permutation";
    public const string TTest = "t_test";

    private static readonly Comparison[] TwoCells = [Comparison.Independent, Comparison.Paired];

    public static IReadOnlyList<StatisticalTest> All { get; } =
    [
        new(FisherExact, "Fisher's exact test of two rates", "compares the rates of two cells", TwoCells, [MetricKind.Rate]),
        new(Binomial, "exact binomial test of a rate against a constant", "compares a rate with a constant", [Comparison.Constant], [MetricKind.Rate]),
        new(McNemar, "exact McNemar test of paired rates", "needs paired cells (one checkpoint and environment under two conditions of one run)",
            [Comparison.Paired], [MetricKind.Rate]),
        new(Newcombe, "the Newcombe interval of a difference of rates, inverted for a p-value", "compares the rates of two cells", TwoCells, [MetricKind.Rate]),
        new(ClusterBootstrap, "a bootstrap that resamples environments", "compares two groups of units", TwoCells, [MetricKind.Rate, MetricKind.Mean]),
        new(Permutation, "a permutation test of the difference", "compares two groups of units", TwoCells, [MetricKind.Rate, MetricKind.Mean]),
        new(TTest, "Student's t test of a mean against a constant or of paired differences, Welch's t test of two means", "compares means",
            [Comparison.Constant, Comparison.Independent, Comparison.Paired], [MetricKind.Mean]),
    ];

    public static IEnumerable<string> Names => All.Select(t => t.Name);

    public static StatisticalTest? Find(string name) => All.FirstOrDefault(t => t.Name == name);

    /// <summary>The test a hypothesis gets when it names none.</summary>
    public static string DefaultFor(Comparison comparison, MetricKind metric) => (comparison, metric) switch
    {
        (Comparison.Constant, MetricKind.Rate) => Binomial,
        (Comparison.Paired, MetricKind.Rate) => McNemar,
        (Comparison.Independent, MetricKind.Rate) => FisherExact,
        (Comparison.Constant, MetricKind.Mean) => TTest,
        (Comparison.Paired or Comparison.Independent, MetricKind.Mean) => Permutation,
        _ => throw new ArgumentOutOfRangeException(nameof(comparison), $"no test for a {metric} compared as {comparison}"),
    };

    /// <summary>The tests that fit a comparison of a metric, default first.</summary>
    public static IEnumerable<string> Fitting(Comparison comparison, MetricKind metric) =>
        All.Where(t => t.Fits(comparison, metric)).Select(t => t.Name).OrderBy(n => n == DefaultFor(comparison, metric) ? 0 : 1);
}

/// <summary>The corrections for multiple comparisons within a family of hypotheses, defined once.</summary>
public static class Corrections
{
    public const string Holm = "holm";
    public const string BenjaminiHochberg = "benjamini_hochberg";
    public const string Bonferroni = "bonferroni";
    public const string None = "none";

    public const string Default = Holm;

    public static IReadOnlyList<string> All { get; } = [Holm, BenjaminiHochberg, Bonferroni, None];
}
