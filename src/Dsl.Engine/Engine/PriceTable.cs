using System.Collections.Concurrent;
using Scheme.Engine.Providers;

namespace Scheme.Engine;

/// <summary>USD per million input and output tokens of one model.</summary>
public sealed record ModelPrice(double InputPerMillion, double OutputPerMillion)
{
    public double Cost(TokenUsage usage) => (usage.Input * InputPerMillion + usage.Output * OutputPerMillion) / 1_000_000;
}

/// <summary>
/// List prices of the models the example suites use, matched by model name prefix (dated snapshots such as
/// o3-2025-04-16 match "o3"), longest prefix first. A model that is not in the table costs 0 and is reported
/// once through <see cref="UnknownModel"/>: a budget must never stop a run because of a missing price, and a
/// silent 0 would hide that the budget is not being enforced.
/// </summary>
/// <remarks>Prices change; the table is a default, and a runner can be given its own (the constructor).</remarks>
public sealed class PriceTable
{
    public static IReadOnlyDictionary<string, ModelPrice> Defaults { get; } = new Dictionary<string, ModelPrice>(StringComparer.OrdinalIgnoreCase)
    {
        ["gpt-4.1"] = new(2.00, 8.00),
        ["gpt-4.1-mini"] = new(0.40, 1.60),
        ["gpt-4.1-nano"] = new(0.10, 0.40),
        ["gpt-4o"] = new(2.50, 10.00),
        ["gpt-4o-mini"] = new(0.15, 0.60),
        ["gpt-5"] = new(1.25, 10.00),
        ["gpt-5-mini"] = new(0.25, 2.00),
        ["o3"] = new(2.00, 8.00),
        ["o3-mini"] = new(1.10, 4.40),
        ["o4-mini"] = new(1.10, 4.40),
        ["o1"] = new(15.00, 60.00),
    };

    private readonly IReadOnlyList<KeyValuePair<string, ModelPrice>> _byLongestPrefix;
    private readonly ConcurrentDictionary<string, ModelPrice?> _resolved = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, byte> _reported = new(StringComparer.OrdinalIgnoreCase);

    public PriceTable(IReadOnlyDictionary<string, ModelPrice>? prices = null)
    {
        _byLongestPrefix = (prices ?? Defaults).OrderByDescending(p => p.Key.Length).ToList();
    }

    /// <summary>Raised once per model without a price.</summary>
    public event Action<string>? UnknownModel;

    public ModelPrice? Find(string model) => _resolved.GetOrAdd(model, m =>
    {
        foreach (var (prefix, price) in _byLongestPrefix)
        {
            if (m.Equals(prefix, StringComparison.OrdinalIgnoreCase) || m.StartsWith(prefix + "-", StringComparison.OrdinalIgnoreCase))
            {
                return price;
            }
        }
        // GetOrAdd may run this factory twice under contention; report once.
        if (_reported.TryAdd(m, 0))
        {
            UnknownModel?.Invoke(m);
        }
        return null;
    });

    public double Cost(string model, TokenUsage usage) => Find(model)?.Cost(usage) ?? 0;

    /// <summary>What the OpenAI Batch API charges: half the list price, on input and output tokens alike.</summary>
    public const double BatchDiscount = 0.5;

    /// <summary>The price of a request sent live, or through the Batch API (<see cref="BatchDiscount"/>).</summary>
    public double Cost(string model, TokenUsage usage, bool batch) => Cost(model, usage) * (batch ? BatchDiscount : 1);
}
