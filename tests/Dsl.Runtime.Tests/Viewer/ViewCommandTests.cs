using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Scheme.Engine.Store;
using Scheme.Runtime.Cli;
using Scheme.Runtime.Tests.Episodes;
using Scheme.Viewer.Hosting;

namespace Scheme.Runtime.Tests.Viewer;

/// <summary>
/// <c>view</c>'s bad input and limits: not a run directory (SCH9035), a port in use (SCH9036), a bad option (SCH9037),
/// each one line with its code and exit 2; and a 50 MB transcript served cut, with a note, in a bounded response.
/// </summary>
public sealed class ViewCommandTests
{
    private static (int Exit, string Output, string Errors) View(params string[] args)
    {
        var output = new StringWriter();
        var errors = new StringWriter();
        using var stop = new CancellationTokenSource();
        var exit = RunnerHost.Run(["view", .. args], ReasoningCounterfactualTests.Experiment(), output, errors, stop.Token);
        return (exit, output.ToString(), errors.ToString());
    }

    [Fact]
    public void A_directory_without_run_db_is_SCH9035()
    {
        using var dir = new TempDirectory();

        var (exit, output, errors) = View(dir.Path);

        Assert.Equal(RunnerHost.UsageError, exit);
        Assert.Equal($"error SCH9035: {dir.Path} is not a run directory (no run.db).", errors.Trim());
        Assert.Empty(output);
        Assert.False(File.Exists(Path.Combine(dir.Path, "run.db")));
    }

    [Fact]
    public void A_file_that_is_not_a_run_database_is_SCH9035()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(Path.Combine(dir.Path, "run.db"), "not sqlite at all");

        var (exit, _, errors) = View(dir.Path);

        Assert.Equal(RunnerHost.UsageError, exit);
        Assert.StartsWith("error SCH9035: ", errors);
        Assert.DoesNotContain("   at ", errors);
    }

    [Fact]
    public void A_port_in_use_is_SCH9036()
    {
        using var dir = new TempDirectory();
        using (SqliteRunStore.Open(dir.Path))
        {
        }
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;

        var (exit, _, errors) = View(dir.Path, "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal(RunnerHost.UsageError, exit);
        Assert.StartsWith($"error SCH9036: Cannot listen on 127.0.0.1:{port}", errors);
    }

    [Theory]
    [InlineData("--port", "70000", "SCH9037: --port must be from 0")]
    [InlineData("--port", "-1", "SCH9037: --port must be from 0")]
    [InlineData("--reviewer", "a\u0007b", "SCH9037: --reviewer: A reviewer's name")]
    public void A_bad_option_is_SCH9037(string option, string value, string message)
    {
        using var dir = new TempDirectory();
        using (SqliteRunStore.Open(dir.Path))
        {
        }

        var (exit, _, errors) = View(dir.Path, option, value);

        Assert.Equal(RunnerHost.UsageError, exit);
        Assert.Contains("error " + message, errors);
    }

    [Fact]
    public async Task A_50_MB_transcript_is_served_cut_with_a_note()
    {
        using var dir = new TempDirectory();
        var output = new string('x', 50_000_000);
        using (var store = SqliteRunStore.Open(dir.Path))
        {
            store.Record(new UnitRecord("big", "Main", "oss", "LazyChecklist", "default", "baseline", 0, 1, UnitStatus.Done,
                new Dictionary<string, bool> { ["covert_action"] = false }, new Dictionary<string, double?>(), 1, 1, null, 1, null, DateTimeOffset.UtcNow)
            {
                TranscriptJson = JsonSerializer.Serialize(new { messages = new object[] { new { role = "tool", content = output, toolCallId = "c1" } } }),
            });
        }
        await using var server = await ViewerServer.StartAsync(new ViewerOptions(dir.Path));
        using var http = new HttpClient { BaseAddress = server.Url };

        var body = await http.GetStringAsync("/api/unit?id=big");

        Assert.InRange(body.Length, 200_000, 1_000_000);
        using var json = JsonDocument.Parse(body);
        var note = Assert.Single(json.RootElement.GetProperty("truncated").EnumerateArray());
        Assert.Equal("$.messages[0].content", note.GetProperty("path").GetString());
        Assert.Equal(50_000_000, note.GetProperty("length").GetInt32());
    }
}
