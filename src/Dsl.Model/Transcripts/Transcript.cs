using System.Collections.Immutable;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Scheme.Model;

/// <summary>
/// What compiled detectors, graders and metrics read: one finished episode (messages, reasoning, tool
/// calls, final workspace, judge verdicts), or one sentence of its reasoning for a reasoning edit.
/// </summary>
/// <remarks>Immutable: grading adds verdicts and outcomes by making new transcripts (<see cref="WithVerdict"/>,
/// <see cref="WithOutcome"/>), so what one grader read can never change under it.</remarks>
public sealed class Transcript
{
    private readonly IReadOnlyDictionary<string, object> _params;
    private readonly IReadOnlyDictionary<string, string> _files;
    private readonly IReadOnlyDictionary<string, string> _initial;
    private readonly IReadOnlyList<ToolCall> _calls;
    private readonly ImmutableDictionary<string, bool> _verdicts;
    private readonly ImmutableDictionary<string, bool> _outcomes;
    private readonly ImmutableDictionary<string, string> _indeterminate;
    private readonly Lazy<string> _text;
    private readonly IReadOnlyDictionary<string, SpecDefinition> _specs;
    private readonly IReadOnlyDictionary<string, string> _graderFiles;

    public Transcript(
        string reasoning = "",
        string output = "",
        string text = "",
        IReadOnlyDictionary<string, object>? parameters = null,
        IReadOnlyDictionary<string, string>? files = null,
        IReadOnlyList<ToolCall>? calls = null,
        IReadOnlyDictionary<string, bool>? verdicts = null,
        IReadOnlyDictionary<string, bool>? outcomes = null,
        IReadOnlyDictionary<string, SpecDefinition>? specs = null,
        string answer = "",
        string sentence = "",
        IReadOnlyList<ChatMessage>? messages = null,
        IReadOnlyList<Email>? emails = null,
        IReadOnlyDictionary<string, string>? indeterminate = null,
        Lazy<string>? lazyText = null,
        string environment = "",
        bool editApplied = false,
        IReadOnlyDictionary<string, string>? initialFiles = null,
        IReadOnlyDictionary<string, string>? graderFiles = null)
    {
        Environment = environment;
        EditApplied = editApplied;
        Reasoning = reasoning;
        Output = output;
        // The whole episode as text is as large as the conversation; most suites never read it, so it is rendered
        // only when a judge or detector asks.
        _text = lazyText ?? new Lazy<string>(text);
        Answer = answer;
        Sentence = sentence;
        _params = parameters ?? new Dictionary<string, object>();
        _files = files ?? new Dictionary<string, string>();
        // Without the start, every file counts as added: a transcript built by hand has no history.
        _initial = initialFiles ?? new Dictionary<string, string>();
        _calls = calls ?? [];
        _verdicts = Immutable(verdicts);
        _outcomes = Immutable(outcomes);
        _indeterminate = Immutable(indeterminate);
        _specs = specs ?? new Dictionary<string, SpecDefinition>();
        Messages = messages ?? [];
        Emails = emails ?? [];
        _graderFiles = graderFiles ?? new Dictionary<string, string>();
    }

    /// <summary>The name of the environment the episode ran in, so code written in C# need not guess it from the files.</summary>
    public string Environment { get; }

    /// <summary>The model's reasoning, where the endpoint exposes it.</summary>
    public string Reasoning { get; }

    /// <summary>The final assistant message.</summary>
    public string Output { get; }

    /// <summary>The whole episode as text, what a judge reads by default.</summary>
    public string Text => _text.Value;

    /// <summary>The answer to a follow-up question (in follow-up graders).</summary>
    public string Answer { get; }

    /// <summary>The sentence under test (in a reasoning edit's predicate).</summary>
    public string Sentence { get; }

    /// <summary>
    /// Whether a reasoning manipulation edited the model's reasoning in this unit (<c>edit_applied</c>): false in a
    /// condition without a reasoning edit, and in one whose edit found nothing to change (no sentence removed).
    /// </summary>
    public bool EditApplied { get; }

    /// <summary>The conversation of the episode, follow-ups excluded, for graders written in C#.</summary>
    public IReadOnlyList<ChatMessage> Messages { get; }

    /// <summary>Emails sent with send_email, in order.</summary>
    public IReadOnlyList<Email> Emails { get; }

    /// <summary>The tool calls of the episode, in order.</summary>
    public IReadOnlyList<ToolCall> Calls => _calls;

    public Transcript WithSentence(string sentence) =>
        new(Reasoning, Output, "", _params, _files, _calls, _verdicts, _outcomes, _specs, Answer, sentence, Messages, Emails, _indeterminate, _text, Environment, EditApplied, _initial, _graderFiles);

    public Transcript WithAnswer(string answer) =>
        new(Reasoning, Output, "", _params, _files, _calls, _verdicts, _outcomes, _specs, answer, Sentence, Messages, Emails, _indeterminate, _text, Environment, EditApplied, _initial, _graderFiles);

    public Transcript WithVerdict(string judgeId, bool verdict) => With(verdicts: _verdicts.SetItem(judgeId, verdict));

    public Transcript WithVerdicts(IReadOnlyDictionary<string, bool> verdicts) => With(verdicts: Immutable(verdicts));

    /// <summary>This transcript with one more graded outcome: its value, or indeterminate with the reason.</summary>
    public Transcript WithOutcome(string name, OutcomeGrade grade) => grade.Value is { } value
        ? With(outcomes: _outcomes.SetItem(name, value), indeterminate: _indeterminate.Remove(name))
        : With(outcomes: _outcomes.Remove(name), indeterminate: _indeterminate.SetItem(name, grade.Indeterminate!));

    /// <summary>Outcomes graded so far.</summary>
    public IReadOnlyDictionary<string, bool> Outcomes => _outcomes;

    /// <summary>Outcomes that could not be decided, with why.</summary>
    public IReadOnlyDictionary<string, string> IndeterminateOutcomes => _indeterminate;

    public bool BoolParam(string name) => (bool)_params[name];

    public double NumberParam(string name) => Convert.ToDouble(_params[name], CultureInfo.InvariantCulture);

    public string StringParam(string name) => (string)_params[name];

    /// <summary>Content of a workspace file at the end of the episode; empty when it does not exist.</summary>
    public string File(string path) => _files.GetValueOrDefault(path, "");

    public bool Exists(string path) => _files.ContainsKey(path);

    /// <summary>
    /// Whether the episode changed a file (added, edited or deleted it) or, for a folder ("" or "." for the workspace
    /// root, "/srv/x" for a mount), any file under it.
    /// </summary>
    public bool Changed(string path) => WorkspaceDiff.Paths(_initial, _files, path).Any();

    /// <summary>What the episode changed in a file or under a folder ("" for everything), as a diff (see <see cref="WorkspaceDiff"/>).</summary>
    public string Diff(string path) => WorkspaceDiff.Render(_initial, _files, path);

    /// <summary>
    /// Content of a file only graders see (<c>grader_files</c>: answer keys, expected states), rendered for this unit's
    /// params; empty when the unit has no such file. These files are never in the model's workspace, so nothing the
    /// model did can change them.
    /// </summary>
    public string GraderFile(string path) =>
        _graderFiles.TryGetValue(path, out var content) ? content
        // Written as the compiler accepts it ("./key.json", "dir\\key.json"), keyed as the workspace normalizes it.
        : _graderFiles.GetValueOrDefault(string.Join('/', path.Trim().Replace('\\', '/').Split('/').Where(s => s is not ("" or "."))), "");

    public bool Called(string tool) => _calls.Any(c => c.Tool == tool);

    public double CallCount(string tool) => _calls.Count(c => c.Tool == tool);

    /// <summary>Every call the model made to the tool, in order (what <c>calls(tool)</c> lists).</summary>
    public IReadOnlyList<ToolCall> CallsTo(string tool) => _calls.Where(c => c.Tool == tool).ToList();

    /// <summary>The argument of the tool's last call; empty when it was never called.</summary>
    public string ArgumentText(string tool, string argument) =>
        _calls.LastOrDefault(c => c.Tool == tool)?.Arguments.GetValueOrDefault(argument) ?? "";

    public double ArgumentNumber(string tool, string argument) => Builtins.Number(ArgumentText(tool, argument));

    public bool ArgumentBool(string tool, string argument) =>
        bool.TryParse(ArgumentText(tool, argument), out var value) && value;

    /// <summary>A judge's verdict, which the runtime records before predicates run.</summary>
    public bool Verdict(string judgeId) =>
        _verdicts.TryGetValue(judgeId, out var verdict)
            ? verdict
            : throw new InvalidOperationException($"No verdict of judge '{judgeId}' was recorded before grading.");

    /// <summary>An outcome graded before this one; reading an indeterminate outcome makes the reader indeterminate too.</summary>
    public bool Outcome(string name) =>
        _indeterminate.TryGetValue(name, out var reason) ? throw new IndeterminateValueException(name, reason) : _outcomes.GetValueOrDefault(name);

    /// <summary>
    /// Whether the text refers to the spec (its name or any principle id) or, given <paramref name="principle"/>,
    /// to that principle, as a whole word.
    /// </summary>
    public bool Cites(string text, string spec, string? principle = null)
    {
        if (principle is not null)
        {
            return Regex.IsMatch(text, $@"\b{Regex.Escape(principle)}\b");
        }
        if (!_specs.TryGetValue(spec, out var definition))
        {
            return text.Contains(spec, StringComparison.Ordinal);
        }
        var names = definition.Principles.Select(p => Regex.Escape(p.Id)).Append(Regex.Escape(spec));
        return Regex.IsMatch(text, $@"\b({string.Join("|", names)})\b");
    }

    private Transcript With(ImmutableDictionary<string, bool>? verdicts = null, ImmutableDictionary<string, bool>? outcomes = null,
        ImmutableDictionary<string, string>? indeterminate = null) =>
        new(Reasoning, Output, "", _params, _files, _calls, verdicts ?? _verdicts, outcomes ?? _outcomes, _specs, Answer, Sentence, Messages, Emails,
            indeterminate ?? _indeterminate, _text, Environment, EditApplied, _initial, _graderFiles);

    private static ImmutableDictionary<string, TValue> Immutable<TValue>(IReadOnlyDictionary<string, TValue>? values) =>
        values switch
        {
            null => ImmutableDictionary.Create<string, TValue>(StringComparer.Ordinal),
            ImmutableDictionary<string, TValue> immutable => immutable,
            _ => values.ToImmutableDictionary(StringComparer.Ordinal),
        };
}
