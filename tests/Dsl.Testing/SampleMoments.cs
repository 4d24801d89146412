using Xunit;

namespace Scheme.Testing;

/// <summary>Checks that values drawn from a distribution have its mean and SD, within tolerances derived from n.</summary>
public static class SampleMoments
{
    /// <summary>
    /// The sample mean within 4 standard errors (sd / sqrt(n)) of <paramref name="mean"/>, and the sample SD within 4 of its
    /// own standard errors, sqrt((mu4 - sd^4) / n) / (2 sd) by the delta method, of <paramref name="sd"/>.
    /// </summary>
    /// <param name="fourthCentral">The distribution's fourth central moment mu4 (3 sd^4 for a normal).</param>
    public static void AssertMeanAndSd(double[] values, double mean, double sd, double fourthCentral)
    {
        var n = values.Length;
        var sampleMean = values.Average();
        var sampleSd = Math.Sqrt(values.Sum(v => (v - sampleMean) * (v - sampleMean)) / (n - 1));
        Assert.InRange(sampleMean, mean - 4 * sd / Math.Sqrt(n), mean + 4 * sd / Math.Sqrt(n));
        var sdError = Math.Sqrt((fourthCentral - Math.Pow(sd, 4)) / n) / (2 * sd);
        Assert.InRange(sampleSd, sd - 4 * sdError, sd + 4 * sdError);
    }
}
