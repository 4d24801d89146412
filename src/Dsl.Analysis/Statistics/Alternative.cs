using Scheme.Model;

namespace Scheme.Analysis.Statistics;

/// <summary>Alternative hypothesis of a test, named as in R (alternative = "two.sided" / "less" / "greater").</summary>
public enum Alternative
{
    /// <summary>The effect differs from the null value in either direction.</summary>
    TwoSided,
    /// <summary>The true value is less than the null value (e.g. rate &lt; p0, odds ratio &lt; 1).</summary>
    Less,
    /// <summary>The true value is greater than the null value.</summary>
    Greater,
}
