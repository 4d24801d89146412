using Scheme.Model;

namespace Scheme.Analysis.Statistics.Internal;

/// <summary>
/// Hypergeometric distribution: X = number of white balls when drawing <c>drawn</c> balls from an urn with
/// <c>white</c> white and <c>black</c> black balls (R's dhyper(x, m = white, n = black, k = drawn)).
/// log pmf follows R: a ratio of three saddle-point binomial pmfs, which stays accurate for huge counts.
/// </summary>
internal readonly record struct Hypergeometric(int White, int Black, int Drawn)
{
    public int Lo => Math.Max(0, Drawn - Black);
    public int Hi => Math.Min(Drawn, White);

    public int Mode
    {
        get
        {
            // floor((k+1)(m+1)/(m+n+2)), computed in double to avoid int overflow.
            double m = Math.Floor((Drawn + 1.0) * (White + 1.0) / (White + Black + 2.0));
            return (int)Math.Clamp(m, Lo, Hi);
        }
    }

    public double LogPmf(int x)
    {
        if (x < Lo || x > Hi) return double.NegativeInfinity;
        if (Drawn == 0) return x == 0 ? 0.0 : double.NegativeInfinity;
        double total = (double)White + Black;
        double p = Drawn / total;
        double q = (total - Drawn) / total;
        double p1 = Binomial.LogPmf(x, White, p, q);
        double p2 = Binomial.LogPmf(Drawn - x, Black, p, q);
        double p3 = Binomial.LogPmf(Drawn, total, p, q);
        return p1 + p2 - p3;
    }

    public double LogCdf(int k) => UnimodalTails.LogLower(LogPmf, k, Lo, Hi, Mode);
    public double LogSurvival(int k) => UnimodalTails.LogUpper(LogPmf, k, Lo, Hi, Mode);
}
