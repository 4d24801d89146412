using System.CommandLine;
using Scheme.Compiler;
using Scheme.Compiler.Formatting;

namespace Scheme.Cli;

/// <summary>
/// <c>scheme fmt FILES... [--check]</c>: rewrite .scheme files in canonical layout. Exit 0 when every file is (now)
/// formatted, 1 when a file does not parse, cannot be read or written, or (with --check) is not formatted, 2 for a
/// missing file, 3 for a formatter bug. Every file is tried even when an earlier one fails.
/// </summary>
internal static class FmtCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var files = new Argument<string[]>("files") { Description = ".scheme files to format in place.", Arity = ArgumentArity.OneOrMore };
        var check = new Option<bool>("--check") { Description = "Write nothing; list the files that are not formatted and exit 1 if there are any." };
        var command = new Command("fmt", "Format .scheme files in canonical layout (comments kept, meaning unchanged).");
        command.Arguments.Add(files);
        command.Options.Add(check);
        command.SetAction(parse => Run(parse.GetValue(files) ?? [], parse.GetValue(check), output, error));
        return command;
    }

    private static int Run(IReadOnlyList<string> paths, bool check, TextWriter output, TextWriter error)
    {
        var exit = CommandLine.Success;
        foreach (var path in paths)
        {
            FileFormatOutcome? outcome = null;
            Exception? failure = null;
            try
            {
                // The formatter recurses over the parse tree: a large stack keeps a pathological file a diagnostic.
                outcome = BigStack.Run(() => FileFormatter.Run(path, check));
            }
            catch (Exception e)
            {
                failure = e;
            }
            if (failure is not null)
            {
                error.WriteLine($"{path}: error {FileFormatter.FormatterError}: Internal formatter error ({failure.GetType().Name}: {failure.Message}); " +
                    "the file was left unchanged. Please report it with the file.");
                exit = Math.Max(exit, CommandLine.InternalError);
                continue;
            }
            exit = Math.Max(exit, Report(outcome!, output, error));
        }
        return exit;
    }

    private static int Report(FileFormatOutcome outcome, TextWriter output, TextWriter error)
    {
        foreach (var diagnostic in outcome.Errors)
        {
            output.WriteLine(diagnostic.ToString());
        }
        switch (outcome.Status)
        {
            case FileFormatStatus.Unchanged:
                return CommandLine.Success;
            case FileFormatStatus.Changed when outcome.Problem is null:
                return CommandLine.Success;
            case FileFormatStatus.Changed:
                output.WriteLine(outcome.Problem);
                return CommandLine.CompileErrors;
            case FileFormatStatus.SyntaxErrors:
                return CommandLine.CompileErrors;
            case FileFormatStatus.NotFound:
                error.WriteLine(outcome.Problem);
                return CommandLine.UsageError;
            default:
                error.WriteLine(outcome.Problem);
                return outcome.Code == FileFormatter.FormatterError ? CommandLine.InternalError : CommandLine.CompileErrors;
        }
    }
}
