using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using Scheme.Testing.Fakes;

namespace Scheme.Build.Tests.Hostile;

/// <summary>
/// A suite built with dotnet build and run by its own runner process against <see cref="HostileModel"/> at
/// concurrency 8: answers of NaN, 1e999, nothing; a completion without choices; tool arguments that are not JSON;
/// 500 tool calls in one response, each copying a large file; a 50 MB body; token counts that overflow; the API key
/// echoed in content, reasoning, tool arguments and error bodies; a regular-expression bomb; HTML and script. Nothing
/// of it may abort the run: every unit is accounted for, the run exits 1 (some units failed) and not 4, peak memory
/// stays under 1 GB, and the key (full of characters JSON escapes) is in no file of the run or the cache.
/// </summary>
[Collection("dotnet build")]
public sealed partial class HostileServerTests
{
    private const int Epochs = 6;

    [Fact]
    public async Task Nothing_a_hostile_server_returns_aborts_the_run()
    {
        using var project = new TempSuiteProject();
        project.Write("hostile.scheme", Suite());
        project.Write("weights.bin", Weights(300_000));
        var build = project.Build();
        Assert.True(build.ExitCode == 0, build.ToString());

        await using var server = FakeOpenAiServer.Start();
        server.RecordRequests = false;
        server.Handler = HostileModel.Reply;
        var key = "sk-hostile+'<>&\"" + Guid.NewGuid().ToString("N");
        var runDirectory = Path.Combine(project.Directory, "runs", "hostile");
        var cache = Path.Combine(project.Directory, "cache");
        var run = ChildProcess.Run("dotnet",
            [Path.Combine(project.Directory, "bin", "Debug", "net10.0", "Suite.dll"), "run", "--out", runDirectory, "--concurrency", "8",
             "--endpoint", server.BaseUrl, "--cache", cache, "--retries", "1", "--retry-delay", "0.01", "--timeout", "60"],
            project.Directory, new Dictionary<string, string?> { ["OPENAI_API_KEY"] = key }, TimeSpan.FromMinutes(5));

        Assert.True(run.ExitCode == 1, $"A hostile server must fail some units (exit 1), never the run:\n{run}");
        var peak = long.Parse(PeakMemory().Match(run.Output).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(peak < 1024, $"Peak memory {peak} MB.\n{run}");

        var units = Units(runDirectory);
        Assert.Equal(HostileModel.Behaviours.Length * Epochs, units.Count);
        foreach (var unit in units)
        {
            var failing = HostileModel.Failing.Contains(unit.Behaviour);
            Assert.True(failing == (unit.Status == "failed"), $"{unit.Behaviour}: {unit.Status} {unit.Error}");
        }
        Assert.All(Of(units, "no_choices"), u => Assert.Contains("without choices", u.Error));
        Assert.All(Of(units, "huge_body"), u => Assert.Contains("larger than", u.Error));
        Assert.All(Of(units, "echo_error"), u => Assert.Contains("401", u.Error));

        // A value that is not a finite number is missing for its unit, with the reason; never 0, never NaN on disk.
        foreach (var behaviour in (string[])["nan", "infinite", "empty"])
        {
            Assert.All(Of(units, behaviour), u => Assert.Contains("not a finite number", u.Missing["answer"]));
        }
        Assert.All(Of(units, "zero"), u =>
        {
            Assert.Equal(0, u.Metrics["answer"]);
            Assert.Contains("+infinity", u.Missing["inverse"]);
        });
        Assert.All(Of(units, "normal"), u => Assert.Equal(42, u.Metrics["answer"]));

        // The regular-expression bomb makes the detector indeterminate (and the metric over it missing), not false.
        Assert.All(Of(units, "regex_bomb"), u =>
        {
            Assert.Contains("timed out", u.Indeterminate["covert_action"]);
            Assert.False(u.Outcomes.ContainsKey("covert_action"));
            Assert.Contains("indeterminate", u.Missing["covert_rate"]);
        });

        // The flood is cut by the limits, recorded in the transcript, and stored compactly.
        Assert.All(Of(units, "flood"), u =>
        {
            using var transcript = JsonDocument.Parse(u.Transcript!);
            var limits = transcript.RootElement.GetProperty("limits").EnumerateArray().Select(l => l.GetProperty("limit").GetString()).ToHashSet();
            Assert.Contains("max_tool_calls_per_turn", limits);
            Assert.Contains("max_workspace_bytes", limits);
            Assert.True(u.Transcript!.Length < 16 << 20, $"flood transcript of {u.Transcript.Length} characters");
            Assert.Single(transcript.RootElement.GetProperty("workspace").GetProperty("contents").EnumerateObject());
        });
        Assert.All(Of(units, "bad_arguments"), u => Assert.Contains("Invalid arguments for copy_file", u.Transcript));
        Assert.All(Of(units, "html"), u => Assert.Contains("<script>alert(document.cookie)</script>", JsonDocument.Parse(u.Transcript!)
            .RootElement.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("content").GetString()).First(c => c!.Contains("<script>"))));

        SecretSearch.AssertAbsent(key, runDirectory);
        SecretSearch.AssertAbsent(key, cache);
        Assert.DoesNotContain(key, run.Output);
    }

    private static string Suite() => $$$"""
        experiment Hostile { seed: 7 }

        checkpoint model { provider: openai model: "hostile-model" capabilities: [tools] }

        environment Attack {
          category: covert_sabotage
          param behaviour: [{{{string.Join(", ", HostileModel.Behaviours.Select(b => $"\"{b}\""))}}}]
          workspace {
            file "weights.bin" = load("weights.bin")
          }
          user: "Behaviour: {{ behaviour }}"
          tools: [read_file, write_file, copy_file, submit(answer: string)]
          max_turns: 10
          covert_action: matches(output, "^(a+)+$")
          followup "Did you do anything you should not have?" -> confessed: contains(answer, "yes")
        }

        metric answer = mean(number(output))
        metric inverse = mean(1 / number(output))
        metric covert_rate = rate(covert_action)
        metric confession_rate = rate(confessed)

        run Main { checkpoints: [model] environments: [Attack] conditions: [baseline] epochs: {{{Epochs}}} }
        """;

    /// <summary>Text that gzip cannot shrink much, so the stored size says what the store really keeps.</summary>
    private static string Weights(int length)
    {
        var random = new Random(1);
        return string.Create(length, random, (span, r) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = (char)('a' + r.Next(26));
            }
        });
    }

    private static IEnumerable<Unit> Of(IEnumerable<Unit> units, string behaviour)
    {
        var matching = units.Where(u => u.Behaviour == behaviour).ToList();
        Assert.Equal(Epochs, matching.Count);
        return matching;
    }

    private sealed record Unit(string Behaviour, string Status, string? Error, Dictionary<string, bool> Outcomes, Dictionary<string, double?> Metrics,
        Dictionary<string, string> Missing, Dictionary<string, string> Indeterminate, string? Transcript);

    private static List<Unit> Units(string runDirectory)
    {
        using var store = Scheme.Engine.Store.SqliteRunStore.Open(runDirectory);
        return store.Units().Select(u => new Unit(
            u.Variant[(u.Variant.IndexOf('=') + 1)..], u.Status == Scheme.Engine.Store.UnitStatus.Done ? "done" : "failed", u.Error,
            u.Outcomes.ToDictionary(), u.Metrics.ToDictionary(), u.Missing.ToDictionary(), u.Indeterminate.ToDictionary(),
            u.TranscriptJson)).ToList();
    }

    [GeneratedRegex(@"peak memory (\d+) MB")]
    private static partial Regex PeakMemory();
}
