using System.Globalization;
using Scheme.Analysis.Prereg;
using Scheme.Engine;
using Scheme.Engine.Design;
using Scheme.Engine.Providers;
using Scheme.Engine.Store;
using Scheme.Model;

namespace Scheme.Runtime.Cli;

/// <summary>
/// One invocation of <c>run</c> or <c>resume</c>: selects the units, checks what would fail before any request
/// (providers, keys, unsupported conditions), opens the run directory's store and manifest, runs the engine
/// with a progress display, and reports. Returns the runner's exit code.
/// </summary>
public sealed class RunSession(ExperimentDefinition experiment, TextWriter output, TextWriter errors)
{
    /// <param name="arguments">The command line to store in a new manifest (resume keeps the original one).</param>
    public async Task<int> ExecuteAsync(RunRequest request, IReadOnlyList<string> arguments, bool resuming, CancellationToken cancellationToken)
    {
        if (RunOptions.Validate(request) is { } invalid)
        {
            return Usage(invalid, invalid.StartsWith(RunOptions.BadShard, StringComparison.Ordinal));
        }
        var runs = request.Run is null ? experiment.Runs : experiment.Runs.Where(r => r.Name == request.Run).ToList();
        if (runs.Count == 0)
        {
            return Usage(request.Run is null
                ? $"Experiment {experiment.Name} declares no run."
                : $"Unknown run '{request.Run}'. Runs: {string.Join(", ", experiment.Runs.Select(r => r.Name))}.");
        }
        foreach (var checkpoint in request.Checkpoints.Where(c => !runs.Any(r => r.Checkpoints.Contains(c))))
        {
            return Usage($"No selected run uses checkpoint '{checkpoint}'. Checkpoints: {string.Join(", ", runs.SelectMany(r => r.Checkpoints).Distinct())}.");
        }
        foreach (var environment in request.Environments.Where(e => !runs.Any(r => r.Environments.Contains(e))))
        {
            return Usage($"No selected run uses environment '{environment}'. Environments: {string.Join(", ", runs.SelectMany(r => r.Environments).Distinct())}.");
        }
        var units = Select(runs, request);
        if (request.ShardSpec is { } only)
        {
            // After --limit: the shards of a limited plan partition exactly the plan one process would run.
            units = units.Where(u => only.Contains(u.Id));
        }

        var settings = request.Settings;
        var (sandboxes, missing) = SandboxCheck.Prepare(SandboxCheck.Needed(experiment, runs, request));
        using var _ = sandboxes;
        if (missing.Count > 0)
        {
            foreach (var problem in missing)
            {
                errors.WriteLine(problem);
            }
            return RunnerHost.UsageError;
        }
        var prices = new PriceTable();
        prices.UnknownModel += model => errors.WriteLine($"warning: no price for model {model}: its cost counts as $0 and --max-cost does not limit it.");
        var meter = new CostMeter(prices);
        var counters = new RunCounters(meter);
        await using var registry = new ProviderRegistry(experiment, settings, meter, counters, sandboxes: sandboxes);
        var problems = registry.Validate(PlannedPairs(runs, request));
        if (settings.Batch)
        {
            // Said before anything is spent: these checkpoints' requests cannot go into a batch, and run live at list price.
            var selected = runs.SelectMany(r => r.Checkpoints).Where(c => request.Checkpoints.Count == 0 || request.Checkpoints.Contains(c))
                .Concat(experiment.Judges.Select(j => j.Checkpoint)).Distinct().Select(experiment.Checkpoint);
            foreach (var live in selected.Where(c => registry.KindOf(c) == ProviderRegistry.OpenAi && !registry.IsBatched(c)))
            {
                errors.WriteLine($"warning {BatchLive}: checkpoint '{live.Name}' (reasoning_format {live.ReasoningFormat}) sends raw completions, which " +
                    "the Batch API does not take: it runs live, at list price.");
            }
        }
        if (problems.Count > 0)
        {
            foreach (var problem in problems)
            {
                errors.WriteLine("error: " + problem);
            }
            return RunnerHost.UsageError;
        }

        // Read before the run directory is touched: a damaged lock refuses the run and leaves nothing behind.
        var preregistration = RunLock.Read(experiment, request.Lock, errors);
        if (preregistration is null)
        {
            return RunnerHost.UsageError;
        }
        var shard = request.ShardSpec;
        var hash = ExperimentHash.Compute(experiment);
        // resume names the shard's own directory; run names the whole run's folder, where each shard has its own.
        var directory = resuming ? request.Out!
            : shard is null ? request.Out ?? RunOptions.DefaultOut(experiment.Name, DateTimeOffset.UtcNow)
            : Path.Combine(request.Out ?? RunOptions.DefaultShardedOut(experiment.Name, hash), shard.DirectoryName);
        using var claim = RunDirectoryLock.TryAcquire(directory);
        if (claim is null)
        {
            return Usage($"Another runner is using {directory} (it holds {Path.Combine(directory, RunDirectoryLock.FileName)}). " +
                "Wait for it to finish, or stop it and resume; two runners in one directory would run every unit twice.");
        }
        var scrubber = SecretScrubber.For(experiment);
        using var store = SqliteRunStore.Open(directory);
        var existing = store.ReadManifest();
        if (existing is not null && (existing.Experiment != experiment.Name || existing.Hash != hash))
        {
            return Usage($"{directory} holds a run of {existing.Experiment} ({existing.Hash}), not of this runner's {experiment.Name} ({hash}). " +
                "Use another --out directory.");
        }
        if (existing is not null && existing.Shard != shard)
        {
            return Usage($"{directory} holds {(existing.Shard is null ? "a whole run" : $"shard {existing.Shard}")}, not " +
                $"{(shard is null ? "a whole run" : $"shard {shard}")}: use another --out directory.");
        }
        RunManifest manifest;
        if (existing is not null && resuming)
        {
            // The lock in force when the run started stays its lock; a change since is said, not recorded.
            manifest = existing with { EndedAt = null };
            RunLock.WarnIfChanged(existing, preregistration, errors);
        }
        else
        {
            var simulated = settings.Offline || runs.SelectMany(r => r.Checkpoints).Where(c => request.Checkpoints.Count == 0 || request.Checkpoints.Contains(c))
                .All(c => experiment.Checkpoint(c).Provider == ProviderRegistry.Simulated);
            // A new run into a directory that already holds units continues it (done units are skipped): it keeps the
            // lock the directory's run started under, and is simulated only if both runs are (its rows tell which is which).
            var started = existing?.PreregistrationHash is not null ? existing : null;
            manifest = new RunManifest(experiment.Name, hash, BuildInfo.CompilerVersion(), BuildInfo.GitCommit(),
                arguments.Select(a => scrubber.Scrub(a)!).ToList(), existing?.StartedAt ?? DateTimeOffset.UtcNow,
                PreregistrationHash: started?.PreregistrationHash ?? preregistration.Hash,
                PreregistrationLockPath: started is null ? preregistration.Path : started.PreregistrationLockPath,
                Simulated: simulated && (existing?.IsSimulated ?? true), Shard: shard);
            if (started is not null)
            {
                RunLock.WarnIfChanged(started, preregistration, errors);
            }
            else
            {
                RunLock.Announce(experiment, preregistration, output, errors);
            }
        }
        store.WriteManifest(manifest);
        output.WriteLine($"{(resuming ? "Resuming" : "Running")} {experiment.Name}{(shard is null ? "" : $" (shard {shard})")} into {directory}" +
            (manifest.IsSimulated ? " (SIMULATED: outcomes drawn from the simulate block; never confirmatory)" : ""));

        // A sharded run's budget is shared: the other shards' spent.json files beside this one count against it. (Trimmed:
        // `resume shard-1-of-4/` would otherwise take the shard itself for its parent, and see no sibling.)
        IReadOnlyList<string> siblings = shard is null ? [] : ShardSpec.SiblingDirectories(Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory)))!, shard);
        BatchRunner? batches = null;
        RunOutcome outcome;
        await using (var budget = new RunBudget(store, directory, meter, settings.MaxCostUsd, siblings, errors.WriteLine))
        {
            // Used up before this session: the engine then sends nothing and stops at once (exit 3), unless nothing is left to run.
            var usedUp = budget.IsReached;
            counters.Budget = budget;
            budget.Start();
            var interactive = ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected;
            async Task<RunOutcome> RunEngineAsync(IEnumerable<WorkUnit> selection, RunCounters roundCounters, Action<WorkUnit>? deferred)
            {
                var engine = new RunEngine(store, registry.LaneOf, meter, roundCounters, scrubber)
                {
                    Concurrency = settings.Concurrency,
                    // Batched too: a round's cache hits are free, so the budget stops only its live requests (harmony
                    // checkpoints, prefills); answers a stopped round did not use stay in the cache for resume. Batches are
                    // checked before each submission, at their worst-case cost (BatchRunner).
                    Budget = budget,
                    Deferred = deferred,
                };
                var run = engine.RunAsync(selection, cancellationToken);
                await ProgressDisplay.ShowAsync(roundCounters, run, output, interactive, request.ProgressInterval).ConfigureAwait(false);
                return await run.ConfigureAwait(false);
            }
            if (settings.Batch)
            {
                batches = new BatchRunner(store, registry.Batches, registry.Cache!, meter, scrubber, registry.BatchTarget, registry.BatchApi,
                    new BatchOptions(settings.PollInterval ?? TimeSpan.FromSeconds(30), (int)Math.Min(int.MaxValue, ProviderRegistry.MaxResponseBodyBytes(experiment) + (64 << 10))),
                    output);
                // Input files wait in the run directory until uploaded; any left by a killed runner are stale (their requests
                // are deferred again), and go.
                registry.Batches.SpoolDirectory = Path.Combine(directory, "batch-inputs");
                if (Directory.Exists(registry.Batches.SpoolDirectory))
                {
                    Directory.Delete(registry.Batches.SpoolDirectory, recursive: true);
                }
                // Each round counts its own units on the progress line; the first is the one that counts them all.
                var round = 0;
                outcome = await batches.RunAsync(units, (selection, deferred) => RunEngineAsync(selection, round++ == 0 ? counters : NewRoundCounters(), deferred),
                    extra => budget.MaxUsd is { } max && (extra <= 0 ? budget.IsReached : budget.RunTotalUsd + extra > max), cancellationToken).ConfigureAwait(false);
                RunCounters NewRoundCounters() => new(meter) { Budget = budget };
            }
            else
            {
                outcome = await RunEngineAsync(units, counters, null).ConfigureAwait(false);
            }
            outcome = outcome with { RunSpentUsd = budget.RunTotalUsd };
            if (usedUp && outcome.Reason == StopReason.Budget)
            {
                errors.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"error SCH9063: the --max-cost budget (${settings.MaxCostUsd:0.0000}) is already used up: this run has paid ${budget.RunTotalUsd:0.0000} (earlier sessions and shards).") +
                    " Nothing was sent; resume with a larger --max-cost to continue.");
            }
        }

        store.WriteManifest(manifest with { EndedAt = DateTimeOffset.UtcNow });
        Report(outcome, store, registry, directory, batches is not null);
        if (batches is not null)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Batch API: {batches.BatchesSubmitted} batch(es) with {batches.RequestsSubmitted} request(s) submitted by this process, " +
                $"{meter.BatchRequests} answer(s) read; ${meter.BatchSpentUsd:0.000000} of the spend went through batches, at {PriceTable.BatchDiscount:P0} of the list price."));
        }
        return outcome.Reason != StopReason.Completed ? RunnerHost.Stopped
            : outcome.Failed > 0 ? RunnerHost.UnitsFailed
            : RunnerHost.Success;
    }

    /// <summary>The selected units, lazily: re-enumerable, never materialized.</summary>
    public static IEnumerable<WorkUnit> Select(IReadOnlyList<RunDefinition> runs, ExperimentDefinition experiment, IReadOnlyCollection<string> checkpoints,
        IReadOnlyCollection<string> environments, long? limit)
    {
        var units = runs.SelectMany(r => DesignExpander.Expand(experiment, r))
            .Where(u => (checkpoints.Count == 0 || checkpoints.Contains(u.Checkpoint)) && (environments.Count == 0 || environments.Contains(u.Environment)));
        return limit is { } n ? units.Take(checked((int)Math.Min(n, int.MaxValue))) : units;
    }

    /// <summary>
    /// How many units the command line of a stored manifest selects, whole (without its --shard), or null when it cannot be
    /// read: what merge compares with the units the shards hold.
    /// </summary>
    public static long? PlannedUnits(ExperimentDefinition experiment, IReadOnlyList<string> arguments)
    {
        if (arguments.Count == 0 || arguments[0] != "run")
        {
            return null;
        }
        var options = new RunOptions();
        var parse = options.AddTo(new System.CommandLine.Command("run")).Parse(arguments.Skip(1).ToList());
        if (parse.Errors.Count > 0)
        {
            return null;
        }
        var request = options.Read(parse);
        var runs = request.Run is null ? experiment.Runs : experiment.Runs.Where(r => r.Name == request.Run).ToList();
        return Select(runs, experiment, request.Checkpoints.ToHashSet(), request.Environments.ToHashSet(), request.Limit).LongCount();
    }

    /// <summary>
    /// The (checkpoint, condition) pairs the selected units hold. Read from the runs' factors, which is exact and
    /// cheap however many epochs there are; with --limit, from the units themselves, since the first N units
    /// may hold only some of the pairs.
    /// </summary>
    private IEnumerable<(string Checkpoint, string Condition)> PlannedPairs(IReadOnlyList<RunDefinition> runs, RunRequest request)
    {
        if (request.Limit is not null)
        {
            return Select(runs, request).Select(u => (u.Checkpoint, u.Condition)).Distinct();
        }
        return runs
            .Where(r => request.Environments.Count == 0 || r.Environments.Any(request.Environments.Contains))
            .SelectMany(r => r.Checkpoints.Where(c => request.Checkpoints.Count == 0 || request.Checkpoints.Contains(c))
                .SelectMany(c => r.Conditions.Select(condition => (c, condition))));
    }

    private IEnumerable<WorkUnit> Select(IReadOnlyList<RunDefinition> runs, RunRequest request) =>
        Select(runs, experiment, request.Checkpoints.ToHashSet(), request.Environments.ToHashSet(), request.Limit);

    private void Report(RunOutcome outcome, SqliteRunStore store, ProviderRegistry registry, string directory, bool batched)
    {
        var reason = outcome.Reason switch
        {
            StopReason.Cancelled => "Stopped (cancelled): finished units are stored; continue with resume.",
            StopReason.Budget => string.Create(CultureInfo.InvariantCulture,
                $"Stopped: the --max-cost budget was reached (${outcome.RunSpentUsd:0.0000} spent by the run, ${outcome.SpentUsd:0.0000} of it by this process)") +
                "; continue with resume and a larger --max-cost.",
            _ => "Finished.",
        };
        output.WriteLine(reason);
        var prices = batched ? "batched requests at the batch price, others at list prices" : "requests answered by endpoints at list prices";
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{outcome.Total} units: {outcome.Done} done and {outcome.Failed} failed now, {outcome.Skipped} already done; " +
            $"${outcome.SpentUsd:0.0000} spent by this process, ${outcome.RunSpentUsd:0.0000} by the run so far, in {outcome.Elapsed.TotalSeconds:0.0} s " +
            $"({prices}; cache hits are free); peak memory {PeakMegabytes()} MB."));
        // A reviewed metric's stored value is its detector's (eligibility for review); its own values come from labels in analyze.
        var reviewed = experiment.Metrics.Where(m => m.Reviewed is not null).Select(m => m.Name).ToHashSet(StringComparer.Ordinal);
        var summary = store.MetricSummary(experiment.Metrics.Select(m => m.Name).Where(m => !reviewed.Contains(m)).ToList());
        if (summary.Count > 0)
        {
            output.WriteLine($"{"metric",-20} {"checkpoint",-14} {"environment",-24} {"condition",-20} {"units",7} {"mean",8}");
            foreach (var row in summary.Take(200))
            {
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{row.Metric,-20} {row.Checkpoint,-14} {row.Environment,-24} {row.Condition,-20} {row.Units,7} {row.Mean,8:0.0000}"));
            }
        }
        var missing = registry.SimulatedUnits.Unsimulated;
        if (missing.Count > 0)
        {
            errors.WriteLine($"warning: no simulated value for {missing.Count} metric cells, e.g. {string.Join("; ", missing.Take(5))}.");
        }
        if (outcome.Failed > 0)
        {
            var failed = store.Units().Where(u => u.Status == UnitStatus.Failed).Take(5);
            foreach (var unit in failed)
            {
                errors.WriteLine($"failed {unit.UnitId} ({unit.Checkpoint}/{unit.Environment}/{unit.Condition}): {unit.Error}");
            }
        }
        output.WriteLine($"Results in {Path.Combine(directory, SqliteRunStore.FileName)}.");
    }

    /// <summary>The process's peak resident memory (VmHWM on Linux), so a run reports what it needed.</summary>
    private static long PeakMegabytes()
    {
        using var self = System.Diagnostics.Process.GetCurrentProcess();
        return self.PeakWorkingSet64 / (1024 * 1024);
    }

    /// <summary>A checkpoint that runs live under --batch (a warning).</summary>
    public const string BatchLive = "SCH9069";

    /// <param name="coded">The message starts with its code ("SCH9050: ..."), written as "error SCH9050: ...".</param>
    private int Usage(string message, bool coded = false)
    {
        errors.WriteLine((coded || message.StartsWith("SCH", StringComparison.Ordinal) ? "error " : "error: ") + message);
        return RunnerHost.UsageError;
    }
}
