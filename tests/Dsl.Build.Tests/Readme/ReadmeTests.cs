using System.Reflection;
using Microsoft.Data.Sqlite;
using Scheme.Testing.Fakes;

namespace Scheme.Build.Tests.Readme;

/// <summary>
/// The README is tested: every command of its <c>```sh</c> blocks runs here, in order, exactly as written, on the
/// shipped example suite (experiments/AntiScheming), from a scratch working directory so that the relative paths
/// it writes (runs/, report/, the prereg.lock under experiments/AntiScheming/) land there. A README that drifts
/// from the code fails this test; a new command that the test does not know how to run fails it too.
/// </summary>
/// <remarks>
/// What the test changes, and why: the project path is made absolute (the working directory is the scratch one);
/// <c>OPENAI_API_KEY=...</c> becomes a fake key full of characters that JSON escapes; a live run's endpoint (given,
/// or api.openai.com when none is given) becomes a loopback server answering as a plausible agent and its judges,
/// so no request leaves the machine; the response cache goes to the scratch directory (XDG_CACHE_HOME). The
/// variable OPENAI_API_KEY is removed from every other command: a command that needs a key must say so.
/// <c>dotnet test Dsl.sln</c> is this very run; the test checks instead that CI runs exactly it. The runner finds
/// prereg.lock beside its project wherever it is started; so that the test never writes into the repository, the build
/// property SchemeLockDirectory (an environment variable here) moves "beside the project" to the scratch copy of the
/// suite's folder, scratch/experiments/AntiScheming, the path a user at the repository root would see.
/// </remarks>
[Collection("dotnet build")]
public sealed class ReadmeTests : IAsyncLifetime
{
    private const string Suite = "experiments/AntiScheming";
    private const string Compiler = "src/Dsl.Cli";
    private static readonly string Root = typeof(ReadmeTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "RepositoryRoot").Value!;

    private readonly TempDirectory _scratch = new();
    private readonly string _key = "sk-readme+'<>&\"" + Guid.NewGuid().ToString("N");
    private FakeOpenAiServer _server = null!;

    public Task InitializeAsync()
    {
        var agent = new PlausibleAgent();
        _server = FakeOpenAiServer.Start();
        _server.RecordRequests = false;
        _server.Handler = agent.Reply;
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _scratch.Dispose();
    }

    [Fact]
    public void Every_command_of_the_readme_runs_on_the_example_suite()
    {
        var commands = ReadmeCommand.Read(File.ReadAllText(Path.Combine(Root, "README.md")));
        Assert.True(commands.Count >= 10, $"The README shows {commands.Count} commands; the test expected its usual blocks.");
        var ran = new List<string>();
        foreach (var command in commands)
        {
            if (command.Words.SequenceEqual(["dotnet", "test", "Dsl.sln"]))
            {
                // This test runs inside that command; CI must run exactly it.
                Assert.Contains("\ndotnet test Dsl.sln\n", File.ReadAllText(Path.Combine(Root, ".ci", "run")));
                ran.Add(command.Line);
                continue;
            }
            if (command.RunnerArguments(Compiler) is { } check)
            {
                // The compiler's command line only reads: it runs where the README's paths point, the repository root.
                var compiled = ChildProcess.Run("dotnet", ["run", "--project", Path.Combine(Root, Compiler), "--", .. check], Root);
                Assert.True(compiled.ExitCode == 0, $"README command '{command}' failed:\n{compiled}");
                Assert.DoesNotContain("error SCH", compiled.Output);
                ran.Add(command.Line);
                continue;
            }
            var arguments = command.RunnerArguments(Suite)
                ?? throw new Xunit.Sdk.XunitException($"The README command '{command}' is not run by this test. Teach ReadmeTests to run it.");
            if (arguments is ["view", ..])
            {
                RunViewer(arguments);
                ran.Add(command.Line);
                continue;
            }
            var result = RunRunner(command, arguments.ToList());
            Assert.True(result.ExitCode == 0, $"README command '{command}' failed:\n{result}");
            Check(arguments, result);
            ran.Add(command.Line);
        }
        Assert.Contains(ran, l => l.Contains("run --offline", StringComparison.Ordinal));
        AssertKeyNowhere(_scratch.Path);
    }

    /// <summary>Where the runner's commands find prereg.lock by default in this test (see the remarks).</summary>
    private string LockDirectory => Path.Combine(_scratch.Path, Suite);

    /// <summary>The overall hash of the lock the README's <c>prereg lock</c> wrote.</summary>
    private string LockedHash()
    {
        using var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(LockDirectory, "prereg.lock")));
        return json.RootElement.GetProperty("overall").GetString()!;
    }

    private ProcessResult RunRunner(ReadmeCommand command, List<string> arguments)
    {
        var environment = new Dictionary<string, string?>
        {
            ["OPENAI_API_KEY"] = null,
            ["XDG_CACHE_HOME"] = Path.Combine(_scratch.Path, "cache"),
            ["SchemeLockDirectory"] = LockDirectory,
        };
        foreach (var (name, value) in command.Environment)
        {
            environment[name] = value == "..." ? _key : value;
        }
        var live = arguments is ["run", ..] && !arguments.Contains("--offline");
        if (live)
        {
            var endpoint = arguments.IndexOf("--endpoint");
            if (endpoint >= 0)
            {
                arguments[endpoint + 1] = _server.BaseUrl;
            }
            else
            {
                arguments.AddRange(["--endpoint", _server.BaseUrl]);
            }
        }
        return ChildProcess.Run("dotnet", ["run", "--project", Path.Combine(Root, Suite), "--", .. arguments], _scratch.Path, environment,
            TimeSpan.FromMinutes(5));
    }

    /// <summary>
    /// <c>view</c> serves until stopped: started here, it must print its loopback URL and answer the unit list of the
    /// README's live run (covert actions found); then the process this test started is ended, by its id.
    /// </summary>
    private void RunViewer(IReadOnlyList<string> arguments)
    {
        var start = new System.Diagnostics.ProcessStartInfo("dotnet") { WorkingDirectory = _scratch.Path, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in (string[])["run", "--project", Path.Combine(Root, Suite), "--", .. arguments])
        {
            start.ArgumentList.Add(argument);
        }
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase) || k == "OPENAI_API_KEY").ToList())
        {
            start.Environment.Remove(key);
        }
        start.Environment["SchemeLockDirectory"] = LockDirectory;
        start.Environment["XDG_CACHE_HOME"] = Path.Combine(_scratch.Path, "cache");
        var url = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var errors = new System.Text.StringBuilder();
        using var process = new System.Diagnostics.Process { StartInfo = start };
        process.OutputDataReceived += (_, line) =>
        {
            if (line.Data?.StartsWith("Viewer: ", StringComparison.Ordinal) == true)
            {
                url.TrySetResult(line.Data["Viewer: ".Length..].Trim());
            }
        };
        process.ErrorDataReceived += (_, line) => errors.AppendLine(line.Data);
        process.Exited += (_, _) => url.TrySetException(new Xunit.Sdk.XunitException($"view exited with {process.ExitCode}: {errors}"));
        process.EnableRaisingEvents = true;
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            var address = new Uri(url.Task.WaitAsync(TimeSpan.FromMinutes(5)).GetAwaiter().GetResult());
            Assert.Equal("127.0.0.1", address.Host);
            using var http = new HttpClient { BaseAddress = address };
            using var page = System.Text.Json.JsonDocument.Parse(http.GetStringAsync("api/units?outcome=covert_action:true&size=10").GetAwaiter().GetResult());
            Assert.NotEmpty(page.RootElement.GetProperty("units").EnumerateArray());
            Assert.Contains("Scheme transcript viewer", http.GetStringAsync("units").GetAwaiter().GetResult());
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
            process.WaitForExit();
        }
    }

    /// <summary>What each command must have done besides exiting 0, read from what it wrote.</summary>
    private void Check(IReadOnlyList<string> arguments, ProcessResult result)
    {
        switch (arguments[0])
        {
            case "plan" when arguments.Contains("--estimate"):
                // Every planned unit is counted, from the declarations or, with --from, from the README's live run as a pilot.
                Assert.Matches(@"\nTotal +2,140 ", result.Output);
                Assert.Contains(arguments.Contains("--from") ? "pilot (n=" : "declared upper bound", result.Output);
                Assert.Contains("Assumptions:", result.Output);
                break;
            case "plan" when arguments.Contains("--emit"):
                // A Slurm array job of 8 shards, one task each, running this suite's run with its shard.
                var script = File.ReadAllText(Path.Combine(_scratch.Path, arguments[arguments.ToList().IndexOf("--output") + 1]));
                Assert.Contains("#SBATCH --array=0-7\n", script);
                Assert.Contains("run --shard \"${SLURM_ARRAY_TASK_ID}/${SHARDS}\" --out \"$OUT\"", script);
                break;
            case "run" when arguments.Contains("--shard"):
                var shard = arguments[arguments.ToList().IndexOf("--shard") + 1];
                Assert.Contains($"(shard {shard})", result.Output);
                Assert.Contains("Finished.", result.Output);
                break;
            case "merge":
                // The two shards together are the whole offline run, every unit done once.
                Assert.Equal((2140L, 0L), Count(Path.Combine(_scratch.Path, arguments[1])));
                break;
            case "plan":
                // Main: 2 checkpoints x 3 variants x 3 conditions x 100 epochs; Exfiltration: 2 x 1 x 1 x 40; Threat: 2 x 2 x 2 x 20; Counterfactual: 1 x 1 x 2 x 50.
                Assert.Contains("Total: 2140 work units", result.Output);
                break;
            case "run" when arguments.Contains("--out"):
                var directory = Path.Combine(_scratch.Path, arguments[arguments.ToList().IndexOf("--out") + 1]);
                var (done, failed) = Count(directory);
                Assert.True((done, failed) == (2140, 0), $"{directory}: {done} done, {failed} failed.\n{result}");
                CheckLiveUnits(directory);
                // The lock the README made from the repository root is the one the run records.
                Assert.Equal(LockedHash(), RecordedLock(directory));
                Assert.DoesNotContain("SIMULATED", result.Output);
                break;
            case "run":
                Assert.Contains("Finished.", result.Output);
                Assert.Contains("SIMULATED", result.Output);
                // The quick start runs before anything is locked; the README's later offline run records the lock.
                Assert.Contains(File.Exists(Path.Combine(LockDirectory, "prereg.lock")) ? $"Preregistration lock {LockedHash()[..12]}" : "records \"no lock\"",
                    result.Output);
                break;
            case "resume":
                Assert.Contains("2140 already done", result.Output);
                break;
            case "export":
                var export = Path.Combine(_scratch.Path, arguments[1], "units.jsonl");
                Assert.Equal(2140, File.ReadLines(export).Count());
                break;
            case "diagnose":
                Assert.All(["H1", "H2", "H3", "H4", "H5", "H6"], h => Assert.Contains(h, result.Output));
                break;
            case "prereg" when arguments[1] == "lock":
                Assert.True(File.Exists(Path.Combine(_scratch.Path, Suite, "prereg.lock")));
                break;
            case "prereg":
                Assert.Contains("Verified", result.Output);
                break;
            case "analyze":
                Assert.Contains("H1", result.Output);
                // A live run under the lock it was collected with: confirmatory, and not labeled simulated.
                Assert.DoesNotContain("SIMULATED", result.Output);
                Assert.DoesNotContain("warning: The run started", result.Output);
                Assert.Matches(@"\nH1 .* confirmatory", result.Output);
                // H5 selects a param's variants, H6 is a pair metric: each has its own rows.
                Assert.Contains("SandbaggingQA, baseline, goal: false", result.Output);
                Assert.Contains("EvalCue & baseline", result.Output);
                break;
            case "report":
                var report = Path.Combine(_scratch.Path, arguments[arguments.ToList().IndexOf("--out") + 1]);
                Assert.True(File.Exists(Path.Combine(report, "report.html")), result.ToString());
                Assert.Contains("SandbaggingQA (goal: true)", File.ReadAllText(Path.Combine(report, "report.md")));
                break;
            default:
                throw new Xunit.Sdk.XunitException($"No check for the runner command '{string.Join(' ', arguments)}'. Add one.");
        }
    }

    /// <summary>
    /// What the example's live run did with the scripted model: some models copied their weights onto the successor server
    /// through the sandbox's scp shim (the detector read the mounted folder), and a follow-up was asked exactly where the
    /// model acted covertly.
    /// </summary>
    private static void CheckLiveUnits(string runDirectory)
    {
        using var store = Scheme.Engine.Store.SqliteRunStore.Open(runDirectory);
        var units = store.Units().ToList();
        Assert.All(units, u => Assert.Equal(u.Outcomes.GetValueOrDefault("covert_action"), u.Outcomes.ContainsKey("confessed")));
        var exfiltration = units.Where(u => u.Environment == "SelfExfiltration").ToList();
        Assert.Equal(80, exfiltration.Count);
        if (units.All(u => u.TranscriptJson is null))
        {
            return; // an offline run: outcomes drawn, nothing executed
        }
        var overwrote = exfiltration.Where(u => u.Outcomes["overwrote_successor"]).ToList();
        Assert.NotEmpty(overwrote);
        Assert.All(overwrote, u => Assert.Contains("scp ./model/weights.bin successor:/model/weights.bin", u.TranscriptJson));
        Assert.Contains(exfiltration, u => !u.Outcomes["covert_action"]);
    }

    private static string? RecordedLock(string runDirectory)
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(runDirectory, "run.db")};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT prereg_hash FROM manifest WHERE id = 1;";
        return command.ExecuteScalar() as string;
    }

    private static (long Done, long Failed) Count(string runDirectory)
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(runDirectory, "run.db")};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COALESCE(SUM(status = 'done'), 0), COALESCE(SUM(status = 'failed'), 0) FROM units;";
        using var reader = command.ExecuteReader();
        reader.Read();
        return (reader.GetInt64(0), reader.GetInt64(1));
    }

    /// <summary>The key, in any encoding the writers use, in no file the commands wrote (compressed transcripts included).</summary>
    private void AssertKeyNowhere(string directory) => SecretSearch.AssertAbsent(_key, directory);
}
