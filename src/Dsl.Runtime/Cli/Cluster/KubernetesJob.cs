using System.Text.Json;
using System.Text.Json.Nodes;

namespace Scheme.Runtime.Cli.Cluster;

/// <summary>
/// A Kubernetes Indexed Job (batch/v1, <c>completionMode: Indexed</c>, <c>completions: N</c>): pod I runs the runner's
/// <c>run --shard $(JOB_COMPLETION_INDEX)/N --out OUT</c> with the output folder on a PersistentVolumeClaim and each API
/// key from a Secret (<c>valueFrom.secretKeyRef</c>, never a literal). Written as JSON, which is YAML, for <c>kubectl apply -f</c>.
/// </summary>
/// <remarks>
/// The command and arguments go to the container as a list (no shell); Kubernetes expands <c>$(NAME)</c> in them, so
/// every '$' of a user's value is written '$$', which Kubernetes turns back into '$'.
/// </remarks>
public static class KubernetesJob
{
    /// <summary>The annotation the Job controller sets to a pod's completion index.</summary>
    public const string IndexAnnotation = "batch.kubernetes.io/job-completion-index";

    public static string Write(ClusterJob job)
    {
        var args = new JsonArray("run", "--shard", $"$(JOB_COMPLETION_INDEX)/{job.Shards}", "--out", Escape(job.Out));
        if (job.Endpoint is not null)
        {
            args.Add("--endpoint");
            args.Add(Escape(job.Endpoint));
        }
        foreach (var argument in job.RunnerArguments)
        {
            args.Add(Escape(argument));
        }
        var env = new JsonArray(new JsonObject
        {
            ["name"] = "JOB_COMPLETION_INDEX",
            ["valueFrom"] = new JsonObject { ["fieldRef"] = new JsonObject { ["fieldPath"] = $"metadata.annotations['{IndexAnnotation}']" } },
        });
        foreach (var variable in job.KeyVariables)
        {
            env.Add(new JsonObject
            {
                ["name"] = variable,
                ["valueFrom"] = new JsonObject { // Optional: a Secret without this key still starts the pod (a required one would leave it in
                // CreateContainerConfigError, saying nothing of which key); the runner then names the key that is missing.
                ["secretKeyRef"] = new JsonObject { ["name"] = job.Secret, ["key"] = variable, ["optional"] = true } },
            });
        }
        var requests = new JsonObject { ["cpu"] = job.Cpus.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        var limits = new JsonObject();
        if (job.Memory is not null)
        {
            requests["memory"] = job.Memory;
            limits["memory"] = job.Memory;
        }
        if (job.Gpus > 0)
        {
            // Extended resources are requested by their limit (and a request, if given, must equal it).
            requests["nvidia.com/gpu"] = job.Gpus.ToString(System.Globalization.CultureInfo.InvariantCulture);
            limits["nvidia.com/gpu"] = job.Gpus.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        var resources = new JsonObject { ["requests"] = requests };
        if (limits.Count > 0)
        {
            resources["limits"] = limits;
        }
        var metadata = new JsonObject
        {
            ["name"] = job.Name,
            ["labels"] = new JsonObject { ["app.kubernetes.io/name"] = "scheme-runner", ["app.kubernetes.io/instance"] = job.Name },
        };
        if (job.Namespace is not null)
        {
            metadata["namespace"] = job.Namespace;
        }
        var spec = new JsonObject
        {
            ["completionMode"] = "Indexed",
            ["completions"] = job.Shards,
            ["parallelism"] = Math.Min(job.Parallelism ?? job.Shards, job.Shards),
            // Per index: a pod that fails is retried, and its shard continues where it stopped (done units are skipped).
            ["backoffLimitPerIndex"] = 3,
            ["template"] = new JsonObject
            {
                ["metadata"] = new JsonObject { ["labels"] = new JsonObject { ["app.kubernetes.io/name"] = "scheme-runner", ["app.kubernetes.io/instance"] = job.Name } },
                ["spec"] = new JsonObject
                {
                    ["restartPolicy"] = "Never",
                    ["containers"] = new JsonArray(new JsonObject
                    {
                        ["name"] = "runner",
                        ["image"] = job.Image,
                        ["command"] = new JsonArray(job.Runner.Select(w => (JsonNode)JsonValue.Create(Escape(w))!).ToArray()),
                        ["args"] = args,
                        ["env"] = env,
                        ["resources"] = resources,
                        ["volumeMounts"] = new JsonArray(new JsonObject { ["name"] = "runs", ["mountPath"] = job.MountPath }),
                    }),
                    ["volumes"] = new JsonArray(new JsonObject
                    {
                        ["name"] = "runs",
                        ["persistentVolumeClaim"] = new JsonObject { ["claimName"] = job.Claim },
                    }),
                },
            },
        };
        if (job.Time is not null)
        {
            spec["activeDeadlineSeconds"] = ClusterJobCheck.Seconds(job.Time);
        }
        var manifest = new JsonObject { ["apiVersion"] = "batch/v1", ["kind"] = "Job", ["metadata"] = metadata, ["spec"] = spec };
        return manifest.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";
    }

    /// <summary>A value as Kubernetes passes it on verbatim: '$' doubled, so "$(X)" in a user's value is not expanded.</summary>
    public static string Escape(string value) => value.Replace("$", "$$", StringComparison.Ordinal);
}
