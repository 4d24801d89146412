using Scheme.Runtime.Cli;
using Scheme.Runtime.Tests.Engine;

namespace Scheme.Runtime.Tests;

/// <summary>
/// Entry point of this assembly when it is started as a program rather than loaded by the test host:
/// <c>dotnet Dsl.Runtime.Tests.dll runner KEY_VARIABLE TASKS -- runner arguments</c> is a generated runner of
/// <see cref="TestExperiments.Agentic"/>, which the kill-and-resume test starts and kills with SIGKILL (<c>priced-runner</c>: on
/// gpt-4.1, for the spend of a killed session).
/// <c>sandbox-episode PARENT</c> opens a sandbox under PARENT, starts a command that never ends, prints the episode's folder
/// and user, and waits to be killed (<see cref="Sandbox.KilledRunnerTests"/>).
/// <c>shard-runner KEY_VARIABLE TASKS EPOCHS -- runner arguments</c> is a generated runner of <see cref="Shards.ShardExperiments.Sharded"/>,
/// which the shard tests start as parallel processes; <c>cache-writer DIR WRITER ROUNDS</c> writes and reads a shared
/// response cache (<see cref="Shards.SharedCacheTests"/>).
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
        if (args is ["runner-epochs", var variable, var taskCount, var epochCount, var killAt, .. var rest])
        {
            var sized = TestExperiments.Agentic(variable, tasks: int.Parse(taskCount, System.Globalization.CultureInfo.InvariantCulture),
                epochs: int.Parse(epochCount, System.Globalization.CultureInfo.InvariantCulture));
            return RunnerHost.Run(rest, sized, new GroupCommitKillTests.KillAtProgress(Console.Out, long.Parse(killAt, System.Globalization.CultureInfo.InvariantCulture)));
        }
        if (args is ["shard-runner", var keyVariable, var tasks, var epochs, ..])
        {
            var sharded = Shards.ShardExperiments.Sharded(keyVariable, int.Parse(tasks, System.Globalization.CultureInfo.InvariantCulture),
                int.Parse(epochs, System.Globalization.CultureInfo.InvariantCulture));
            return RunnerHost.Run(args[4..], sharded);
        }
        if (args is ["cache-writer", var directory, var writer, var rounds])
        {
            return Shards.SharedCacheTests.WriteAndRead(directory, int.Parse(writer, System.Globalization.CultureInfo.InvariantCulture),
                int.Parse(rounds, System.Globalization.CultureInfo.InvariantCulture));
        }
        if (args.Length < 3 || args[0] is not ("runner" or "priced-runner"))
        {
            Console.Error.WriteLine("usage: runner|priced-runner KEY_VARIABLE TASKS runner-arguments...");
            return 2;
        }
        // priced-runner: the same experiment on gpt-4.1 (agent and judge), which the price table knows (RunBudgetTests).
        var model = args[0] == "priced-runner" ? "gpt-4.1" : null;
        var experiment = TestExperiments.Agentic(args[1], tasks: int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture),
            agentModel: model ?? "fake-model", judgeModel: model ?? "fake-judge");
        return RunnerHost.Run(args[3..], experiment);
    }
}
