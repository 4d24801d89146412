using System.Globalization;
using System.Text;

namespace Scheme.Runtime.Cli.Cluster;

/// <summary>
/// A Slurm array job script: one array task per shard (<c>--array=0-(N-1)</c>), each running the runner's
/// <c>run --shard $SLURM_ARRAY_TASK_ID/N --out OUT</c>. Every value the user gave is a shell word quoted by
/// <see cref="ShellQuote"/>; the <c>#SBATCH</c> lines, which sbatch reads without a shell, hold only values that
/// <see cref="ClusterJobCheck"/> let through as plain.
/// </summary>
public static class SlurmScript
{
    public static string Write(ClusterJob job)
    {
        var s = new StringBuilder();
        void Line(string text) => s.Append(text).Append('\n');
        Line("#!/bin/bash");
        // Values are single-quoted so that they never expand: what shellcheck's SC2016 would warn of is the intent.
        Line("# shellcheck disable=SC2016");
        Line(string.Create(CultureInfo.InvariantCulture, $"# Slurm array job: {job.Shards} shards of {Comment(job.Experiment)}, one array task per shard (plan --emit slurm)."));
        Line("# Submit with: sbatch THIS_FILE");
        Line($"#SBATCH --job-name={job.Name}");
        Line(string.Create(CultureInfo.InvariantCulture, $"#SBATCH --array=0-{job.Shards - 1}"));
        Line(string.Create(CultureInfo.InvariantCulture, $"#SBATCH --cpus-per-task={job.Cpus}"));
        if (job.Memory is not null)
        {
            Line($"#SBATCH --mem={job.Memory}");
        }
        if (job.Gpus > 0)
        {
            Line(string.Create(CultureInfo.InvariantCulture, $"#SBATCH --gres=gpu:{job.Gpus}"));
        }
        if (job.Time is not null)
        {
            Line($"#SBATCH --time={job.Time}");
        }
        if (job.Partition is not null)
        {
            Line($"#SBATCH --partition={job.Partition}");
        }
        if (job.Account is not null)
        {
            Line($"#SBATCH --account={job.Account}");
        }
        Line("#SBATCH --output=slurm-%x-%A_%a.out");
        Line("set -euo pipefail");
        Line("");
        Line("# The whole run's folder: each task writes its shard's run directory OUT/shard-I-of-N inside it.");
        Line($"OUT={ShellQuote.Word(job.Out)}");
        Line(string.Create(CultureInfo.InvariantCulture, $"SHARDS={job.Shards}"));
        Line("# API keys come from the environment sbatch passes on (export them before sbatch); never write a key here.");
        Line("");
        Line("# >>> START THE CHECKPOINT'S SERVER HERE (your own line), for example:");
        Line("# vllm serve /models/my-checkpoint --port 8000 & SERVER=$!; trap 'kill \"$SERVER\"' EXIT");
        Line("# until curl -sf http://127.0.0.1:8000/v1/models >/dev/null; do sleep 5; done");
        Line("# <<< and point the runner at it with --endpoint (plan --endpoint URL writes it below).");
        var endpoint = "";
        if (job.Endpoint is not null)
        {
            Line($"ENDPOINT={ShellQuote.Word(job.Endpoint)}");
            endpoint = " --endpoint \"$ENDPOINT\"";
        }
        Line("");
        var extra = job.RunnerArguments.Count == 0 ? "" : " " + ShellQuote.Words(job.RunnerArguments);
        Line($"{ShellQuote.Words(job.Runner)} run --shard \"${{SLURM_ARRAY_TASK_ID}}/${{SHARDS}}\" --out \"$OUT\"{endpoint}{extra}");
        Line("");
        Line("# When every task has finished (e.g. a job submitted with --dependency=afterok:<this job's id>), join the shards:");
        Line($"#   {ShellQuote.Words(job.Runner)} merge \"$OUT/merged\" \"$OUT\"/shard-*-of-{job.Shards.ToString(CultureInfo.InvariantCulture)}");
        Line("# A task that failed or hit its time limit continues where it stopped when run again (run --shard skips done units).");
        return s.ToString();
    }

    /// <summary>Text for a comment: one line whatever it holds.</summary>
    private static string Comment(string text) => new(text.Select(c => char.IsControl(c) ? ' ' : c).ToArray());
}
