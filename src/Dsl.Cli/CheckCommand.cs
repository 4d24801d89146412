using System.CommandLine;
using Scheme.Compiler.Emit;

namespace Scheme.Cli;

/// <summary><c>scheme check FILES...</c>: parse, bind and check; print every diagnostic.</summary>
internal static class CheckCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var files = new Argument<string[]>("files") { Description = ".scheme files to check (imports are followed).", Arity = ArgumentArity.OneOrMore };
        var projectDir = CompileCommand.ProjectDirectoryOption();
        var command = new Command("check", "Check .scheme files and print diagnostics; exit 1 on errors.");
        command.Arguments.Add(files);
        command.Options.Add(projectDir);
        command.SetAction(parse =>
        {
            var (result, exitCode) = CompilerRunner.Compile(parse.GetValue(files) ?? [], new EmitOptions(), parse.GetValue(projectDir), error);
            if (result is null)
            {
                return exitCode;
            }
            CompilerRunner.Print(result, output);
            return result.Success ? CommandLine.Success : CommandLine.CompileErrors;
        });
        return command;
    }
}
