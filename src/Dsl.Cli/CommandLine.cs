using System.CommandLine;

namespace Scheme.Cli;

/// <summary>
/// The <c>scheme</c> command line. Exit codes: 0 clean (warnings allowed), 1 errors in the .scheme files,
/// 2 bad usage (unknown option, missing file), 3 an internal compiler error.
/// </summary>
public static class CommandLine
{
    public const int Success = 0;
    public const int CompileErrors = 1;
    public const int UsageError = 2;
    public const int InternalError = 3;

    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        var root = new RootCommand("The .scheme experiment language: check and compile suites.");
        root.Subcommands.Add(CheckCommand.Create(output, error));
        root.Subcommands.Add(CompileCommand.Create(output, error));
        root.Subcommands.Add(FmtCommand.Create(output, error));
        root.Subcommands.Add(LspCommand.Create(error));
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var e in parse.Errors)
            {
                error.WriteLine($"scheme: {e.Message}");
            }
            error.WriteLine("Run 'scheme --help' for usage.");
            return UsageError;
        }
        return parse.Invoke(new InvocationConfiguration { Output = output, Error = error });
    }
}
