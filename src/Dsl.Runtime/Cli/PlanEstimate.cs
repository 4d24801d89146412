using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Scheme.Engine;
using Scheme.Engine.Estimate;
using Scheme.Model;

namespace Scheme.Runtime.Cli;

/// <summary>
/// <c>plan --estimate [--from PILOT_RUN_DIR]</c>: the bill before anything is spent, per (checkpoint, environment) cell
/// and per checkpoint, with the total and what it assumed (<see cref="CostEstimator"/>). A pilot directory that cannot
/// be used says why with its code (SCH9060-9062, exit 2).
/// </summary>
public static class PlanEstimate
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    public static int Execute(ExperimentDefinition experiment, IReadOnlyList<RunDefinition> runs, IReadOnlyList<string> checkpoints,
        IReadOnlyList<string> environments, long? limit, string? from, bool json, TextWriter output, TextWriter errors)
    {
        foreach (var checkpoint in checkpoints.Where(c => !runs.Any(r => r.Checkpoints.Contains(c))))
        {
            return Usage(errors, $"No selected run uses checkpoint '{checkpoint}'. Checkpoints: {string.Join(", ", runs.SelectMany(r => r.Checkpoints).Distinct())}.");
        }
        foreach (var environment in environments.Where(e => !runs.Any(r => r.Environments.Contains(e))))
        {
            return Usage(errors, $"No selected run uses environment '{environment}'. Environments: {string.Join(", ", runs.SelectMany(r => r.Environments).Distinct())}.");
        }
        if (limit < 0)
        {
            return Usage(errors, "--limit must not be negative.");
        }
        var prices = new PriceTable();
        PilotSample? pilot = null;
        if (from is not null)
        {
            try
            {
                pilot = PilotReader.Read(from, experiment, prices);
            }
            catch (PilotException e)
            {
                errors.WriteLine($"error {e.Code}: {e.Message}");
                return RunnerHost.UsageError;
            }
        }
        var units = RunSession.Select(runs, experiment, checkpoints.ToHashSet(), environments.ToHashSet(), limit);
        var estimate = CostEstimator.Estimate(experiment, units, prices, pilot);
        foreach (var warning in estimate.Warnings)
        {
            errors.WriteLine(warning);
        }
        if (json)
        {
            output.WriteLine(JsonSerializer.Serialize(estimate, Json));
        }
        else
        {
            Print(experiment, estimate, output);
        }
        return RunnerHost.Success;
    }

    private static void Print(ExperimentDefinition experiment, CostEstimate estimate, TextWriter output)
    {
        output.WriteLine($"Estimate for {experiment.Name}, before anything is spent:");
        var header = $"{"checkpoint",-16} {"environment",-24} {"units",9} {"per unit t+f+j",15} {"requests",11} {"input tokens",15} {"output tokens",15} {"cost",12} {"95% range",23}  basis";
        output.WriteLine(header);
        foreach (var cell in estimate.Cells)
        {
            output.WriteLine(Row(cell.Checkpoint, cell.Environment, cell.Units, Mix(cell.PerUnit), cell.Requests, cell.InputTokens, cell.OutputTokens, cell.CostUsd, cell.CostLowUsd,
                cell.CostHighUsd, cell.UnpricedModels, Basis(cell)));
        }
        if (estimate.Cells.Select(c => c.Checkpoint).Distinct().Count() > 1)
        {
            foreach (var group in estimate.Cells.GroupBy(c => c.Checkpoint))
            {
                var unpriced = group.SelectMany(c => c.UnpricedModels).Distinct().ToList();
                double? cost = unpriced.Count > 0 ? null : group.Sum(c => c.CostUsd!.Value);
                output.WriteLine(Row(group.Key, "(all)", group.Sum(c => c.Units), "", group.Sum(c => c.Requests), group.Sum(c => c.InputTokens),
                    group.Sum(c => c.OutputTokens), cost, null, null, unpriced, "checkpoint total"));
            }
        }
        output.WriteLine(Row("Total", "", estimate.Units, "", estimate.Requests, estimate.InputTokens, estimate.OutputTokens, estimate.CostUsd,
            estimate.CostLowUsd, estimate.CostHighUsd, estimate.UnpricedModels, ""));
        if (estimate.UnpricedModels.Count > 0)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Cost unknown: no list price for {string.Join(", ", estimate.UnpricedModels)} (not $0; the priced cells alone come to ${estimate.KnownCostUsd:#,0.0000})."));
        }
        output.WriteLine("Assumptions:");
        foreach (var assumption in estimate.Assumptions)
        {
            output.WriteLine("  - " + assumption);
        }
    }

    private static string Basis(CellEstimate cell) => cell.Basis switch
    {
        EstimateBasis.Pilot => $"pilot (n={cell.PilotUnits})",
        EstimateBasis.DeclaredNotInPilot => "declared upper bound (NOT IN PILOT)",
        EstimateBasis.Simulated => "simulated: nothing sent",
        _ => "declared upper bound",
    };

    /// <summary>Requests per unit as turns+follow-ups+judges, e.g. 3+1+1 (one decimal for pilot means).</summary>
    private static string Mix(RequestMix mix) => string.Join("+", new[] { mix.Turns, mix.Followups, mix.Judges }
        .Select(v => v.ToString(Math.Abs(v - Math.Round(v)) < 0.05 ? "0" : "0.0", CultureInfo.InvariantCulture)));

    private static string Row(string checkpoint, string environment, long units, string mix, double requests, double input, double outputTokens, double? cost,
        double? low, double? high, IReadOnlyList<string> unpriced, string basis)
    {
        var money = cost is { } c ? Money(c) : "unknown";
        var range = low is { } l && high is { } h && h > l ? $"{Money(l)}-{Money(h)}" : "";
        return string.Create(CultureInfo.InvariantCulture,
            $"{checkpoint,-16} {environment,-24} {units,9:N0} {mix,15} {requests,11:N0} {input,15:N0} {outputTokens,15:N0} {money,12} {range,23}  {basis}") +
            (cost is null && unpriced.Count > 0 ? $" (no price: {string.Join(", ", unpriced)})" : "");
    }

    private static string Money(double usd) => string.Create(CultureInfo.InvariantCulture, $"${usd:#,0.0000}");

    private static int Usage(TextWriter errors, string message)
    {
        errors.WriteLine("error: " + message);
        return RunnerHost.UsageError;
    }
}
