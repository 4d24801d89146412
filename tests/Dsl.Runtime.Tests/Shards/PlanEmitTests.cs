using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using Scheme.Runtime.Cli;
using Scheme.Runtime.Cli.Cluster;
using Scheme.Runtime.Tests.Engine;

namespace Scheme.Runtime.Tests.Shards;

/// <summary>
/// plan --emit slurm|k8s: the Slurm script is valid bash (bash -n, and shellcheck where installed: CI installs it) whose
/// command line delivers every user value verbatim, however hostile; the Kubernetes manifest validates against the real
/// Job schema (Kubernetes v1.30, strict) and is an Indexed Job taking its shard from JOB_COMPLETION_INDEX.
/// </summary>
public sealed class PlanEmitTests : IDisposable
{
    private const string HostileOut = "runs/it's \"big\" $(touch pwned) `touch pwned2` ${HOME}\nnext; rm -rf x";
    private readonly RunnerFixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    private Scheme.Model.ExperimentDefinition Experiment => ShardExperiments.Sharded(_fixture.KeyVariable, 4, 2);

    private string Emit(params string[] args)
    {
        var code = _fixture.Run(Experiment, default, ["plan", "--emit", .. args]);
        Assert.True(code == RunnerHost.Success, _fixture.Errors.ToString());
        return _fixture.Output.ToString();
    }

    private static (int Code, string Output) Shell(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output.Result + errors);
    }

    [Fact]
    public void The_slurm_script_is_valid_bash_and_delivers_hostile_values_verbatim()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // Slurm runs on Unix: there is no bash to check the script with.
        }
        var work = Path.Combine(_fixture.Root, "work dir");
        Directory.CreateDirectory(work);
        // The runner stand-in records its arguments, NUL-separated, as the real runner would receive them.
        var standIn = Path.Combine(work, "runner stand-in");
        File.WriteAllText(standIn, "#!/bin/bash\nprintf '%s\\0' \"$@\" > \"$ARGS_FILE\"\n");
        File.SetUnixFileMode(standIn, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        string[] extra = ["--checkpoint", "it's $(touch pwned3)", "--environment", "a\tb\nc\\d"];
        var endpoint = "http://127.0.0.1:8000/v1?x='$(touch pwned4)'";
        var script = Emit(["slurm", "--shards", "4", "--out", HostileOut, "--runner", standIn, "--endpoint", endpoint, "--cpus", "8",
            "--memory", "32G", "--gpus", "1", "--time", "1-12:00:00", "--partition", "gpu", "--account", "lab", "--", .. extra]);
        Assert.Contains("#SBATCH --array=0-3\n", script);
        Assert.Contains("#SBATCH --gres=gpu:1\n", script);
        Assert.Contains("#SBATCH --time=1-12:00:00\n", script);
        Assert.Contains("START THE CHECKPOINT'S SERVER HERE", script);
        Assert.Contains(" merge ", script);
        var file = Path.Combine(work, "job.sh");
        File.WriteAllText(file, script);

        var (syntax, syntaxOutput) = Shell("bash", "-n", file);
        Assert.True(syntax == 0, syntaxOutput);
        if (File.Exists("/usr/bin/shellcheck"))
        {
            var (lint, lintOutput) = Shell("/usr/bin/shellcheck", "--shell=bash", file);
            Assert.True(lint == 0, lintOutput);
        }
        else
        {
            Assert.True(Environment.GetEnvironmentVariable("CI") is null, "CI installs shellcheck (.ci/run): it must be there.");
        }

        // Run the script itself, as array task 2, in a folder where any injected command would leave a file.
        var argsFile = Path.Combine(work, "args");
        var start = new ProcessStartInfo("bash") { WorkingDirectory = work, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(file);
        start.Environment["SLURM_ARRAY_TASK_ID"] = "2";
        start.Environment["ARGS_FILE"] = argsFile;
        using (var process = Process.Start(start)!)
        {
            var errors = process.StandardError.ReadToEnd();
            process.WaitForExit();
            Assert.True(process.ExitCode == 0, errors);
        }
        var received = File.ReadAllText(argsFile).Split('\0')[..^1];
        Assert.Equal(["run", "--shard", "2/4", "--out", HostileOut, "--endpoint", endpoint, .. extra], received);
        Assert.Empty(Directory.EnumerateFiles(work, "pwned*"));
    }

    [Theory]
    [InlineData("--name", "job\n#SBATCH --wrap=id")]
    [InlineData("--partition", "gpu --wrap=id")]
    [InlineData("--time", "forever")]
    public void Slurm_values_that_are_not_plain_are_refused(string option, string value)
    {
        Assert.Equal(RunnerHost.UsageError, _fixture.Run(Experiment, default, "plan", "--emit", "slurm", "--shards", "2", option, value));
        Assert.Contains($"error {ClusterOptions.BadOption}: ", _fixture.Errors.ToString());
        Assert.Equal("", _fixture.Output.ToString());
    }

    [Fact]
    public void Emit_needs_a_known_target_shards_and_for_k8s_an_image()
    {
        foreach (var args in (string[][])[["plan", "--emit", "pbs", "--shards", "2"], ["plan", "--emit", "slurm"], ["plan", "--emit", "k8s", "--shards", "2"],
                     ["plan", "--emit", "slurm", "--shards", "0"], ["plan", "--emit", "slurm", "--shards", "2", "--", "--shard", "1/2"]])
        {
            Assert.Equal(RunnerHost.UsageError, _fixture.Run(Experiment, default, args));
            Assert.Contains($"error {ClusterOptions.BadOption}: ", _fixture.Errors.ToString());
        }
    }

    private static readonly Lazy<JsonSchema> JobSchema = new(() =>
    {
        // Read as draft 7, whose unknown keywords (the schema's x-kubernetes-* annotations) are annotations, not errors; its
        // "$schema" (the undated http://json-schema.org/schema#) names no dialect the validator knows, so it is left out.
        var schema = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Shards", "Schemas", "job-batch-v1.json")))!.AsObject();
        schema.Remove("$schema");
        return JsonSchema.FromText(schema.ToJsonString(), new BuildOptions { Dialect = Dialect.Draft07 });
    });

    /// <summary>What is wrong with a manifest as a sharded run's Job: the Job schema's errors, then the shape the runner needs.</summary>
    private static List<string> Problems(JsonNode manifest, int shards)
    {
        var problems = new List<string>();
        using var document = JsonDocument.Parse(manifest.ToJsonString());
        var result = JobSchema.Value.Evaluate(document.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        if (!result.IsValid)
        {
            problems.AddRange((result.Details ?? []).Where(d => d.Errors is not null).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}")));
            problems.Add("the Job schema refuses it");
        }
        var spec = manifest["spec"];
        if ((string?)spec?["completionMode"] != "Indexed")
        {
            problems.Add("completionMode is not Indexed");
        }
        if (spec?["completions"] is not JsonValue completions || !completions.TryGetValue<int>(out var count) || count != shards)
        {
            problems.Add("completions is not the shard count");
        }
        var container = spec?["template"]?["spec"]?["containers"]?[0];
        if (container?["args"]?.AsArray().Select(a => (string?)a).Contains($"$(JOB_COMPLETION_INDEX)/{shards}") != true)
        {
            problems.Add("the shard is not taken from JOB_COMPLETION_INDEX");
        }
        return problems;
    }

    [Fact]
    public void The_k8s_manifest_is_a_valid_indexed_job_with_keys_from_a_secret()
    {
        var text = Emit("k8s", "--shards", "5", "--image", "registry.example/suite:1.0", "--cpus", "2", "--memory", "8Gi", "--gpus", "1",
            "--time", "2:00:00", "--namespace", "evals", "--secret", "keys", "--claim", "results", "--parallelism", "2", "--out", "/runs/main $(HOME)",
            "--endpoint", "http://vllm:8000/v1", "--", "--checkpoint", "agent", "--environment", "$(JOB_COMPLETION_INDEX)");
        var manifest = JsonNode.Parse(text)!;
        Assert.Empty(Problems(manifest, 5));
        var spec = manifest["spec"]!;
        Assert.Equal(2, (int)spec["parallelism"]!);
        Assert.Equal(7200, (long)spec["activeDeadlineSeconds"]!);
        var pod = spec["template"]!["spec"]!;
        var container = pod["containers"]![0]!;
        // User values are escaped for Kubernetes' $(VAR) expansion, the shard index is not.
        Assert.Equal(["run", "--shard", "$(JOB_COMPLETION_INDEX)/5", "--out", "/runs/main $$(HOME)", "--endpoint", "http://vllm:8000/v1",
            "--checkpoint", "agent", "--environment", "$$(JOB_COMPLETION_INDEX)"], container["args"]!.AsArray().Select(a => (string)a!));
        var key = container["env"]!.AsArray().Single(e => (string?)e!["name"] == _fixture.KeyVariable)!;
        Assert.Equal("keys", (string)key["valueFrom"]!["secretKeyRef"]!["name"]!);
        // Optional: a Secret holding only the keys in use still starts the pod.
        Assert.True((bool)key["valueFrom"]!["secretKeyRef"]!["optional"]!);
        Assert.Null(key["value"]);
        Assert.DoesNotContain(_fixture.Key, text);
        Assert.Equal("results", (string)pod["volumes"]![0]!["persistentVolumeClaim"]!["claimName"]!);
        Assert.Equal("1", (string)container["resources"]!["limits"]!["nvidia.com/gpu"]!);
        Assert.Equal("evals", (string)manifest["metadata"]!["namespace"]!);
    }

    [Fact]
    public void The_k8s_manifest_asks_the_secret_only_for_the_keys_of_the_selected_checkpoints_and_judges()
    {
        // Two more checkpoints, each with its own key: one no run uses, one a run uses but --checkpoint leaves out.
        var experiment = Experiment with
        {
            Checkpoints = [.. Experiment.Checkpoints,
                new Scheme.Model.CheckpointDefinition("unused", "openai", "gpt-4.1", ApiKeyVariable: "UNUSED_KEY"),
                new Scheme.Model.CheckpointDefinition("other", "openai", "gpt-4.1", ApiKeyVariable: "OTHER_KEY")],
            Runs = [.. Experiment.Runs.Select(r => r with { Checkpoints = [.. r.Checkpoints, "other"] })],
        };
        string[] Keys(params string[] extra)
        {
            _fixture.Output.GetStringBuilder().Clear();
            Assert.Equal(RunnerHost.Success, _fixture.Run(experiment, default, ["plan", "--emit", "k8s", "--shards", "2", "--image", "suite:1", .. extra]));
            var manifest = JsonNode.Parse(_fixture.Output.ToString())!;
            Assert.Empty(Problems(manifest, 2));
            return [.. manifest["spec"]!["template"]!["spec"]!["containers"]![0]!["env"]!.AsArray()
                .Where(e => e!["valueFrom"]!["secretKeyRef"] is not null).Select(e => (string)e!["name"]!)];
        }
        Assert.Equal(new[] { "OTHER_KEY", _fixture.KeyVariable }.Order(StringComparer.Ordinal), Keys());
        // The agent's checkpoint and the judge's share the fixture's key; the other checkpoint's is not asked for.
        Assert.Equal([_fixture.KeyVariable], Keys("--", "--checkpoint", "agent"));
        Assert.Equal(["OTHER_KEY", _fixture.KeyVariable], Keys("--", "--checkpoint", "other").Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Output_files_are_written_whole_under_a_unique_temporary_name_that_never_stays_behind()
    {
        var work = Path.Combine(_fixture.Root, "emit");
        Directory.CreateDirectory(work);
        var file = Path.Combine(work, "job.json");
        // What a fixed "job.json.tmp" would collide with (another emit's, or one a failed emit left): no longer in the way.
        Directory.CreateDirectory(file + ".tmp");
        Assert.Equal(RunnerHost.Success, _fixture.Run(Experiment, default, "plan", "--emit", "k8s", "--shards", "2", "--image", "suite:1", "--output", file));
        Assert.Empty(Problems(JsonNode.Parse(File.ReadAllText(file))!, 2));

        // A write that fails (the name is a directory) leaves no temporary file, and spent.json uses the same writer.
        var blocked = Path.Combine(work, "blocked");
        Directory.CreateDirectory(blocked);
        Assert.ThrowsAny<IOException>(() => Scheme.Engine.Store.AtomicFile.WriteAllText(blocked, "{}"));
        Scheme.Engine.Store.SpentFile.Write(work, 0.5);
        Assert.Equal(0.5, Scheme.Engine.Store.SpentFile.Read(work), 9);
        Assert.Equal(["job.json", "spent.json"], Directory.EnumerateFiles(work).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void The_check_fails_on_a_manifest_with_a_wrong_field()
    {
        var good = JsonNode.Parse(Emit("k8s", "--shards", "3", "--image", "suite:1"))!;
        Assert.Empty(Problems(good, 3));

        var lowercase = good.DeepClone();
        lowercase["spec"]!["completionMode"] = "indexed";
        Assert.Contains("completionMode is not Indexed", Problems(lowercase, 3));

        var nameless = good.DeepClone();
        nameless["spec"]!["template"]!["spec"]!["containers"]![0]!.AsObject().Remove("name");
        Assert.Contains("the Job schema refuses it", Problems(nameless, 3));

        var misspelt = good.DeepClone();
        misspelt["spec"]!["completionmode"] = "Indexed";
        Assert.Contains("the Job schema refuses it", Problems(misspelt, 3));

        var wrongType = good.DeepClone();
        wrongType["spec"]!["completions"] = "three";
        Assert.Contains("the Job schema refuses it", Problems(wrongType, 3));
    }

    [Theory]
    [InlineData("--name", "Bad_Name")]
    [InlineData("--secret", "keys; rm")]
    [InlineData("--memory", "lots")]
    [InlineData("--image", "two words")]
    public void K8s_values_that_are_not_kubernetes_names_or_quantities_are_refused(string option, string value)
    {
        string[] image = option == "--image" ? [] : ["--image", "suite:1"];
        Assert.Equal(RunnerHost.UsageError, _fixture.Run(Experiment, default, ["plan", "--emit", "k8s", "--shards", "2", .. image, option, value]));
        Assert.Contains($"error {ClusterOptions.BadOption}: ", _fixture.Errors.ToString());
    }
}
