using Scheme.Runtime.Cli;
using Scheme.Runtime.Tests.Engine;

namespace Scheme.Runtime.Tests;

/// <summary>
/// Entry point of this assembly when it is started as a program rather than loaded by the test host:
/// <c>dotnet Dsl.Runtime.Tests.dll runner KEY_VARIABLE TASKS -- runner arguments</c> is a generated runner of
/// <see cref="TestExperiments.Agentic"/>, which the kill-and-resume test starts and kills with SIGKILL.
/// <c>sandbox-episode PARENT</c> opens a sandbox under PARENT, starts a command that never ends, prints the episode's folder
/// and user, and waits to be killed (<see cref="Sandbox.KilledRunnerTests"/>).
/// <c>runner-epochs KEY_VARIABLE TASKS EPOCHS KILL_AT -- runner arguments</c> is the same runner with TASKS x EPOCHS units, which
/// SIGKILLs itself when its progress line first shows KILL_AT units finished (<see cref="GroupCommitKillTests"/>).
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args is ["sandbox-episode", var parent] && OperatingSystem.IsLinux())
        {
            return Sandbox.KilledRunnerTests.HoldAnEpisode(parent);
        }
        if (args is ["runner-epochs", var variable, var tasks, var epochs, var killAt, .. var rest])
        {
            var sized = TestExperiments.Agentic(variable, tasks: int.Parse(tasks, System.Globalization.CultureInfo.InvariantCulture),
                epochs: int.Parse(epochs, System.Globalization.CultureInfo.InvariantCulture));
            return RunnerHost.Run(rest, sized, new GroupCommitKillTests.KillAtProgress(Console.Out, long.Parse(killAt, System.Globalization.CultureInfo.InvariantCulture)));
        }
        if (args.Length < 3 || args[0] != "runner")
        {
            Console.Error.WriteLine("usage: runner KEY_VARIABLE TASKS runner-arguments...");
            return 2;
        }
        var experiment = TestExperiments.Agentic(args[1], tasks: int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture));
        return RunnerHost.Run(args[3..], experiment);
    }
}
