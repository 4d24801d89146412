using System.CommandLine;
using Scheme.Analysis;
using Scheme.Analysis.Prereg;
using Scheme.Engine.Store;
using Scheme.Model;
using Scheme.Viewer.Hosting;

namespace Scheme.Runtime.Cli;

/// <summary>
/// <c>view RUN_DIR [--port N] [--reviewer NAME] [--outcome NAME [--seed N]] [--lock PATH]</c>: serves the transcript viewer of a run directory on
/// 127.0.0.1 (src/Dsl.Viewer), prints <c>Viewer: http://127.0.0.1:PORT/</c> and serves until Ctrl+C. It reads run.db
/// read-only and writes only review labels (and its search index, view-index.db). Exit codes: 0 stopped by Ctrl+C;
/// 2 not a run directory (SCH9035), a port that cannot be bound (SCH9036), a bad option (SCH9037), a lock that cannot
/// be read. <c>--outcome</c> and <c>--seed</c> (the options the review command shares) also print the review queue's URL.
/// </summary>
public static class ViewCommand
{
    public static Command Create(ExperimentDefinition experiment, TextWriter output, TextWriter errors, CancellationToken cancellationToken)
    {
        var directory = new Argument<string>("RUN_DIR") { Description = "The run directory to view (holding run.db)." };
        var port = new Option<int>("--port") { Description = "The port on 127.0.0.1 (default 0: a free port, printed).", DefaultValueFactory = _ => 0 };
        var reviewer = new Option<string?>("--reviewer")
        {
            Description = "Your name on every review label added in this viewer (default: the page asks once and remembers it in the browser).",
        };
        var outcome = new Option<string?>("--outcome") { Description = "Also print the URL of this outcome's review queue (the units where it fired, in a seeded random order)." };
        var seed = new Option<long>("--seed") { Description = "The review queue's seed (default 1).", DefaultValueFactory = _ => 1 };
        var lockOption = LockLocation.Option("the overview judges the hypotheses against");
        var command = new Command("view", "Serve a local transcript viewer of a run directory on 127.0.0.1: metric table, unit list with filters and search, transcripts, paired views, review labels.");
        command.Arguments.Add(directory);
        command.Options.Add(port);
        command.Options.Add(reviewer);
        command.Options.Add(outcome);
        command.Options.Add(seed);
        command.Options.Add(lockOption);
        command.SetAction(parse =>
        {
            var dir = parse.GetValue(directory)!;
            if (!LockLocation.TryReadForAnalysis(parse.GetValue(lockOption), errors, out var locked, out var lockPath))
            {
                return RunnerHost.UsageError;
            }
            var queue = parse.GetValue(outcome);
            if (queue is not null && (queue.Length is 0 or > 200 || !queue.All(c => char.IsAsciiLetterOrDigit(c) || c == '_')))
            {
                errors.WriteLine($"error {ViewerCodes.BadOption}: --outcome must be an outcome's name, not '{queue}'.");
                return RunnerHost.UsageError;
            }
            var options = new ViewerOptions(dir, parse.GetValue(port), parse.GetValue(reviewer), experiment, () => Analyze(experiment, dir, locked, lockPath));
            return Serve(options, queue is null ? null : $"queue?outcome={queue}&seed={parse.GetValue(seed)}", output, errors, cancellationToken);
        });
        return command;
    }

    /// <summary>The report's analysis of the run (units that do not fit the design left out and counted, as with --drop-invalid).</summary>
    private static AnalysisResult Analyze(ExperimentDefinition experiment, string dir, PreregistrationLock? locked, string? lockPath)
    {
        var readErrors = new List<UnitReadError>();
        var invalid = new List<InvalidUnit>();
        var database = Path.Combine(dir, SqliteRunStore.FileName);
        var units = ResultReader.ReadRunDirectory(dir, readErrors);
        var valid = new UnitValidator(experiment).Filter(units, database, invalid);
        return ExperimentAnalyzer.Analyze(experiment, valid, new AnalysisOptions(dir, readErrors, locked, lockPath, ResultReader.ReadRunStart(dir),
            Dropped: invalid, RunLockHash: RunDatabase.ReadManifest(database)?.PreregistrationHash, Labels: ReviewLabels.Read(database)));
    }

    private static int Serve(ViewerOptions options, string? queue, TextWriter output, TextWriter errors, CancellationToken external)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(external);
        void OnCancel(object? sender, ConsoleCancelEventArgs e)
        {
            e.Cancel = true;
            stop.Cancel();
        }
        Console.CancelKeyPress += OnCancel;
        try
        {
            return ServeAsync(options, queue, output, errors, stop.Token).GetAwaiter().GetResult();
        }
        finally
        {
            Console.CancelKeyPress -= OnCancel;
        }
    }

    private static async Task<int> ServeAsync(ViewerOptions options, string? queue, TextWriter output, TextWriter errors, CancellationToken stop)
    {
        ViewerServer server;
        try
        {
            server = await ViewerServer.StartAsync(options, stop);
        }
        catch (ViewerStartException e)
        {
            errors.WriteLine($"error {e.Code}: {e.Message}");
            return RunnerHost.UsageError;
        }
        await using (server)
        {
            if (server.Warning is not null)
            {
                errors.WriteLine(server.Warning);
            }
            output.WriteLine($"Viewer: {server.Url}");
            if (queue is not null)
            {
                output.WriteLine($"Review queue: {new Uri(server.Url, queue)}");
            }
            output.WriteLine("Serving on 127.0.0.1 only. Press Ctrl+C to stop.");
            output.Flush();
            try
            {
                await Task.Delay(Timeout.Infinite, stop);
            }
            catch (OperationCanceledException)
            {
                // Ctrl+C, or the host's token: stop serving.
            }
            output.WriteLine("Viewer stopped.");
        }
        return RunnerHost.Success;
    }
}
