
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
    private long _batchMicroDollars;
    private long _batchRequests;

    public PriceTable Prices => prices;

    public double SpentUsd => Interlocked.Read(ref _microDollars) / 1e6;

    /// <summary>Raised after each paid request with the total so far.</summary>
    public event Action<double>? Spent;

    /// <summary>The part of <see cref="SpentUsd"/> paid for requests answered through the Batch API (at its discount).</summary>
    public double BatchSpentUsd => Interlocked.Read(ref _batchMicroDollars) / 1e6;

    /// <summary>Requests answered through the Batch API.</summary>
    public long BatchRequests => Interlocked.Read(ref _batchRequests);

    /// <param name="batch">Answered through the Batch API: charged at <see cref="PriceTable.BatchDiscount"/> of the list price.</param>
    public void Add(string model, Providers.TokenUsage usage, bool batch = false)
    {
        var cost = prices.Cost(model, usage, batch);
        if (batch)
        {
            Interlocked.Increment(ref _batchRequests);
        }
        if (cost <= 0)
        {
            return;
        }
        var micro = (long)Math.Round(cost * 1e6);
        if (batch)
        {
            Interlocked.Add(ref _batchMicroDollars, micro);
        }
        var total = Interlocked.Add(ref _microDollars, micro);
        Spent?.Invoke(total / 1e6);
    }
}
