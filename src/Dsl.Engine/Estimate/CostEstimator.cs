using MathNet.Numerics.Distributions;
using Scheme.Engine.Design;
using Scheme.Model;

namespace Scheme.Engine.Estimate;

/// <summary>
/// <c>plan --estimate</c>: the expected requests, tokens and cost of a plan before anything is spent, per
/// (checkpoint, environment) cell. With a pilot, a cell the pilot measured takes the pilot's per-unit means times
/// its planned units, with a 95% interval from the pilot's spread; every other cell takes the declared upper bound
/// (<see cref="DeclaredEstimator"/>), marked as such.
/// </summary>
public static class CostEstimator
{
    public static CostEstimate Estimate(ExperimentDefinition experiment, IEnumerable<WorkUnit> units, PriceTable prices, PilotSample? pilot = null)
    {
        var declared = new DeclaredEstimator(experiment);
        var counts = new Dictionary<(string Checkpoint, string Environment), long>();
        var upperBounds = new Dictionary<(string, string), Dictionary<string, (double Requests, double Input, double Output)>>();
        var mixes = new Dictionary<(string, string), double[]>();
        foreach (var unit in units)
        {
            var key = (unit.Checkpoint, unit.Environment);
            counts[key] = counts.GetValueOrDefault(key) + 1;
            if (!upperBounds.TryGetValue(key, out var byModel))
            {
                upperBounds[key] = byModel = new Dictionary<string, (double, double, double)>(StringComparer.Ordinal);
            }
            if (!mixes.TryGetValue(key, out var mix))
            {
                mixes[key] = mix = new double[3];
            }
            foreach (var use in declared.PerUnit(unit.Checkpoint, unit.Environment, unit.Variant, unit.Params))
            {
                mix[(int)use.Kind] += use.Requests;
                var sum = byModel.GetValueOrDefault(use.Model);
                byModel[use.Model] = (sum.Requests + use.Requests, sum.Input + use.Input, sum.Output + use.Output);
            }
        }

        var cells = new List<CellEstimate>();
        var halfWidths = new List<double>();
        foreach (var ((checkpoint, environment), count) in counts)
        {
            if (experiment.Checkpoint(checkpoint).Provider == ProviderRegistry.Simulated)
            {
                cells.Add(new CellEstimate(checkpoint, environment, count, EstimateBasis.Simulated, 0, new RequestMix(0, 0, 0), 0, 0, 0, 0, 0, 0, []));
            }
            else if (pilot?.Cells.GetValueOrDefault((checkpoint, environment)) is { Count: > 0 } measured)
            {
                var (cell, halfWidth) = FromPilot(checkpoint, environment, count, measured);
                cells.Add(cell);
                halfWidths.Add(halfWidth);
            }
            else
            {
                var byModel = upperBounds[(checkpoint, environment)];
                var unpriced = byModel.Keys.Where(m => prices.Find(m) is null).Order(StringComparer.Ordinal).ToList();
                double? cost = unpriced.Count > 0 ? null
                    : byModel.Sum(m => prices.Find(m.Key)!.InputPerMillion * m.Value.Input / 1e6 + prices.Find(m.Key)!.OutputPerMillion * m.Value.Output / 1e6);
                var mix = mixes[(checkpoint, environment)];
                cells.Add(new CellEstimate(checkpoint, environment, count, pilot is null ? EstimateBasis.Declared : EstimateBasis.DeclaredNotInPilot, 0,
                    new RequestMix(mix[0] / count, mix[1] / count, mix[2] / count),
                    byModel.Values.Sum(v => v.Requests), byModel.Values.Sum(v => v.Input), byModel.Values.Sum(v => v.Output), cost, cost, cost, unpriced));
            }
        }
        cells.Sort((a, b) => (a.Checkpoint, a.Environment).CompareTo((b.Checkpoint, b.Environment)));

        var allUnpriced = cells.SelectMany(c => c.UnpricedModels).Distinct().Order(StringComparer.Ordinal).ToList();
        var known = cells.Where(c => c.CostUsd is not null).Sum(c => c.CostUsd!.Value);
        double? total = allUnpriced.Count > 0 ? null : known;
        // The cells' intervals combined as independent errors: the total's half-width is the root of the sum of squares.
        var width = Math.Sqrt(halfWidths.Sum(w => w * w));
        var assumptions = new List<string>();
        if (cells.Any(c => c.Basis is EstimateBasis.Declared or EstimateBasis.DeclaredNotInPilot))
        {
            assumptions.AddRange(DeclaredEstimator.Assumptions);
        }
        if (pilot is not null)
        {
            assumptions.Add($"pilot cells: the mean requests, tokens and cost per done unit measured in {pilot.Directory} (requests: turns, follow-ups and judge attempts " +
                "from its transcripts; tokens from its units; cost at today's list prices), times the planned units; range: 95% interval of the mean (Student t), " +
                "cells combined as independent; failed units and retries of the pilot are not counted");
        }
        assumptions.Add("cost at list prices (PriceTable), by prefix of each checkpoint's model; a model without a price makes its cells' cost unknown");
        return new CostEstimate(cells, counts.Values.Sum(), cells.Sum(c => c.Requests), cells.Sum(c => c.InputTokens), cells.Sum(c => c.OutputTokens),
            total, total is null ? null : Math.Max(0, known - width), total is null ? null : known + width, known, allUnpriced, assumptions,
            pilot?.Warnings ?? []);
    }

    private static (CellEstimate Cell, double HalfWidth) FromPilot(string checkpoint, string environment, long count, IReadOnlyList<PilotUnit> measured)
    {
        var n = measured.Count;
        var unpriced = measured.SelectMany(u => u.UnpricedModels).Distinct().Order(StringComparer.Ordinal).ToList();
        double? cost = null, low = null, high = null;
        double halfWidth = 0;
        if (unpriced.Count == 0)
        {
            var costs = measured.Select(u => u.CostUsd!.Value).ToList();
            var mean = costs.Average();
            if (n >= 2)
            {
                var sd = Math.Sqrt(costs.Sum(c => (c - mean) * (c - mean)) / (n - 1));
                halfWidth = count * StudentT.InvCDF(0, 1, n - 1, 0.975) * sd / Math.Sqrt(n);
            }
            cost = count * mean;
            low = Math.Max(0, cost.Value - halfWidth);
            high = cost + halfWidth;
        }
        var perUnit = new RequestMix(measured.Average(u => u.Requests.Turns), measured.Average(u => u.Requests.Followups), measured.Average(u => u.Requests.Judges));
        return (new CellEstimate(checkpoint, environment, count, EstimateBasis.Pilot, n, perUnit,
            count * perUnit.Total, count * measured.Average(u => u.Input), count * measured.Average(u => u.Output),
            cost, low, high, unpriced), halfWidth);
    }
}
