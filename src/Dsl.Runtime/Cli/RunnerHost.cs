using System.CommandLine;
using Scheme.Runtime.Design;
using Scheme.Runtime.Model;

namespace Scheme.Runtime.Cli;

/// <summary>
/// The command line of every generated runner. Generated code's Main calls <see cref="Run"/> with the
/// compiled experiment.
/// </summary>
public static class RunnerHost
{
    public const int Success = 0;
    public const int UsageError = 2;

    public static int Run(string[] args, ExperimentDefinition experiment, TextWriter? output = null)
    {
        output ??= Console.Out;
        var root = new RootCommand($"Runner of experiment {experiment.Name}" + (experiment.Title is null ? "" : $": {experiment.Title}"));
        root.Subcommands.Add(PlanCommand.Create(experiment, output));
        root.Subcommands.Add(PreregCommand.Create(experiment, output));
        root.Subcommands.Add(AnalyzeCommand.Create(experiment, output));
        root.Subcommands.Add(DiagnoseCommand.Create(experiment, output));
        root.Subcommands.Add(ReportCommand.Create(experiment, output));
        var parse = root.Parse(args);
        return parse.Errors.Count > 0 ? ReportUsage(parse, output) : parse.Invoke();
    }

    private static int ReportUsage(ParseResult parse, TextWriter output)
    {
        foreach (var error in parse.Errors)
        {
            Console.Error.WriteLine(error.Message);
        }
        Console.Error.WriteLine("Run with --help to see the commands.");
        return UsageError;
    }
}
