using System.CommandLine;
using System.Globalization;
using Scheme.Runtime.Analysis;
using Scheme.Runtime.Model;
using Scheme.Runtime.Prereg;

namespace Scheme.Runtime.Cli;

/// <summary>
/// <c>analyze</c>: reads unit results (a JSONL export with <c>--data</c>, or a run directory with <c>--run-dir</c>),
/// prints the hypothesis table and writes analysis.json. Metric values come from each unit's <c>metrics</c> field
/// when present, else from the outcome of a plain <c>rate(outcome)</c> metric.
/// </summary>
public static class AnalyzeCommand
{
    /// <summary>Exit code when the data had malformed lines (they are reported and left out; outputs are still written).</summary>
    public const int MalformedData = 3;

    public static Command Create(ExperimentDefinition experiment, TextWriter output)
    {
        var inputs = new AnalysisInputOptions();
        var command = new Command("analyze", "Analyze results: metric table, preregistered hypotheses (confirmatory or exploratory), before/after per environment; writes analysis.json.");
        inputs.AddTo(command);
        command.SetAction(parse =>
        {
            var (result, exit) = inputs.Analyze(experiment, parse);
            if (result is null)
            {
                return exit;
            }
            var path = Path.Combine(inputs.OutputDirectory(parse), "analysis.json");
            AnalysisJson.Write(result, path);
            AnalysisSummary.Print(result, output);
            output.WriteLine($"Wrote {path}");
            return exit;
        });
        return command;
    }
}

/// <summary>The options <c>analyze</c> and <c>report</c> share, and the analysis they run.</summary>
internal sealed class AnalysisInputOptions
{
    private readonly Option<string?> _data = new("--data") { Description = "A JSONL export of unit results (any run, old or new)." };
    private readonly Option<string?> _runDir = new("--run-dir") { Description = "A run directory (reads its run.db)." };
    private readonly Option<string?> _lock = new("--lock") { Description = "The preregistration lock (default: ./prereg.lock if present)." };
    private readonly Option<string?> _firstUnit = new("--first-unit-time") { Description = "UTC time the first unit started (ISO 8601), when the data do not record it." };
    private readonly Option<string?> _out = new("--out") { Description = "Output directory (default: the run directory, else the current directory)." };

    public void AddTo(Command command)
    {
        command.Options.Add(_data);
        command.Options.Add(_runDir);
        command.Options.Add(_lock);
        command.Options.Add(_firstUnit);
        command.Options.Add(_out);
    }

    public string OutputDirectory(ParseResult parse)
    {
        var directory = parse.GetValue(_out) ?? parse.GetValue(_runDir) ?? ".";
        Directory.CreateDirectory(directory);
        return directory;
    }

    public (AnalysisResult? Result, int Exit) Analyze(ExperimentDefinition experiment, ParseResult parse)
    {
        var data = parse.GetValue(_data);
        var runDir = parse.GetValue(_runDir);
        if ((data is null) == (runDir is null))
        {
            Console.Error.WriteLine("Give exactly one of --data FILE (a JSONL export) or --run-dir DIR.");
            return (null, RunnerHost.UsageError);
        }
        if (data is not null && !File.Exists(data))
        {
            Console.Error.WriteLine($"No such file: {data}");
            return (null, RunnerHost.UsageError);
        }
        DateTimeOffset? firstUnit = null;
        if (parse.GetValue(_firstUnit) is { } text)
        {
            if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
            {
                Console.Error.WriteLine($"--first-unit-time: '{text}' is not a date and time (use ISO 8601, e.g. 2025-09-17T12:00:00Z).");
                return (null, RunnerHost.UsageError);
            }
            firstUnit = parsed;
        }
        var lockPath = parse.GetValue(_lock) ?? (File.Exists(PreregistrationLock.FileName) ? PreregistrationLock.FileName : null);
        PreregistrationLock? locked = null;
        if (lockPath is not null)
        {
            try
            {
                locked = PreregistrationLock.Read(lockPath);
            }
            catch (InvalidDataException e)
            {
                Console.Error.WriteLine(e.Message);
                return (null, RunnerHost.UsageError);
            }
        }
        var errors = new List<ResultReadError>();
        var units = data is not null ? ResultReader.ReadJsonl(data, errors) : ResultReader.ReadRunDirectory(runDir!, errors);
        if (runDir is not null && firstUnit is null && ResultReader.ReadManifest(runDir) is { } manifest)
        {
            firstUnit = manifest.StartedAt;
        }
        var result = ExperimentAnalyzer.Analyze(experiment, units,
            new AnalysisOptions(data ?? runDir!, errors, locked, lockPath, firstUnit));
        foreach (var error in errors.Take(20))
        {
            Console.Error.WriteLine(error);
        }
        if (errors.Count > 20)
        {
            Console.Error.WriteLine($"... and {errors.Count - 20} more malformed lines.");
        }
        return (result, errors.Count > 0 ? AnalyzeCommand.MalformedData : RunnerHost.Success);
    }
}
