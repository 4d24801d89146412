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

/// <summary>A statistical test a hypothesis may declare: the comparisons, metrics and estimands it fits.</summary>
/// <param name="Requirement">What the test needs, as a diagnostic says it ("compares a rate with a constant").</param>
/// <param name="Estimands">The estimands it tests (<see cref="Estimands"/>); null means the difference only.</param>
public sealed record StatisticalTest(string Name, string Summary, string Requirement, IReadOnlyList<Comparison> Comparisons, IReadOnlyList<MetricKind> Metrics,
    IReadOnlyList<string>? Estimands = null)
{
    public IReadOnlyList<string> TestsEstimands => Estimands ?? [Contracts.Estimands.Difference];

    public bool Fits(Comparison comparison, MetricKind metric) => Comparisons.Contains(comparison) && Metrics.Contains(metric);

    public bool Fits(Comparison comparison, MetricKind metric, string estimand) => Fits(comparison, metric) && TestsEstimands.Contains(estimand);
}

/// <summary>What a hypothesis estimates (its <c>estimand:</c>), with what it compares.</summary>
/// <param name="Requirement">What it needs, as a diagnostic says it.</param>
public sealed record Estimand(string Name, string Summary, string Requirement, IReadOnlyList<Comparison> Comparisons, IReadOnlyList<MetricKind> Metrics)
{
    public bool Fits(Comparison comparison, MetricKind metric) => Comparisons.Contains(comparison) && Metrics.Contains(metric);
}

/// <summary>
/// The estimands of the language, defined once. <c>difference</c> (the default) is left - right, or left - constant;
/// the others are the reference studies' own: a reduction as a ratio of rates, and (Schoen et al. 2025) the rate
/// averaged over environments, unweighted, compared between two cells.
/// </summary>
public static class Estimands
{
    public const string Difference = "difference";
    public const string RiskRatio = "risk_ratio";
    public const string OddsRatio = "odds_ratio";
    public const string AverageDifference = "average_difference";

    public const string Default = Difference;

    private static readonly Comparison[] Independent = [Comparison.Independent];

    public static IReadOnlyList<Estimand> All { get; } =
    [
        new(Difference, "left - right (or left - constant)", "compares two cells or a cell with a constant",
            [Comparison.Constant, Comparison.Independent, Comparison.Paired], [MetricKind.Rate, MetricKind.Mean]),
        new(RiskRatio, "the ratio of two rates, left / right", "compares the rates of two cells of different units", Independent, [MetricKind.Rate]),
        new(OddsRatio, "the odds ratio of two rates, left over right", "compares the rates of two cells of different units", Independent, [MetricKind.Rate]),
        new(AverageDifference, "the rate averaged over environments (unweighted) in the left cell minus that in the right",
            "compares the rates of two cells of different units, each over the environments it spans", Independent, [MetricKind.Rate]),
    ];

    public static IEnumerable<string> Names => All.Select(e => e.Name);

    public static Estimand? Find(string name) => All.FirstOrDefault(e => e.Name == name);
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
    public const string CochranMantelHaenszel = "cmh";
    public const string AveragePosterior = "average_posterior";

    private static readonly Comparison[] TwoCells = [Comparison.Independent, Comparison.Paired];

    public static IReadOnlyList<StatisticalTest> All { get; } =
    [
        new(FisherExact, "Fisher's exact test of two rates", "compares the rates of two cells", TwoCells, [MetricKind.Rate],
            [Estimands.Difference, Estimands.RiskRatio, Estimands.OddsRatio]),
        new(Binomial, "exact binomial test of a rate against a constant", "compares a rate with a constant", [Comparison.Constant], [MetricKind.Rate]),
        new(McNemar, "exact McNemar test of paired rates", "needs paired cells (one checkpoint and environment under two conditions of one run)",
            [Comparison.Paired], [MetricKind.Rate]),
        new(Newcombe, "the Newcombe interval of a difference of rates, inverted for a p-value", "compares the rates of two cells", TwoCells, [MetricKind.Rate]),
        new(ClusterBootstrap, "a bootstrap that resamples environments", "compares two groups of units", TwoCells, [MetricKind.Rate, MetricKind.Mean]),
        new(Permutation, "a permutation test of the difference", "compares two groups of units", TwoCells, [MetricKind.Rate, MetricKind.Mean]),
        new(TTest, "Student's t test of a mean against a constant or of paired differences, Welch's t test of two means", "compares means",
            [Comparison.Constant, Comparison.Independent, Comparison.Paired], [MetricKind.Mean]),
        new(CochranMantelHaenszel, "the exact Cochran-Mantel-Haenszel test of a common odds ratio, stratified by environment",
            "compares the rates of two cells of different units, stratified by environment", [Comparison.Independent], [MetricKind.Rate],
            [Estimands.AverageDifference]),
        new(AveragePosterior, "the posterior of the difference of the rates averaged over environments, P(left < right)",
            "compares the average rates of two cells of different units", [Comparison.Independent], [MetricKind.Rate], [Estimands.AverageDifference]),
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

    /// <summary>The test a hypothesis with an estimand gets when it names none: the difference's default, a ratio
    /// Fisher's test (whose conditional interval is the odds ratio's), an average the posterior of the averages.</summary>
    public static string DefaultFor(Comparison comparison, MetricKind metric, string estimand) => estimand switch
    {
        Estimands.RiskRatio or Estimands.OddsRatio => FisherExact,
        Estimands.AverageDifference => AveragePosterior,
        _ => DefaultFor(comparison, metric),
    };

    /// <summary>The tests that fit a comparison of a metric, default first.</summary>
    public static IEnumerable<string> Fitting(Comparison comparison, MetricKind metric) => Fitting(comparison, metric, Estimands.Difference);

    /// <summary>The tests that fit a comparison of a metric for an estimand, default first.</summary>
    public static IEnumerable<string> Fitting(Comparison comparison, MetricKind metric, string estimand) =>
        All.Where(t => t.Fits(comparison, metric, estimand)).Select(t => t.Name)
            .OrderBy(n => Estimands.Find(estimand)?.Fits(comparison, metric) == true && n == DefaultFor(comparison, metric, estimand) ? 0 : 1);
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
