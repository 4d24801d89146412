using System.Globalization;
using System.Text.RegularExpressions;

namespace Scheme.Runtime.Cli.Cluster;

/// <summary>
/// What <c>plan --emit slurm|k8s</c> writes a job for: N shards of one run, each the runner's <c>run --shard I/N --out OUT</c>
/// with the user's extra arguments, and the resources of one shard's task or pod.
/// </summary>
/// <param name="Runner">The runner's command words (an executable, or <c>dotnet</c> and a dll).</param>
/// <param name="RunnerArguments">Extra arguments of every shard's <c>run</c> (e.g. <c>--endpoint</c>, <c>--checkpoint</c>, <c>--offline</c>).</param>
/// <param name="KeyVariables">The environment variables holding API keys that the selected checkpoints read.</param>
public sealed record ClusterJob(
    string Experiment,
    int Shards,
    string Out,
    IReadOnlyList<string> Runner,
    IReadOnlyList<string> RunnerArguments,
    IReadOnlyList<string> KeyVariables,
    string Name,
    int Cpus,
    string? Memory,
    int Gpus,
    string? Time,
    string? Partition,
    string? Account,
    string? Endpoint,
    string? Image,
    string? Namespace,
    string Secret,
    string Claim,
    string MountPath,
    int? Parallelism);

/// <summary>Checks of the values a job file holds; each problem is an SCH9059 usage error.</summary>
public static partial class ClusterJobCheck
{
    /// <summary>Why the job cannot be written as asked for <paramref name="target"/> (slurm or k8s), or null.</summary>
    public static string? Problem(ClusterJob job, string target)
    {
        var words = job.Runner.Concat(job.RunnerArguments).Append(job.Out).Append(job.Endpoint ?? "");
        if (words.Any(w => w.Contains('\0', StringComparison.Ordinal)))
        {
            return "a value holds a NUL character, which no command line can pass.";
        }
        if (job.Shards is < 1 or > Scheme.Engine.Design.ShardSpec.MaxCount)
        {
            return $"--shards must be between 1 and {Scheme.Engine.Design.ShardSpec.MaxCount}.";
        }
        if (job.Runner.Count == 0 || job.Runner[0].Length == 0)
        {
            return "--runner must name the runner's executable.";
        }
        if (job.RunnerArguments.Any(a => a is "--shard" || a.StartsWith("--shard=", StringComparison.Ordinal) || a is "--out" || a.StartsWith("--out=", StringComparison.Ordinal)))
        {
            return "the runner arguments must not hold --shard or --out: the job sets them (give --out to plan).";
        }
        if (job.Cpus < 1 || job.Gpus < 0)
        {
            return "--cpus must be at least 1 and --gpus at least 0.";
        }
        if (target == "slurm")
        {
            // #SBATCH lines are read by sbatch, not bash: no quoting there, so only plain values are written.
            foreach (var (option, value) in new[] { ("--name", job.Name), ("--memory", job.Memory), ("--time", job.Time), ("--partition", job.Partition), ("--account", job.Account) })
            {
                if (value is not null && !SlurmValue().IsMatch(value))
                {
                    return $"{option} '{value}' is not a plain Slurm value (letters, digits and ._:+-@ only).";
                }
            }
            return job.Time is not null && Seconds(job.Time) is null ? $"--time '{job.Time}' is not minutes, HH:MM:SS or D-HH:MM:SS." : null;
        }
        if (job.Image is null || job.Image.Length == 0 || job.Image.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            return "--image must name the container image that holds the runner (no spaces).";
        }
        if (!DnsLabel().IsMatch(job.Name) || job.Name.Length > 52)
        {
            // 52: the Job controller appends "-<index>-<random>" to the pod names, which must stay within 63.
            return $"--name '{job.Name}' must be a Kubernetes name: lower-case letters, digits and '-', at most 52 characters.";
        }
        foreach (var (option, value) in new[] { ("--namespace", job.Namespace), ("--secret", job.Secret), ("--claim", job.Claim) })
        {
            if (value is not null && (!DnsSubdomain().IsMatch(value) || value.Length > (option == "--namespace" ? 63 : 253)))
            {
                return $"{option} '{value}' must be a Kubernetes name: lower-case letters, digits, '-' and '.'.";
            }
        }
        if (job.Memory is not null && !Quantity().IsMatch(job.Memory))
        {
            return $"--memory '{job.Memory}' is not a Kubernetes quantity, e.g. 16Gi.";
        }
        if (!job.MountPath.StartsWith('/') || job.MountPath.Any(char.IsControl) || job.MountPath.Contains(':', StringComparison.Ordinal))
        {
            return $"--mount-path '{job.MountPath}' must be an absolute path.";
        }
        if (job.Parallelism is < 1)
        {
            return "--parallelism must be at least 1.";
        }
        return job.Time is not null && Seconds(job.Time) is null ? $"--time '{job.Time}' is not minutes, HH:MM:SS or D-HH:MM:SS." : null;
    }

    /// <summary>A Slurm time limit in seconds: minutes, MM:SS, HH:MM:SS, D-HH, D-HH:MM or D-HH:MM:SS; null otherwise.</summary>
    public static long? Seconds(string time)
    {
        var match = TimeLimit().Match(time);
        if (!match.Success)
        {
            return null;
        }
        long Part(int group) => match.Groups[group].Success ? long.Parse(match.Groups[group].Value, CultureInfo.InvariantCulture) : 0;
        if (match.Groups[1].Success)
        {
            return Part(1) * 86400 + Part(2) * 3600 + Part(3) * 60 + Part(4);
        }
        var parts = time.Split(':').Select(p => long.Parse(p, CultureInfo.InvariantCulture)).ToArray();
        var seconds = parts.Length switch { 1 => parts[0] * 60, 2 => parts[0] * 60 + parts[1], _ => parts[0] * 3600 + parts[1] * 60 + parts[2] };
        return seconds > 0 ? seconds : null;
    }

    [GeneratedRegex(@"^[A-Za-z0-9._:+@-]{1,128}$", RegexOptions.CultureInvariant)]
    private static partial Regex SlurmValue();

    [GeneratedRegex(@"^(?:([0-9]{1,4})-([0-9]{1,2})(?::([0-9]{1,2}))?(?::([0-9]{1,2}))?|[0-9]{1,7}(?::[0-9]{1,2}){0,2})$", RegexOptions.CultureInvariant)]
    private static partial Regex TimeLimit();

    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", RegexOptions.CultureInvariant)]
    private static partial Regex DnsLabel();

    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$", RegexOptions.CultureInvariant)]
    private static partial Regex DnsSubdomain();

    [GeneratedRegex(@"^[0-9]+(\.[0-9]+)?([KMGTPE]i|[kMGTPE])?$", RegexOptions.CultureInvariant)]
    private static partial Regex Quantity();
}
