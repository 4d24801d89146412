using Scheme.Model;

namespace Scheme.Analysis;

/// <summary>Count, sum and sum of squares of a sample: enough for rates (sum = successes), means and SDs, and additive.</summary>
public struct SampleMoments
{
    public long N;
    public double Sum;
    public double SumSquares;

    public SampleMoments(long n, double sum, double sumSquares)
    {
        N = n;
        Sum = sum;
        SumSquares = sumSquares;
    }

    public static SampleMoments Rate(long successes, long trials) => new(trials, successes, successes);

    public readonly double Mean => N == 0 ? double.NaN : Sum / N;

    /// <summary>Sample variance (n - 1 denominator).</summary>
    public readonly double Variance => N < 2 ? double.NaN : Math.Max(0, (SumSquares - Sum * Sum / N) / (N - 1));

    public void Add(double value)
    {
        N++;
        Sum += value;
        SumSquares += value * value;
    }

    /// <summary>Takes out one value that was added.</summary>
    public void Remove(double value)
    {
        N--;
        Sum -= value;
        SumSquares -= value * value;
    }

    public void Add(SampleMoments other)
    {
        N += other.N;
        Sum += other.Sum;
        SumSquares += other.SumSquares;
    }
}

/// <summary>Paired 0/1 outcomes: a = (1, 1), b = (left 1, right 0), c = (left 0, right 1), d = (0, 0).</summary>
public readonly record struct PairedTable(long BothYes, long LeftOnly, long RightOnly, long Neither)
{
    public long Pairs => BothYes + LeftOnly + RightOnly + Neither;
}

/// <summary>
/// What one hypothesis test needs from the data, gathered in one pass: the two cells' moments, their split by
/// environment (the clusters of the cluster bootstrap), complete pairs for paired designs, and raw values only
/// where a permutation test of a mean needs them. The power simulation fills the same shape from draws.
/// </summary>
public sealed class HypothesisData
{
    public SampleMoments Left;
    public SampleMoments Right;
    public SortedDictionary<string, SampleMoments> LeftByEnvironment { get; } = new(StringComparer.Ordinal);
    public SortedDictionary<string, SampleMoments> RightByEnvironment { get; } = new(StringComparer.Ordinal);

    /// <summary>Complete pairs of a paired rate hypothesis.</summary>
    public PairedTable? Pairs { get; set; }

    /// <summary>Left - right per complete pair, for paired mean hypotheses.</summary>
    public List<double>? Differences { get; set; }

    /// <summary>Units seen in one cell of a paired hypothesis whose partner under the other condition was not read.</summary>
    public long IncompletePairs { get; set; }

    /// <summary>Units of each side whose value of the metric is missing, and of those, the indeterminate ones.</summary>
    public long LeftMissing, RightMissing, LeftIndeterminate, RightIndeterminate;

    /// <summary>For a reviewed metric: eligible units per side without a reviewers' decision (not counted, not missing).</summary>
    public long LeftUnreviewed, RightUnreviewed;

    /// <summary>
    /// Units of each side the test leaves out because a value is missing: the missing units, and in a paired
    /// hypothesis also the partners of missing units (<see cref="ExcludedPairs"/> pairs).
    /// </summary>
    public long LeftExcluded, RightExcluded;

    /// <summary>Pairs of a paired hypothesis left out because a side's value is missing.</summary>
    public long ExcludedPairs { get; set; }

    /// <summary>Raw values, kept only for a permutation test of a mean metric on independent cells.</summary>
    public List<double>? LeftValues { get; set; }
    public List<double>? RightValues { get; set; }
}
