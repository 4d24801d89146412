using System.Text.Json;
using Scheme.Engine.Store;
using Scheme.Model;

namespace Scheme.Engine.Estimate;

/// <summary>A pilot run directory refused for an estimate, with its code (SCH9060-9062): bad input, exit 2.</summary>
public sealed class PilotException(string code, string message) : Exception(message)
{
    public string Code { get; } = code;
}

/// <summary>What one done pilot unit asked: requests and tokens, and their cost at today's list prices (null: a model without a price).</summary>
public sealed record PilotUnit(RequestMix Requests, double Input, double Output, double? CostUsd, IReadOnlyList<string> UnpricedModels);

/// <summary>A pilot's done live units by (checkpoint, environment), and what was left out and why.</summary>
public sealed record PilotSample(string Directory, IReadOnlyDictionary<(string Checkpoint, string Environment), IReadOnlyList<PilotUnit>> Cells,
    IReadOnlyList<string> Warnings);

/// <summary>
/// Reads a pilot run's store read-only (it is never created, upgraded or locked): per done, live unit, its requests
/// (agent turns + follow-ups + judge attempts, from the stored transcript) and tokens (the unit's tokens columns,
/// split between the agent's model and each judge's by the verdicts' usage), priced with the current experiment's
/// models at list prices.
/// </summary>
public static class PilotReader
{
    public const string NotARunDirectory = "SCH9060";
    public const string NothingToMeasure = "SCH9061";
    public const string OtherExperiment = "SCH9062";

    public static PilotSample Read(string directory, ExperimentDefinition experiment, PriceTable prices)
    {
        var path = Path.Combine(directory, SqliteRunStore.FileName);
        if (!File.Exists(path))
        {
            throw new PilotException(NotARunDirectory, $"{directory} is not a run directory (no {SqliteRunStore.FileName}).");
        }
        var warnings = new List<string>();
        RunManifest? manifest;
        try
        {
            manifest = RunDatabase.ReadManifest(path);
        }
        catch (InvalidDataException e)
        {
            throw new PilotException(NotARunDirectory, e.Message);
        }
        if (manifest is null)
        {
            throw new PilotException(OtherExperiment, $"{path} has no manifest: it cannot be told to be a run of {experiment.Name}.");
        }
        if (manifest.Experiment != experiment.Name)
        {
            throw new PilotException(OtherExperiment, $"{directory} is a run of {manifest.Experiment}, not of {experiment.Name}: its tokens say nothing about this plan.");
        }
        if (manifest.Hash != ExperimentHash.Compute(experiment))
        {
            warnings.Add($"warning: the pilot in {directory} ran another version of {experiment.Name} ({manifest.Hash}); its measures may not fit this one.");
        }
        if (manifest.IsSimulated)
        {
            throw new PilotException(NothingToMeasure, $"{directory} is a simulated run: it sent no request, so it has no tokens to measure. Run the pilot live.");
        }
        var cells = new Dictionary<(string, string), List<PilotUnit>>();
        long total = 0, failed = 0, simulated = 0, unreadable = 0;
        var errors = new List<UnitReadError>();
        try
        {
            foreach (var unit in RunDatabase.ReadUnits(path, errors, transcripts: true))
            {
                total++;
                if (unit.Status != UnitStatus.Done)
                {
                    failed++;
                    continue;
                }
                if (unit.Simulated == true)
                {
                    simulated++;
                    continue;
                }
                if (Measure(unit, experiment, prices) is not { } measured)
                {
                    unreadable++;
                    continue;
                }
                var key = (unit.Checkpoint, unit.Environment);
                if (!cells.TryGetValue(key, out var list))
                {
                    cells[key] = list = [];
                }
                list.Add(measured);
            }
        }
        catch (InvalidDataException e)
        {
            throw new PilotException(NotARunDirectory, e.Message);
        }
        unreadable += errors.Count;
        if (total + errors.Count == 0)
        {
            throw new PilotException(NothingToMeasure, $"{directory} holds no units: run the pilot first (for example run --limit 20 --out {directory}).");
        }
        var usable = cells.Values.Sum(c => c.Count);
        if (usable == 0)
        {
            throw new PilotException(NothingToMeasure, $"{directory} holds no done live unit to measure ({total} units: {failed} failed, {simulated} simulated, " +
                $"{unreadable} unreadable). Resume the pilot until some units are done.");
        }
        if (failed + simulated + unreadable > 0)
        {
            warnings.Add($"note: the pilot's {failed} failed, {simulated} simulated and {unreadable} unreadable units are left out of its means ({usable} measured).");
        }
        return new PilotSample(directory, cells.ToDictionary(c => c.Key, c => (IReadOnlyList<PilotUnit>)c.Value), warnings);
    }

    /// <summary>One done unit's requests, tokens and cost; null when its row or transcript cannot be read as a unit's.</summary>
    private static PilotUnit? Measure(UnitRecord unit, ExperimentDefinition experiment, PriceTable prices)
    {
        if (unit.TokensIn < 0 || unit.TokensOut < 0 || unit.TranscriptJson is null
            || experiment.Checkpoints.FirstOrDefault(c => c.Name == unit.Checkpoint) is not { } checkpoint)
        {
            return null;
        }
        try
        {
            using var document = JsonDocument.Parse(unit.TranscriptJson);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("turns", out var turnsElement) || !turnsElement.TryGetInt32(out var turns) || turns < 0)
            {
                return null;
            }
            var followupCount = root.TryGetProperty("followups", out var followups) && followups.ValueKind == JsonValueKind.Array ? followups.GetArrayLength() : 0;
            double judgeRequests = 0;
            long judgeIn = 0, judgeOut = 0;
            double cost = 0;
            var unpriced = new List<string>();
            void Charge(string model, long input, long output)
            {
                if (prices.Find(model) is { } price)
                {
                    cost += price.Cost(new Providers.TokenUsage((int)Math.Min(input, int.MaxValue), (int)Math.Min(output, int.MaxValue)));
                }
                else if (!unpriced.Contains(model))
                {
                    unpriced.Add(model);
                }
            }
            if (root.TryGetProperty("verdicts", out var verdicts) && verdicts.ValueKind == JsonValueKind.Array)
            {
                foreach (var verdict in verdicts.EnumerateArray())
                {
                    var attempts = verdict.TryGetProperty("attempts", out var a) && a.TryGetInt32(out var n) && n > 0 ? n : 1;
                    judgeRequests += attempts;
                    var usage = verdict.TryGetProperty("usage", out var u) && u.ValueKind == JsonValueKind.Object ? u : default;
                    long input = usage.ValueKind == JsonValueKind.Object && usage.TryGetProperty("input", out var i) && i.TryGetInt64(out var iv) ? Math.Max(0, iv) : 0;
                    long output = usage.ValueKind == JsonValueKind.Object && usage.TryGetProperty("output", out var o) && o.TryGetInt64(out var ov) ? Math.Max(0, ov) : 0;
                    judgeIn += input;
                    judgeOut += output;
                    // Priced as the plan's judge checkpoint would be now; a judge no longer declared by its recorded model.
                    var judgeCheckpoint = verdict.TryGetProperty("checkpoint", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;
                    var model = experiment.Checkpoints.FirstOrDefault(k => k.Name == judgeCheckpoint) is { } declared ? DeclaredEstimator.Model(declared)
                        : verdict.TryGetProperty("model", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString()! : "unknown judge";
                    Charge(model, input, output);
                }
            }
            Charge(DeclaredEstimator.Model(checkpoint), Math.Max(0, unit.TokensIn - judgeIn), Math.Max(0, unit.TokensOut - judgeOut));
            return new PilotUnit(new RequestMix(turns, followupCount, judgeRequests), unit.TokensIn, unit.TokensOut, unpriced.Count == 0 ? cost : null, unpriced);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
