using Scheme.Analysis.Prereg;
using Scheme.Engine.Store;
using Scheme.Model;

namespace Scheme.Runtime.Cli;

/// <summary>The preregistration lock a run records when it starts: its hash, or <see cref="RunManifest.NoLock"/>, and where it was looked for.</summary>
internal sealed record RunLock(string Path, string Hash, PreregistrationLock? Lock)
{
    /// <summary>The lock at <paramref name="given"/> (or the default location); null, with the error written, when a file is there but is not a lock.</summary>
    public static RunLock? Read(ExperimentDefinition experiment, string? given, TextWriter errors)
    {
        var path = LockLocation.Resolve(given);
        if (!File.Exists(path))
        {
            return new RunLock(path, RunManifest.NoLock, null);
        }
        try
        {
            var locked = PreregistrationLock.Read(path);
            return new RunLock(path, locked.Overall, locked);
        }
        catch (InvalidDataException e)
        {
            // A damaged lock must not be recorded as "no lock": the researcher fixes it, or names another with --lock.
            errors.WriteLine($"error: {e.Message} Fix it (prereg lock --force rewrites it), or give another with {LockLocation.OptionName}.");
            return null;
        }
    }

    /// <summary>Says what a new run records: the lock, or that there is none (its hypotheses will be exploratory).</summary>
    public static void Announce(ExperimentDefinition experiment, RunLock current, TextWriter output, TextWriter errors)
    {
        if (current.Lock is not { } locked)
        {
            errors.WriteLine($"warning: no preregistration lock at {current.Path}; this run records \"{RunManifest.NoLock}\", so its hypotheses are exploratory. " +
                $"Lock first with 'prereg lock' (or name the lock with {LockLocation.OptionName}).");
            return;
        }
        output.WriteLine($"Preregistration lock {Short(locked.Overall)} ({current.Path}) recorded in the run.");
        if (locked.Experiment != experiment.Name || (experiment.Preregistration is { } digest && digest.Overall != locked.Overall))
        {
            errors.WriteLine($"warning: {current.Path} does not lock this definition of {experiment.Name}: hypotheses that changed since will be exploratory ('prereg verify' shows how).");
        }
    }

    /// <summary>On resume: the run keeps the lock it started under; says so when the lock found now differs.</summary>
    public static void WarnIfChanged(RunManifest started, RunLock current, TextWriter errors)
    {
        if (started.PreregistrationHash is not { } recorded)
        {
            errors.WriteLine("warning: this run's manifest does not record the preregistration lock it started under (an older runtime); it is left unrecorded.");
            return;
        }
        if (recorded == current.Hash)
        {
            return;
        }
        var then = recorded == RunManifest.NoLock ? "no lock" : $"lock {Short(recorded)}";
        var now = current.Lock is null ? $"no lock at {current.Path}" : $"lock {Short(current.Hash)} at {current.Path}";
        errors.WriteLine($"warning: the preregistration lock changed since this run started: it started under {then}, and there is now {now}. " +
            $"The run keeps {then}; analyze reports the difference.");
    }

    private static string Short(string hash) => hash.Length > 12 ? hash[..12] : hash;
}
