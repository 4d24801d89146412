namespace Scheme.Analysis.Power;

/// <param name="Scenario">Which simulate block is the hypothesized truth (default: the unnamed one, "simulate").</param>
/// <param name="Replicates">Simulated experiments per power estimate; the Monte Carlo SE of a power p is sqrt(p(1-p)/R).</param>
/// <param name="Seed">Seed of every draw (default: the experiment's seed), so a diagnosis is reproducible.</param>
/// <param name="MaxEpochs">Largest epochs the search for 80%/90% power tries.</param>
public sealed record PowerOptions(
    string? Scenario = null,
    int Replicates = 2_000,
    long? Seed = null,
    int MaxEpochs = 100_000,
    bool SearchEpochs = true,
    EvaluationSettings? Evaluation = null);

/// <summary>
/// Power of one hypothesis by simulation, with its family's correction applied: in each replicate the p-values of every
/// hypothesis of the family are corrected together and the hypothesis is supported when its corrected p is at most its
/// alpha, as <c>analyze</c> decides. A hypothesis alone in its family (the default) is not corrected.
/// </summary>
/// <param name="Epochs">The epochs of the largest run feeding the hypothesis; every run keeps its own (units per design
/// cell = its variants x its run's epochs), and the 80%/90% search scales all runs in proportion to the largest.</param>
/// <param name="TrueValue">The estimand's true value under the simulate block (a difference, or a ratio for the ratio estimands).</param>
/// <param name="Power">Share of replicates where the hypothesis is supported, after the family's correction.</param>
/// <param name="UncorrectedPower">The same with the hypothesis's own p-value at its alpha, as if it were alone.</param>
/// <param name="EpochsFor80">Smallest epochs with simulated (corrected) power of at least 80%; null if above MaxEpochs or not searched.</param>
/// <param name="FalsePositiveRate">Rejection rate (after the correction) when both cells are at their pooled value (or the
/// metric equals the constant) and the family's other hypotheses at their simulated truth.</param>
/// <param name="Coverage">Share of replicates whose interval (the test's: 1 - alpha, one-sided in its direction) holds the
/// true difference; null for an estimand other than the difference.</param>
public sealed record HypothesisPower(
    string Name,
    string Comparison,
    string Test,
    double Alpha,
    int Epochs,
    long LeftUnits,
    long RightUnits,
    double? TrueValue,
    double? Power,
    double? PowerStandardError,
    int? EpochsFor80,
    int? EpochsFor90,
    double? FalsePositiveRate,
    double? Coverage,
    IReadOnlyList<string> Notes,
    string Family = "",
    string Correction = Scheme.Contracts.Corrections.Default,
    double? UncorrectedPower = null);

/// <summary>A family of more than one hypothesis: how often all, and at least one, of them are supported together.</summary>
/// <param name="Hypotheses">The members whose power could be simulated; the others do not count in the correction.</param>
public sealed record FamilyPower(string Name, string Correction, IReadOnlyList<string> Hypotheses, double AllSupported, double AnySupported);

public sealed record PowerReport(string Experiment, string Scenario, int Replicates, long Seed, IReadOnlyList<HypothesisPower> Hypotheses,
    IReadOnlyList<FamilyPower>? Families = null);
