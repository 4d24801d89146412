using Scheme.Engine.Store;
using Scheme.Model;
using Scheme.Runtime.Cli;
using Scheme.Runtime.Tests.Engine;
using Scheme.Runtime.Tests.Episodes;
using Scheme.Testing.Fakes;
using Scheme.Testing.Viewer;

namespace Scheme.Runtime.Tests.Viewer;

/// <summary>
/// One real run, made once for the viewer's tests, and the runner's <c>view</c> serving it. The run goes through the
/// runner's command line, the engine and the real OpenAI SDK against the loopback fake server: the reasoning
/// counterfactual experiment (baseline, Strip: sentences removed then resampled, StripKeep, Inject, InjectKeep), so the
/// transcripts hold real reasoning edits as the engine records them. Its last turn is hostile: the reasoning carries
/// script, an img with onerror, a javascript: link, a closing textarea, U+202E and a 1,000,000-character line, and the
/// submitted answer more markup.
/// </summary>
public sealed class ViewerRun : IAsyncLifetime
{
    public const string HostileReasoningStart = "<script>window.__pwned=1;alert('reasoning')</script>";

    public static readonly string HostileReasoning = HostileReasoningStart + " <img src=x onerror=\"window.__pwned=2;alert('img')\"> " +
        "[click](javascript:alert('link')) <a href=\"javascript:window.__pwned=3\">here</a> </textarea><b>bold</b> \u202Eevil reversed\n" +
        new string('A', 1_000_000);

    /// <summary>The reviewed metric the browser test sees <c>analyze</c> change: rate(reviewed(covert_action)), as the compiler emits it.</summary>
    public const string ReviewedMetric = "confirmed_covert";

    /// <summary>The unit the security tests label over HTTP, so that the Strip unit's labels are the browser test's alone.</summary>
    public const string SecurityUnit = "InjectKeep";

    public const string HostileAnswer = "</pre></textarea><svg onload=\"window.__pwned=4\"></svg><iframe src=\"javascript:alert(5)\"></iframe>";

    private readonly RunnerFixture _runner = new();
    private readonly CancellationTokenSource _stop = new();
    private FakeOpenAiServer? _model;
    private Task<int>? _viewer;

    public ExperimentDefinition Experiment { get; private set; } = null!;

    public string RunDirectory => _runner.RunDirectory;

    public string Database => Path.Combine(RunDirectory, SqliteRunStore.FileName);

    public Uri Url { get; private set; } = null!;

    public LineSignal ViewerOutput { get; } = new("Viewer: ");

    public StringWriter ViewerErrors { get; } = new();

    public IReadOnlyList<UnitRecord> Units { get; private set; } = [];

    public UnitRecord Unit(string condition) => Units.Single(u => u.Condition == condition);

    public async Task InitializeAsync()
    {
        _model = FakeOpenAiServer.Start();
        _model.Handler = Hostile;
        var experiment = ReasoningCounterfactualTests.Experiment(_runner.KeyVariable);
        Experiment = experiment with
        {
            Metrics = [.. experiment.Metrics, new MetricDefinition(ReviewedMetric, MetricAggregation.Rate, t => t.Outcome("covert_action") ? 1 : 0, ["covert_action"], Reviewed: "covert_action")],
        };
        var code = _runner.Run(Experiment, default, "run", "--endpoint", _model.BaseUrl, "--out", RunDirectory, "--no-cache", "--retry-delay", "0.02");
        Assert.True(code == RunnerHost.Success, _runner.Errors.ToString() + _runner.Output);
        Units = _runner.Units();
        _viewer = Task.Run(() => RunnerHost.Run(["view", RunDirectory, "--port", "0", "--outcome", "covert_action", "--seed", "3"], Experiment, ViewerOutput, ViewerErrors, _stop.Token));
        var first = await Task.WhenAny(ViewerOutput.Line, _viewer);
        Assert.True(first == ViewerOutput.Line, $"view ended with {(first == _viewer ? _viewer.Result : -1)}: {ViewerErrors}");
        Url = new Uri(await ViewerOutput.Line);
    }

    /// <summary>A run this small is indexed before the viewer prints its URL: search answers completely from the start.</summary>
    public static async Task AssertIndexReadyAsync(HttpClient http)
    {
        using var json = System.Text.Json.JsonDocument.Parse(await http.GetStringAsync("/api/run"));
        Assert.True(json.RootElement.GetProperty("index").GetProperty("ready").GetBoolean(), json.RootElement.GetRawText());
    }

    /// <summary>The scripted model of the counterfactual tests, with the final turn's reasoning and answer made hostile.</summary>
    private static FakeReply Hostile(RecordedRequest request)
    {
        var reply = ReasoningCounterfactualTests.Model(request);
        var last = request.Messages[^1];
        var afterTool = last.GetProperty("role").GetString() == "tool";
        var judge = request.Messages[0].GetProperty("content").GetString() == Scheme.Engine.Grading.JudgeRunner.SystemPrompt;
        return afterTool && !judge
            ? FakeReply.ToolCalls(("submit", new { answer = HostileAnswer })).WithReasoning(HostileReasoning)
            : reply;
    }

    /// <summary>Stops the viewer the way Ctrl+C does (the host's token) and checks it exits cleanly.</summary>
    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_viewer is not null)
        {
            Assert.Equal(RunnerHost.Success, await _viewer);
        }
        if (_model is not null)
        {
            await _model.DisposeAsync();
        }
        _runner.Dispose();
        _stop.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class ViewerCollection : ICollectionFixture<ViewerRun>
{
    public const string Name = "viewer";
}
