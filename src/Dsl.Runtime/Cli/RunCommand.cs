using System.CommandLine;
using Scheme.Model;

namespace Scheme.Runtime.Cli;

/// <summary><c>run</c>: runs the selected work units into a run directory.</summary>
public static class RunCommand
{
    public static Command Create(ExperimentDefinition experiment, TextWriter output, TextWriter errors, CancellationToken cancellationToken)
    {
        var options = new RunOptions();
        var command = options.AddTo(new Command("run", "Run the experiment's work units against the checkpoints (or simulated, with --offline) into a run directory."));
        command.SetAction(parse =>
        {
            var arguments = parse.Tokens.Select(t => t.Value).ToList();
            var request = options.Read(parse);
            return Interruptible.Run(token => new RunSession(experiment, output, errors).ExecuteAsync(request, arguments, false, token),
                output, cancellationToken);
        });
        return command;
    }
}
