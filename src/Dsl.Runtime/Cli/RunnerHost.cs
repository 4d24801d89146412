using System.CommandLine;
using Scheme.Model;

namespace Scheme.Runtime.Cli;

/// <summary>
/// The command line of every generated runner. Generated code's Main calls <see cref="Run(string[], ExperimentDefinition, TextWriter?)"/>
/// with the compiled experiment.
/// </summary>
/// <remarks>Exit codes: 0 success, 1 some units failed, 2 bad usage or configuration, 3 stopped (Ctrl+C or budget),
/// 4 internal error (a bug or an unusable run directory: reported in one line, without a stack trace; a run.db that stops
/// taking writes, such as a full disk, is <c>error SCH9070</c>).</remarks>
public static class RunnerHost
{
    public const int Success = 0;
    public const int UnitsFailed = 1;
    public const int UsageError = 2;
    public const int Stopped = 3;
    public const int InternalError = 4;

    public static int Run(string[] args, ExperimentDefinition experiment, TextWriter? output = null) =>
        Run(args, experiment, output, null, CancellationToken.None);

    /// <param name="errors">Where errors and warnings go (default: standard error).</param>
    /// <param name="cancellationToken">Stops a run as Ctrl+C does (for hosts and tests).</param>
    public static int Run(string[] args, ExperimentDefinition experiment, TextWriter? output, TextWriter? errors, CancellationToken cancellationToken)
    {
        output ??= Console.Out;
        errors ??= Console.Error;
        var root = new RootCommand($"Runner of experiment {experiment.Name}" + (experiment.Title is null ? "" : $": {experiment.Title}"));
        root.Subcommands.Add(PlanCommand.Create(experiment, output, errors));
        root.Subcommands.Add(RunCommand.Create(experiment, output, errors, cancellationToken));
        root.Subcommands.Add(ResumeCommand.Create(experiment, output, errors, cancellationToken));
        root.Subcommands.Add(MergeCommand.Create(experiment, output, errors));
        root.Subcommands.Add(ExportCommand.Create(output, errors));
        root.Subcommands.Add(PreregCommand.Create(experiment, output, errors));
        root.Subcommands.Add(AnalyzeCommand.Create(experiment, output, errors));
        root.Subcommands.Add(DiagnoseCommand.Create(experiment, output, errors));
        root.Subcommands.Add(ReportCommand.Create(experiment, output, errors));
        root.Subcommands.Add(ReviewCommand.Create(experiment, output, errors));
        root.Subcommands.Add(ViewCommand.Create(experiment, output, errors, cancellationToken));
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            return ReportUsage(parse, errors);
        }
        try
        {
            return parse.Invoke(new InvocationConfiguration { Output = output, Error = errors, EnableDefaultExceptionHandler = false });
        }
        catch (InvalidDataException ex)
        {
            // A file the user gave (a run directory, a lock) that cannot be used: bad input, not a bug.
            errors.WriteLine("error: " + Scheme.Engine.Providers.SecretScrubber.For(experiment).Scrub(ex.Message));
            return UsageError;
        }
        catch (Exception ex) when (StoreWriteFailure(ex) is { } failure)
        {
            // Not a bug: the run directory stopped taking writes (disk full). What was committed stays; resume continues.
            errors.WriteLine($"error {Engine.Store.RunStoreWriteException.Code}: " + Scheme.Engine.Providers.SecretScrubber.For(experiment).Scrub(failure.Message));
            return InternalError;
        }
        catch (Exception ex)
        {
            errors.WriteLine("internal error: " + Scheme.Engine.Providers.SecretScrubber.For(experiment).Scrub(Engine.RunEngine.Describe(ex)));
            return InternalError;
        }
    }

    private static Engine.Store.RunStoreWriteException? StoreWriteFailure(Exception? ex) => ex switch
    {
        Engine.Store.RunStoreWriteException failure => failure,
        AggregateException aggregate => aggregate.InnerExceptions.Select(StoreWriteFailure).FirstOrDefault(f => f is not null),
        _ => null,
    };

    private static int ReportUsage(ParseResult parse, TextWriter errors)
    {
        foreach (var error in parse.Errors)
        {
            errors.WriteLine(error.Message);
        }
        errors.WriteLine("Run with --help to see the commands.");
        return UsageError;
    }
}
