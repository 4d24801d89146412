using System.CommandLine;
using System.Text.Json;
using Scheme.Analysis;
using Scheme.Analysis.Power;
using Scheme.Model;

namespace Scheme.Runtime.Cli;

/// <summary><c>diagnose</c>: power by simulation from a simulate block, before any data (and money) exist.</summary>
public static class DiagnoseCommand
{
    /// <param name="errors">Where errors go (the host's error writer).</param>
    public static Command Create(ExperimentDefinition experiment, TextWriter output, TextWriter errors)
    {
        var scenario = new Option<string?>("--scenario") { Description = "The simulate block to take as the truth (default: the unnamed one)." };
        var replicates = new Option<int>("--replicates") { Description = "Simulated experiments per power estimate.", DefaultValueFactory = _ => 2_000 };
        var seed = new Option<long?>("--seed") { Description = "Seed of the simulation (default: the experiment's seed)." };
        var maxEpochs = new Option<int>("--max-epochs") { Description = "Largest epochs the 80%/90% power search tries.", DefaultValueFactory = _ => 100_000 };
        var noSearch = new Option<bool>("--no-search") { Description = "Only the declared epochs; skip the search for 80% and 90% power." };
        var json = new Option<string?>("--json") { Description = "Also write the diagnosis as JSON to this file." };
        var command = new Command("diagnose", "Power by simulation per hypothesis: power at the declared epochs, epochs for 80% and 90% power, false-positive rate under the null, interval coverage.");
        foreach (var option in new Option[] { scenario, replicates, seed, maxEpochs, noSearch, json })
        {
            command.Options.Add(option);
        }
        command.SetAction(parse =>
        {
            var name = parse.GetValue(scenario);
            if (name is not null && experiment.Simulation.All(s => s.Scenario != name))
            {
                errors.WriteLine($"error: no simulate block '{name}'. Blocks: {string.Join(", ", experiment.Simulation.Select(s => s.Scenario).Distinct())}.");
                return RunnerHost.UsageError;
            }
            if (parse.GetValue(replicates) < 10)
            {
                errors.WriteLine("error: --replicates must be at least 10.");
                return RunnerHost.UsageError;
            }
            var report = PowerSimulator.Diagnose(experiment, new PowerOptions(name, parse.GetValue(replicates), parse.GetValue(seed),
                parse.GetValue(maxEpochs), !parse.GetValue(noSearch)));
            Print(report, output);
            if (parse.GetValue(json) is { } path)
            {
                File.WriteAllText(path, JsonSerializer.Serialize(report, AnalysisJson.Options));
                output.WriteLine($"Wrote {path}");
            }
            return RunnerHost.Success;
        });
        return command;
    }

    public static void Print(PowerReport report, TextWriter output)
    {
        output.WriteLine($"Power of {report.Experiment} under simulate block '{report.Scenario}' ({report.Replicates} replicates, seed {report.Seed}); " +
            "each family's p-values corrected together, as analyze does.");
        output.WriteLine($"{"hypothesis",-12} {"test",-17} {"alpha",6} {"epochs",7} {"units L/R",-13} {"truth",9} {"power",14} {"80% at",7} {"90% at",7} {"false pos.",10} {"coverage",8}");
        foreach (var h in report.Hypotheses)
        {
            var power = h.Power is { } p ? $"{AnalysisText.Percent(p)} ±{AnalysisText.Percent(h.PowerStandardError)}" : "-";
            output.WriteLine($"{h.Name,-12} {h.Test,-17} {h.Alpha,6} {h.Epochs,7} {$"{h.LeftUnits}/{h.RightUnits}",-13} {AnalysisText.Number(h.TrueValue),9} {power,14} {Epochs(h.EpochsFor80),7} {Epochs(h.EpochsFor90),7} {AnalysisText.Percent(h.FalsePositiveRate),10} {AnalysisText.Percent(h.Coverage),8}");
            foreach (var note in h.Notes)
            {
                output.WriteLine($"    note: {note}");
            }
        }
        foreach (var family in report.Families ?? [])
        {
            output.WriteLine($"Family {family.Name} ({family.Correction}, {string.Join(", ", family.Hypotheses)}): all supported " +
                $"{AnalysisText.Percent(family.AllSupported)}, at least one {AnalysisText.Percent(family.AnySupported)}.");
        }
    }

    private static string Epochs(int? epochs) => epochs?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-";
}
