
namespace Scheme.Engine;

/// <summary>
/// Money actually spent during this process: every request that reached an endpoint and was answered, retries,
/// judges and units that later failed included; cache hits cost nothing. The <c>--max-cost</c> budget is
/// checked against this, not against the sum of finished units, because a unit that fails on its last turn
/// has still been paid for.
/// </summary>
public sealed class CostMeter(PriceTable prices)
{
    private long _microDollars;

    public PriceTable Prices => prices;

    public double SpentUsd => Interlocked.Read(ref _microDollars) / 1e6;

    /// <summary>Raised after each paid request with the total so far.</summary>
    public event Action<double>? Spent;

    public void Add(string model, Providers.TokenUsage usage)
    {
        var cost = prices.Cost(model, usage);
        if (cost <= 0)
        {
            return;
        }
        var total = Interlocked.Add(ref _microDollars, (long)Math.Round(cost * 1e6));
        Spent?.Invoke(total / 1e6);
    }
}
