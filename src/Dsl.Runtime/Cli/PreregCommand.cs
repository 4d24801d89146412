using System.CommandLine;
using Scheme.Analysis.Prereg;
using Scheme.Model;

namespace Scheme.Runtime.Cli;

/// <summary>
/// <c>prereg lock</c> writes prereg.lock (commit it beside the experiment, before any data exists);
/// <c>prereg verify</c> compares the compiled definition with it and exits non-zero on any difference.
/// </summary>
public static class PreregCommand
{
    /// <summary>Exit code of <c>prereg verify</c> when the definition differs from the lock (or there is no lock).</summary>
    public const int Mismatch = 1;

    public static Command Create(ExperimentDefinition experiment, TextWriter output, TextWriter errors)
    {
        var command = new Command("prereg", "Preregistration: lock the hypotheses, metrics, design and simulate block, or verify them against the lock.");
        command.Subcommands.Add(Lock(experiment, output, errors));
        command.Subcommands.Add(Verify(experiment, output, errors));
        return command;
    }

    private static Command Lock(ExperimentDefinition experiment, TextWriter output, TextWriter errors)
    {
        var dir = LockLocation.Option("to write", dirAlias: true);
        var force = new Option<bool>("--force") { Description = "Replace an existing lock that differs from the current definition." };
        var command = new Command("lock", "Write prereg.lock: the fingerprint of every preregistered part, the toolchain version, the git commit and the UTC time.");
        command.Options.Add(dir);
        command.Options.Add(force);
        command.SetAction(parse =>
        {
            var path = LockLocation.Resolve(parse.GetValue(dir));
            if (experiment.Preregistration is null)
            {
                errors.WriteLine($"Experiment {experiment.Name} has no preregistration fingerprints; rebuild it with a current compiler.");
                return RunnerHost.UsageError;
            }
            if (File.Exists(path) && !parse.GetValue(force))
            {
                var existing = PreregistrationLock.Read(path);
                if (existing.Overall == experiment.Preregistration.Overall)
                {
                    output.WriteLine($"{path} already locks this definition ({existing.Overall[..12]}, {existing.LockedAt:u}); left unchanged.");
                    return RunnerHost.Success;
                }
                errors.WriteLine($"{path} locks a different definition; 'prereg verify' shows how. Use --force to lock the current one (hypotheses then count as exploratory for data collected before).");
                return Mismatch;
            }
            var folder = Path.GetDirectoryName(path)!;
            Directory.CreateDirectory(folder);
            var locked = PreregistrationLock.Create(experiment, DateTimeOffset.UtcNow, PreregistrationLock.GitCommitOf(folder));
            locked.WriteTo(path);
            output.WriteLine($"Locked {locked.Parts.Count} parts of {experiment.Name} in {path}");
            output.WriteLine($"  overall {locked.Overall}");
            output.WriteLine($"  at {locked.LockedAt:u}, toolchain {locked.CompilerVersion}, commit {locked.GitCommit ?? "(not in a git repository)"}");
            output.WriteLine("Commit prereg.lock beside the experiment before collecting data.");
            return RunnerHost.Success;
        });
        return command;
    }

    private static Command Verify(ExperimentDefinition experiment, TextWriter output, TextWriter errors)
    {
        var dir = LockLocation.Option("to verify against", dirAlias: true);
        var command = new Command("verify", "Compare the compiled definition with prereg.lock; exit 1 on any difference.");
        command.Options.Add(dir);
        command.SetAction(parse =>
        {
            PreregistrationLock locked;
            try
            {
                locked = PreregistrationLock.Read(LockLocation.Resolve(parse.GetValue(dir)));
            }
            catch (InvalidDataException e)
            {
                errors.WriteLine(e.Message);
                return Mismatch;
            }
            if (experiment.Preregistration is null)
            {
                errors.WriteLine($"Experiment {experiment.Name} has no preregistration fingerprints to verify.");
                return Mismatch;
            }
            var changes = PreregistrationVerifier.Compare(locked, experiment.Preregistration);
            var problems = changes.Select(c => c.Describe()).ToList();
            if (locked.Experiment != experiment.Name)
            {
                problems.Insert(0, $"The lock is for experiment {locked.Experiment}, not {experiment.Name}.");
            }
            if (problems.Count == 0)
            {
                output.WriteLine($"Verified: {experiment.Name} matches prereg.lock ({locked.Overall[..12]}, locked {locked.LockedAt:u}).");
                return RunnerHost.Success;
            }
            output.WriteLine($"{experiment.Name} differs from prereg.lock (locked {locked.LockedAt:u}) in {problems.Count} place(s):");
            // A changed part's diff runs over several lines: each is indented under its part.
            foreach (var problem in problems)
            {
                var lines = problem.Split('\n');
                output.WriteLine("  " + lines[0]);
                foreach (var line in lines.Skip(1))
                {
                    output.WriteLine("      " + line);
                }
            }
            return Mismatch;
        });
        return command;
    }
}
