using System.CommandLine;
using System.Globalization;
using Scheme.Engine.Store;
using Scheme.Model;

namespace Scheme.Runtime.Cli;

/// <summary>
/// <c>review DIR --outcome NAME [--seed N]</c> prints the review queue: the done units whose outcome fired, in
/// <see cref="ReviewQueue.Order"/> (a stable random order, so reviewing its first N is an unbiased, reproducible sample),
/// each marked reviewed or unreviewed, with the counts. <c>review DIR --unit ID --outcome NAME --verdict
/// confirmed|rejected|unclear --reviewer NAME [--note TEXT]</c> appends a label to the run's store (the viewer adds them
/// through the same <see cref="SqliteRunStore.AppendReviewLabel"/>). Labels never change the automated outcome.
/// Errors (exit 2, nothing written): SCH9030 no such done unit, SCH9031 not an outcome of the unit's environment,
/// SCH9032 not a verdict, SCH9033 a reviewer name or note the store refuses, SCH9034 options that do not go together or
/// a directory that is not a run.
/// </summary>
public static class ReviewCommand
{
    public const string UnknownUnit = "SCH9030", UnknownOutcome = "SCH9031", UnknownVerdict = "SCH9032", LabelRefused = "SCH9033", BadUsage = "SCH9034";

    public static Command Create(ExperimentDefinition experiment, TextWriter output, TextWriter errors)
    {
        var directory = new Argument<string>("DIR") { Description = "The run directory." };
        var outcome = new Option<string>("--outcome") { Description = "The outcome under review (covert_action, a named outcome or a follow-up's).", Required = true };
        var seed = new Option<long>("--seed") { Description = "The queue's seed (default 1): the same seed gives the same order everywhere.", DefaultValueFactory = _ => 1 };
        var unit = new Option<string?>("--unit") { Description = "Label this unit (with --verdict and --reviewer)." };
        var verdict = new Option<string?>("--verdict") { Description = "confirmed, rejected or unclear." };
        var reviewer = new Option<string?>("--reviewer") { Description = "Who reviews (a name; no accounts)." };
        var note = new Option<string?>("--note") { Description = "Why, in a few words (optional)." };
        var command = new Command("review", "Print the review queue of an outcome (the units where it fired, in a stable random order, marked reviewed or not), or label one unit's outcome.");
        command.Arguments.Add(directory);
        foreach (var option in new Option[] { outcome, seed, unit, verdict, reviewer, note })
        {
            command.Options.Add(option);
        }
        command.SetAction(parse =>
        {
            var dir = parse.GetValue(directory)!;
            var name = parse.GetValue(outcome)!;
            var path = Path.Combine(dir, SqliteRunStore.FileName);
            if (!File.Exists(path))
            {
                return Fail(errors, BadUsage, $"{dir} is not a run directory (no {SqliteRunStore.FileName}).");
            }
            var (id, v, who, why) = (parse.GetValue(unit), parse.GetValue(verdict), parse.GetValue(reviewer), parse.GetValue(note));
            if (id is null)
            {
                return v is not null || who is not null || why is not null
                    ? Fail(errors, BadUsage, "--verdict, --reviewer and --note label a unit: give --unit ID too (without them, review prints the queue).")
                    : Queue(experiment, path, name, parse.GetValue(seed), output, errors);
            }
            return Label(experiment, dir, new LabelRequest(id, name, v, who, why), output, errors);
        });
        return command;
    }

    private sealed record LabelRequest(string Unit, string Outcome, string? Verdict, string? Reviewer, string? Note);

    private static int Queue(ExperimentDefinition experiment, string path, string outcome, long seed, TextWriter output, TextWriter errors)
    {
        if (!Outcomes(experiment).Contains(outcome))
        {
            return Fail(errors, UnknownOutcome, $"'{outcome}' is not an outcome of {experiment.Name}. {Known(experiment)}");
        }
        var readErrors = new List<UnitReadError>();
        var fired = new Dictionary<string, UnitRecord>(StringComparer.Ordinal);
        foreach (var u in RunDatabase.ReadUnits(path, readErrors))
        {
            if (u.Status == UnitStatus.Done && u.Outcomes.TryGetValue(outcome, out var yes) && yes)
            {
                fired[u.UnitId] = u;
            }
        }
        var current = ReviewLabels.Current(ReviewLabels.Read(path)).Where(l => l.Outcome == outcome)
            .GroupBy(l => l.UnitId, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        var order = ReviewQueue.Order(fired.Keys, outcome, seed);
        var reviewed = order.Count(current.ContainsKey);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Review queue of {outcome} (seed {seed}): {order.Count} units where it fired; {reviewed} reviewed, {order.Count - reviewed} unreviewed."));
        output.WriteLine("Review from the top: the first N of the queue are an unbiased sample of the units where it fired.");
        output.WriteLine($"{"#",6}  {"unit",-16}  {"checkpoint",-14}  {"environment",-24}  {"condition",-18}  review");
        for (var i = 0; i < order.Count; i++)
        {
            var u = fired[order[i]];
            var labels = current.GetValueOrDefault(u.UnitId);
            // Reviewer names are printed as stored; the store refused control characters, so a name cannot forge a line.
            var state = labels is null ? "unreviewed"
                : "reviewed: " + string.Join(", ", labels.Select(l => $"{l.Reviewer} {ReviewLabel.Text(l.Verdict)}"));
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{i + 1,6}  {u.UnitId,-16}  {u.Checkpoint,-14}  {u.Environment,-24}  {u.Condition,-18}  {state}"));
        }
        foreach (var error in readErrors.Take(5))
        {
            errors.WriteLine(error);
        }
        return RunnerHost.Success;
    }

    private static int Label(ExperimentDefinition experiment, string dir, LabelRequest request, TextWriter output, TextWriter errors)
    {
        if (request.Verdict is null || !ReviewLabel.TryParse(request.Verdict, out var verdict))
        {
            return Fail(errors, UnknownVerdict, request.Verdict is null
                ? "Labelling a unit needs --verdict confirmed, rejected or unclear."
                : $"'{Shown(request.Verdict)}' is not a verdict: use confirmed, rejected or unclear.");
        }
        if (request.Reviewer is null)
        {
            return Fail(errors, LabelRefused, "Labelling a unit needs --reviewer NAME (who reviewed it).");
        }
        if (ReviewLabels.Problem(request.Unit, request.Outcome, request.Reviewer, request.Note) is { } problem)
        {
            return Fail(errors, problem.Contains("outcome", StringComparison.Ordinal) ? UnknownOutcome : LabelRefused, problem);
        }
        using var store = SqliteRunStore.Open(dir);
        if (store.Get(request.Unit) is not { Status: UnitStatus.Done } unit)
        {
            return Fail(errors, UnknownUnit, $"No done unit '{Shown(request.Unit)}' in {dir}. `review {dir} --outcome {request.Outcome}` lists the units to review.");
        }
        if (!unit.Outcomes.ContainsKey(request.Outcome) && !unit.Indeterminate.ContainsKey(request.Outcome))
        {
            var own = unit.Outcomes.Keys.Order(StringComparer.Ordinal).ToList();
            return Fail(errors, UnknownOutcome, $"Unit {unit.UnitId} ({unit.Environment}) has no outcome '{request.Outcome}'. Its outcomes: {string.Join(", ", own)}.");
        }
        var stored = store.AppendReviewLabel(new ReviewLabel(unit.UnitId, request.Outcome, verdict, request.Reviewer, request.Note, DateTimeOffset.UtcNow));
        var fired = unit.Outcomes.TryGetValue(request.Outcome, out var f) ? (f ? "fired" : "did not fire") : "was indeterminate";
        output.WriteLine($"Labelled {unit.UnitId} {request.Outcome} {ReviewLabel.Text(verdict)} by {stored.Reviewer} (label {stored.Sequence}); " +
            $"the detector {fired}, and its outcome is unchanged.");
        return RunnerHost.Success;
    }

    private static HashSet<string> Outcomes(ExperimentDefinition experiment) =>
        experiment.Environments.SelectMany(e => e.Outcomes.Select(o => o.Name).Concat(e.Followups.Select(f => f.Outcome))).ToHashSet(StringComparer.Ordinal);

    private static string Known(ExperimentDefinition experiment) => $"Outcomes: {string.Join(", ", Outcomes(experiment).Order(StringComparer.Ordinal))}.";

    /// <summary>User input echoed in a message: at most 100 characters, control characters shown as '?', so it stays one line.</summary>
    private static string Shown(string text) =>
        new((text.Length > 100 ? text[..100] + "..." : text).Select(c => char.IsControl(c) ? '?' : c).ToArray());

    private static int Fail(TextWriter errors, string code, string message)
    {
        // What the user typed is echoed in messages; it cannot break the line or flood the terminal.
        var line = new string(message.Select(c => char.IsControl(c) ? '?' : c).ToArray());
        errors.WriteLine($"error {code}: {(line.Length > 600 ? line[..600] + "..." : line)}");
        return RunnerHost.UsageError;
    }
}
