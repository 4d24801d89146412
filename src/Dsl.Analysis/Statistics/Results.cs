using Scheme.Model;

namespace Scheme.Analysis.Statistics;

/// <summary>A closed interval [Lower, Upper].</summary>
public readonly record struct Interval(double Lower, double Upper)
{
    public bool Contains(double value) => Lower <= value && value <= Upper;
    public double Width => Upper - Lower;
}

/// <summary>A point estimate with an interval at the given confidence/credibility level.</summary>
public sealed record IntervalEstimate(double Estimate, Interval Interval, double Level)
{
    public double Lower => Interval.Lower;
    public double Upper => Interval.Upper;
}

/// <summary>Outcome of a hypothesis test. <c>Estimate</c> is the test's natural effect estimate (documented per test).</summary>
public sealed record TestResult(double PValue, double Estimate, Alternative Alternative);

/// <summary>Successes out of trials, e.g. scheming episodes out of rollouts in one environment.</summary>
public readonly record struct RateCount(int Successes, int Trials)
{
    public double Rate => (double)Successes / Trials;

    internal void Validate(string paramName)
    {
        if (Trials < 0 || Successes < 0 || Successes > Trials)
            throw new ArgumentOutOfRangeException(paramName, $"need 0 <= successes <= trials, got {Successes}/{Trials}");
    }
}
