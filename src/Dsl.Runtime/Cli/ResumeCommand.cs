using System.CommandLine;
using Scheme.Engine.Store;
using Scheme.Model;

namespace Scheme.Runtime.Cli;

/// <summary>
/// <c>resume DIR</c>: continues a stopped or killed run with the options it was started with (read from its
/// manifest), into the same directory: units already done are skipped, failed and unfinished ones run.
/// A few options may be given again to override the stored ones (concurrency, budget, endpoint, limits).
/// </summary>
public static class ResumeCommand
{
    private static readonly string[] Overridable = ["--concurrency", "--max-cost", "--endpoint", "--rpm", "--tpm", "--timeout", "--retries", "--retry-delay", "--cache", "--progress-interval", "--poll-interval", LockLocation.OptionName];

    public static Command Create(ExperimentDefinition experiment, TextWriter output, TextWriter errors, CancellationToken cancellationToken)
    {
        var directory = new Argument<string>("DIR") { Description = "The run directory to continue." };
        var overrides = new RunOptions();
        var command = new Command("resume", "Continue a stopped or killed run in its directory: nothing done is redone, nothing finished is lost.");
        command.Arguments.Add(directory);
        foreach (var option in overrides.All.Where(o => Overridable.Contains(o.Name)))
        {
            command.Options.Add(option);
        }
        command.SetAction(parse =>
        {
            var dir = parse.GetValue(directory)!;
            if (!File.Exists(Path.Combine(dir, SqliteRunStore.FileName)))
            {
                errors.WriteLine($"error: {dir} is not a run directory (no {SqliteRunStore.FileName}).");
                return RunnerHost.UsageError;
            }
            RunManifest? manifest;
            using (var store = SqliteRunStore.Open(dir))
            {
                manifest = store.ReadManifest();
            }
            if (manifest is { Arguments: ["merge", ..] })
            {
                // A merged run has no single command line to continue: its shards do.
                errors.WriteLine($"error: {dir} is a merge of shards: resume each unfinished shard directory, then merge them again into a new directory.");
                return RunnerHost.UsageError;
            }
            if (manifest is null || manifest.Arguments.Count == 0 || manifest.Arguments[0] != "run")
            {
                errors.WriteLine($"error: {dir} has no manifest of a run to resume.");
                return RunnerHost.UsageError;
            }
            var stored = Strip(manifest.Arguments.Skip(1).ToList(), ["--out", .. parse.Tokens.Where(t => t.Type == System.CommandLine.Parsing.TokenType.Option).Select(t => t.Value)]);
            // The overrides as typed: every token but the command's name and the directory.
            var given = parse.Tokens.Skip(1).Select(t => t.Value).ToList();
            given.Remove(dir);
            var options = new RunOptions();
            var run = options.AddTo(new Command("run"));
            // The lock is looked for where the run looked when it started (its manifest says), unless told otherwise.
            string[] lockAt = manifest.PreregistrationLockPath is { } recorded && !stored.Concat(given).Contains(LockLocation.OptionName)
                ? [LockLocation.OptionName, recorded] : [];
            var reparsed = run.Parse([.. stored, .. given, .. lockAt, "--out", dir]);
            if (reparsed.Errors.Count > 0)
            {
                foreach (var error in reparsed.Errors)
                {
                    errors.WriteLine("error: " + error.Message);
                }
                return RunnerHost.UsageError;
            }
            var request = options.Read(reparsed);
            return Interruptible.Run(token => new RunSession(experiment, output, errors).ExecuteAsync(request, manifest.Arguments, true, token),
                output, cancellationToken);
        });
        return command;
    }

    /// <summary>The arguments without the given options and their values (every option here takes one value, or none if boolean).</summary>
    private static List<string> Strip(List<string> arguments, IReadOnlyCollection<string> names)
    {
        var result = new List<string>();
        for (var i = 0; i < arguments.Count; i++)
        {
            if (names.Contains(arguments[i]))
            {
                if (i + 1 < arguments.Count && !arguments[i + 1].StartsWith("--", StringComparison.Ordinal))
                {
                    i++;
                }
                continue;
            }
            result.Add(arguments[i]);
        }
        return result;
    }
}
