using System.CommandLine;
using Scheme.Engine;
using Scheme.Engine.Store;
using Scheme.Model;
using Scheme.Runtime.Cli.Cluster;

namespace Scheme.Runtime.Cli;

/// <summary>
/// The options of <c>plan --emit slurm|k8s</c>: how many shards, where the run goes, the runner's command and extra
/// arguments (after <c>--</c>), and the resources of one shard. Errors are SCH9059 (exit 2, nothing written).
/// </summary>
public sealed class ClusterOptions
{
    public const string BadOption = "SCH9059";

    public Option<string?> Emit { get; } = new("--emit") { Description = "Write a cluster job instead of the plan: slurm (an array job script) or k8s (an Indexed Job manifest, JSON)." };
    public Option<int?> Shards { get; } = new("--shards") { Description = "How many shards (array tasks, or pods) the run is split into." };
    public Option<string?> Out { get; } = new("--out") { Description = "The whole run's folder, on storage every node sees (default: runs/<experiment>-<hash>; with k8s, under --mount-path)." };
    public Option<string?> Output { get; } = new("--output") { Description = "Write the job file here instead of printing it." };
    public Option<string?> Runner { get; } = new("--runner") { Description = "The runner's executable on the nodes (default: this runner's path; with k8s, /app/<experiment> in the image)." };
    public Option<string?> Endpoint { get; } = new("--endpoint") { Description = "The --endpoint every shard's run uses, e.g. the vLLM server the Slurm task starts: http://127.0.0.1:8000/v1." };
    public Option<int> Cpus { get; } = new("--cpus") { Description = "CPUs per shard.", DefaultValueFactory = _ => 4 };
    public Option<string?> Memory { get; } = new("--memory") { Description = "Memory per shard, as the scheduler spells it: 16G for Slurm, 16Gi for Kubernetes." };
    public Option<int> Gpus { get; } = new("--gpus") { Description = "GPUs per shard (Slurm --gres=gpu:N; Kubernetes nvidia.com/gpu).", DefaultValueFactory = _ => 0 };
    public Option<string?> Time { get; } = new("--time") { Description = "Time limit: minutes, HH:MM:SS or D-HH:MM:SS (Slurm --time; Kubernetes activeDeadlineSeconds)." };
    public Option<string?> Partition { get; } = new("--partition") { Description = "Slurm partition." };
    public Option<string?> Account { get; } = new("--account") { Description = "Slurm account." };
    public Option<string?> Name { get; } = new("--name") { Description = "Job name (default: scheme-<experiment>)." };
    public Option<string?> Image { get; } = new("--image") { Description = "Kubernetes: the container image holding the built runner." };
    public Option<string?> Namespace { get; } = new("--namespace") { Description = "Kubernetes namespace (default: kubectl's)." };
    public Option<string> Secret { get; } = new("--secret") { Description = "Kubernetes Secret holding the API keys, one key per variable name (e.g. OPENAI_API_KEY).", DefaultValueFactory = _ => "scheme-api-keys" };
    public Option<string> Claim { get; } = new("--claim") { Description = "Kubernetes PersistentVolumeClaim for the run's folder.", DefaultValueFactory = _ => "scheme-runs" };
    public Option<string> MountPath { get; } = new("--mount-path") { Description = "Where the claim is mounted in the pod.", DefaultValueFactory = _ => "/runs" };
    public Option<int?> Parallelism { get; } = new("--parallelism") { Description = "Kubernetes: pods at once (default: every shard)." };
    public Argument<string[]> RunnerArguments { get; } = new("RUNNER-ARGS")
    {
        Description = "After --: extra arguments of every shard's run, e.g. -- --run Main --checkpoint o3 --offline.",
        Arity = ArgumentArity.ZeroOrMore,
    };

    public void AddTo(Command command)
    {
        foreach (var option in (Option[])[Emit, Shards, Out, Output, Runner, Endpoint, Cpus, Memory, Gpus, Time, Partition, Account, Name, Image, Namespace, Secret, Claim, MountPath, Parallelism])
        {
            command.Options.Add(option);
        }
        command.Arguments.Add(RunnerArguments);
    }

    /// <summary>Writes the job (to --output or <paramref name="output"/>); returns the exit code.</summary>
    public int Execute(ExperimentDefinition experiment, ParseResult parse, string? run, TextWriter output, TextWriter errors)
    {
        var target = parse.GetValue(Emit);
        if (target is not ("slurm" or "k8s"))
        {
            return Fail(errors, $"--emit takes slurm or k8s, not '{target}'.");
        }
        if (parse.GetValue(Shards) is not { } shards)
        {
            return Fail(errors, $"--emit {target} needs --shards N.");
        }
        var extra = (parse.GetValue(RunnerArguments) ?? []).ToList();
        if (run is not null)
        {
            extra.InsertRange(0, ["--run", run]);
        }
        var hash = ExperimentHash.Compute(experiment);
        var defaultOut = RunOptions.DefaultShardedOut(experiment.Name, hash);
        var offline = extra.Contains("--offline");
        var job = new ClusterJob(
            experiment.Name,
            shards,
            parse.GetValue(Out) ?? (target == "k8s" ? parse.GetValue(MountPath)!.TrimEnd('/') + "/" + Path.GetFileName(defaultOut) : defaultOut),
            parse.GetValue(Runner) is { } runner ? [runner] : target == "k8s" ? [$"/app/{experiment.Name}"] : ThisRunner(),
            extra,
            offline ? [] : KeyVariables(experiment, extra),
            parse.GetValue(Name) ?? DefaultName(experiment.Name),
            parse.GetValue(Cpus),
            parse.GetValue(Memory),
            parse.GetValue(Gpus),
            parse.GetValue(Time),
            parse.GetValue(Partition),
            parse.GetValue(Account),
            parse.GetValue(Endpoint),
            parse.GetValue(Image),
            parse.GetValue(Namespace),
            parse.GetValue(Secret)!,
            parse.GetValue(Claim)!,
            parse.GetValue(MountPath)!,
            parse.GetValue(Parallelism));
        if (ClusterJobCheck.Problem(job, target) is { } problem)
        {
            return Fail(errors, problem);
        }
        var text = target == "slurm" ? SlurmScript.Write(job) : KubernetesJob.Write(job);
        if (parse.GetValue(Output) is { } file)
        {
            // A unique temporary name: two emits at once do not collide, and a failed one leaves nothing behind.
            AtomicFile.WriteAllText(file, text);
            output.WriteLine($"Wrote {file}: {(target == "slurm" ? "sbatch" : "kubectl apply -f")} it, then merge the {shards} shards in {job.Out}.");
        }
        else
        {
            output.Write(text);
        }
        return RunnerHost.Success;
    }

    /// <summary>
    /// The key variables of the checkpoints a shard's run uses: those of the runs and checkpoints the arguments after
    /// <c>--</c> select (<c>--run</c>, <c>--checkpoint</c>), and every judge's. A key of a checkpoint the job never asks
    /// is not wanted from the Secret. Arguments the run command cannot read select everything (the runner says why).
    /// </summary>
    internal static IReadOnlyList<string> KeyVariables(ExperimentDefinition experiment, IReadOnlyList<string> runArguments)
    {
        var options = new RunOptions();
        var parse = options.AddTo(new Command("run")).Parse(runArguments.ToList());
        var request = parse.Errors.Count == 0 ? options.Read(parse) : null;
        var runs = request?.Run is { } name ? experiment.Runs.Where(r => r.Name == name) : experiment.Runs;
        var chosen = request?.Checkpoints ?? [];
        var names = runs.SelectMany(r => r.Checkpoints).Where(c => chosen.Count == 0 || chosen.Contains(c))
            .Concat(experiment.Judges.Select(j => j.Checkpoint)).ToHashSet(StringComparer.Ordinal);
        return experiment.Checkpoints.Where(c => names.Contains(c.Name) && c.Provider != ProviderRegistry.Simulated)
            .Select(c => c.ApiKeyVariable).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>The command that started this runner: its executable, or dotnet and its dll.</summary>
    private static IReadOnlyList<string> ThisRunner()
    {
        var process = Environment.ProcessPath ?? "dotnet";
        var entry = System.Reflection.Assembly.GetEntryAssembly()?.Location;
        return Path.GetFileNameWithoutExtension(process) == "dotnet" && !string.IsNullOrEmpty(entry) ? [process, entry] : [process];
    }

    private static string DefaultName(string experiment)
    {
        var name = new string(("scheme-" + experiment.ToLowerInvariant()).Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-').ToArray()).Trim('-');
        return name.Length > 52 ? name[..52].TrimEnd('-') : name;
    }

    private static int Fail(TextWriter errors, string message)
    {
        errors.WriteLine($"error {BadOption}: {message}");
        return RunnerHost.UsageError;
    }
}
