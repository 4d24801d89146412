using System.CommandLine;
using System.Globalization;
using Scheme.Analysis;
using Scheme.Analysis.Prereg;
using Scheme.Engine.Store;
using Scheme.Model;

namespace Scheme.Runtime.Cli;

/// <summary>
/// <c>analyze</c>: reads unit results (a JSONL export with <c>--data</c>, or a run directory given as <c>DIR</c> or <c>--run-dir</c>),
/// prints the metric and hypothesis tables and writes analysis.json. Metric values come from each unit's <c>metrics</c>
/// field when present, else from the outcome of a plain <c>rate(outcome)</c> metric. Exit codes: 0 done; 2 bad input
/// (usage, a file that is not a run database, units that do not fit the design without <c>--drop-invalid</c>), with
/// nothing written; 3 malformed lines were left out (outputs written).
/// </summary>
public static class AnalyzeCommand
{
    /// <summary>Exit code when the data had malformed lines (they are reported and left out; outputs are still written).</summary>
    public const int MalformedData = 3;

    /// <param name="errors">Where errors go (the host's error writer), so hosts and tests can capture them.</param>
    public static Command Create(ExperimentDefinition experiment, TextWriter output, TextWriter errors)
    {
        var inputs = new AnalysisInputOptions();
        var command = new Command("analyze", "Analyze results: metric table, preregistered hypotheses (confirmatory or exploratory), before/after per environment; writes analysis.json.");
        inputs.AddTo(command);
        command.SetAction(parse =>
        {
            var (result, exit) = inputs.Analyze(experiment, parse, errors);
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
    private readonly Argument<string?> _dir = new("DIR") { Description = "A run directory (reads its run.db); the same as --run-dir.", Arity = ArgumentArity.ZeroOrOne };
    private readonly Option<string?> _runDir = new("--run-dir") { Description = "A run directory (reads its run.db)." };
    private readonly Option<string?> _lock = LockLocation.Option("to judge the hypotheses against");
    private readonly Option<string?> _firstUnit = new("--first-unit-time") { Description = "UTC time the first unit started (ISO 8601), when the data do not record it." };
    private readonly Option<string?> _labels = new("--labels")
    {
        Description = "Review labels exported beside --data (units.labels.jsonl, .csv or .parquet); a run directory's own labels are read from its run.db.",
    };
    private readonly Option<string?> _out = new("--out") { Description = "Output directory (default: the run directory, else the current directory)." };
    private readonly Option<bool> _dropInvalid = new("--drop-invalid")
    {
        Description = "Leave out units that do not fit the design (duplicates, undeclared or foreign coordinates, epochs beyond the run's) and say how many and why, instead of refusing the data.",
    };

    public void AddTo(Command command)
    {
        command.Arguments.Add(_dir);
        command.Options.Add(_data);
        command.Options.Add(_runDir);
        command.Options.Add(_lock);
        command.Options.Add(_firstUnit);
        command.Options.Add(_labels);
        command.Options.Add(_out);
        command.Options.Add(_dropInvalid);
    }

    /// <summary>The run directory given (DIR or --run-dir), or null for --data.</summary>
    public string? RunDirectory(ParseResult parse) => parse.GetValue(_dir) ?? parse.GetValue(_runDir);

    public string OutputDirectory(ParseResult parse)
    {
        var directory = parse.GetValue(_out) ?? parse.GetValue(_dir) ?? parse.GetValue(_runDir) ?? ".";
        Directory.CreateDirectory(directory);
        return directory;
    }

    public (AnalysisResult? Result, int Exit) Analyze(ExperimentDefinition experiment, ParseResult parse, TextWriter errorWriter)
    {
        var data = parse.GetValue(_data);
        var positional = parse.GetValue(_dir);
        var runDir = parse.GetValue(_runDir);
        if (positional is not null && runDir is not null && !SamePath(positional, runDir))
        {
            errorWriter.WriteLine($"error: the run directory is given twice, differently: {positional} and --run-dir {runDir}.");
            return (null, RunnerHost.UsageError);
        }
        runDir ??= positional;
        if ((data is null) == (runDir is null))
        {
            errorWriter.WriteLine("error: give exactly one of --data FILE (a JSONL export) or a run directory (DIR or --run-dir DIR).");
            return (null, RunnerHost.UsageError);
        }
        if (data is not null && !File.Exists(data))
        {
            errorWriter.WriteLine($"error: no such file: {data}");
            return (null, RunnerHost.UsageError);
        }
        if (runDir is not null && !File.Exists(Path.Combine(runDir, SqliteRunStore.FileName)))
        {
            errorWriter.WriteLine($"error: {runDir} is not a run directory (no {SqliteRunStore.FileName}).");
            return (null, RunnerHost.UsageError);
        }
        DateTimeOffset? firstUnit = null;
        if (parse.GetValue(_firstUnit) is { } text)
        {
            if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
            {
                errorWriter.WriteLine($"error: --first-unit-time: '{text}' is not a date and time (use ISO 8601, e.g. 2025-09-17T12:00:00Z).");
                return (null, RunnerHost.UsageError);
            }
            firstUnit = parsed;
        }
        // The lock every command finds (beside the project, or --lock); a lock named explicitly must exist.
        if (!LockLocation.TryReadForAnalysis(parse.GetValue(_lock), errorWriter, out var locked, out var lockPath))
        {
            return (null, RunnerHost.UsageError);
        }
        var readErrors = new List<UnitReadError>();
        var invalid = new List<InvalidUnit>();
        var drop = parse.GetValue(_dropInvalid);
        var source = data ?? Path.Combine(runDir!, SqliteRunStore.FileName);
        AnalysisResult result;
        try
        {
            if (runDir is not null && firstUnit is null)
            {
                firstUnit = ResultReader.ReadRunStart(runDir);
            }
            // The lock the run recorded when it started, to compare with the one used (a JSONL export records none).
            var runLock = runDir is null ? null : RunDatabase.ReadManifest(Path.Combine(runDir, SqliteRunStore.FileName))?.PreregistrationHash;
            var units = data is not null ? ResultReader.ReadJsonl(data, readErrors) : ResultReader.ReadRunDirectory(runDir!, readErrors);
            // Human review labels: the run's own, or those exported beside a JSONL (--labels); none for data without them.
            var labelsFile = parse.GetValue(_labels);
            IReadOnlyList<ReviewLabel>? labels = labelsFile is not null ? ReviewLabelExport.Read(labelsFile)
                : runDir is not null ? ReviewLabels.Read(Path.Combine(runDir, SqliteRunStore.FileName)) : null;
            var valid = new UnitValidator(experiment).Filter(units, source, invalid);
            result = ExperimentAnalyzer.Analyze(experiment, valid,
                new AnalysisOptions(data ?? runDir!, readErrors, locked, lockPath, firstUnit, Dropped: drop ? invalid : null, RunLockHash: runLock, Labels: labels));
            if (result.Preregistration.RunLockMismatch is { } mismatch)
            {
                errorWriter.WriteLine("warning: " + mismatch);
            }
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            errorWriter.WriteLine("error: " + e.Message);
            return (null, RunnerHost.UsageError);
        }
        foreach (var error in readErrors.Take(20))
        {
            errorWriter.WriteLine(error);
        }
        if (readErrors.Count > 20)
        {
            errorWriter.WriteLine($"... and {readErrors.Count - 20} more malformed lines.");
        }
        if (invalid.Count > 0 && !drop)
        {
            foreach (var unit in invalid.Take(20))
            {
                errorWriter.WriteLine("error: " + unit);
            }
            if (invalid.Count > 20)
            {
                errorWriter.WriteLine($"... and {invalid.Count - 20} more.");
            }
            errorWriter.WriteLine($"error: {invalid.Count} unit(s) do not fit the design of {experiment.Name} ({AnalysisText.Counts(invalid.GroupBy(u => u.Reason).Select(g => (g.Key, (long)g.Count())))}); " +
                "nothing was written. Fix the data, or pass --drop-invalid to leave them out.");
            return (null, RunnerHost.UsageError);
        }
        return (result, readErrors.Count > 0 ? AnalyzeCommand.MalformedData : RunnerHost.Success);
    }

    private static bool SamePath(string a, string b) =>
        string.Equals(Path.TrimEndingDirectorySeparator(Path.GetFullPath(a)), Path.TrimEndingDirectorySeparator(Path.GetFullPath(b)),
            OperatingSystem.IsWindows() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal);
}
