using System.Collections.Concurrent;
using Scheme.Engine.Episodes;
using Scheme.Engine.Providers;
using Scheme.Model;

namespace Scheme.Engine.Estimate;

/// <summary>
/// The most one unit can ask, from what the experiment declares, before anything is run: every turn of max_turns
/// taken, every answer as long as the checkpoint's max_tokens (or <see cref="AssumedMaxOutputTokens"/> when none is
/// declared), every tool result as long as the whole declared workspace, every follow-up asked and every judge of the
/// unit asked once. Tokens are counted as characters / 4. <see cref="Assumptions"/> says all this in words.
/// </summary>
public sealed class DeclaredEstimator(ExperimentDefinition experiment)
{
    /// <summary>Output tokens per request assumed for a checkpoint that declares no max_tokens.</summary>
    public const int AssumedMaxOutputTokens = 4096;

    /// <summary>Characters per token (the usual rule of thumb for English text with OpenAI's tokenizers).</summary>
    public const double CharsPerToken = 4;

    private readonly ConcurrentDictionary<(string, string, string), IReadOnlyList<ModelUse>> _byVariant = new();

    public static IReadOnlyList<string> Assumptions { get; } =
    [
        "declared estimates are upper bounds: every unit takes all max_turns turns, each answer is max_tokens long " +
            $"({AssumedMaxOutputTokens:N0} where a checkpoint declares none), each tool result is as long as the declared workspace, every follow-up is asked",
        "tokens ~ characters / 4 (prompts rendered per variant, tool schemas, follow-up questions, rubrics); each request resends the conversation so far, " +
            "capped at the environment's max_transcript_bytes",
        "judges: each judge of a unit asked once (up to 3 times when its verdict cannot be parsed), over the whole transcript; reasoning-edit judges are not counted",
        "not counted: retries of failed requests (429, 5xx, timeouts), which are paid too; cache hits, which are free",
    ];

    /// <summary>What one unit of this checkpoint, environment and variant may ask, per model.</summary>
    public IReadOnlyList<ModelUse> PerUnit(string checkpoint, string environment, string variant, IReadOnlyDictionary<string, object> parameters) =>
        _byVariant.GetOrAdd((checkpoint, environment, variant), _ => Compute(checkpoint, environment, parameters));

    private IReadOnlyList<ModelUse> Compute(string checkpointName, string environmentName, IReadOnlyDictionary<string, object> parameters)
    {
        var checkpoint = experiment.Checkpoint(checkpointName);
        var environment = experiment.Environment(environmentName);
        var limits = environment.EffectiveLimits;
        var cap = (double)(limits.MaxTranscriptBytes ?? long.MaxValue) / CharsPerToken;
        var output = (double)(checkpoint.MaxTokens ?? AssumedMaxOutputTokens);
        var prompt = Tokens(Render(environment.System, parameters)) + Tokens(Render(environment.User, parameters)) + ToolTokens(environment);
        var toolResult = environment.Files.Sum(f => Tokens(f.Verbatim ? f.Content : Render(f.Content, parameters)));
        var turns = Math.Max(1, environment.MaxTurns);
        double input = 0;
        for (var turn = 0; turn < turns; turn++)
        {
            input += Math.Min(cap, prompt + turn * (output + toolResult));
        }
        var conversation = Math.Min(cap, prompt + turns * (output + toolResult));
        var uses = new List<ModelUse> { new(Model(checkpoint), RequestKind.Turn, turns, input, turns * output) };
        var asked = conversation;
        foreach (var followup in environment.Followups)
        {
            asked = Math.Min(cap, asked + Tokens(followup.Question));
            uses.Add(new ModelUse(Model(checkpoint), RequestKind.Followup, 1, asked, output));
            asked = Math.Min(cap, asked + output);
        }
        foreach (var judge in experiment.Judges.Where(j => AskedIn(j, environment)))
        {
            var judgeCheckpoint = experiment.Checkpoint(judge.Checkpoint);
            var instructions = Tokens(judge.Rubric ?? judge.Question ?? "") + Tokens(Grading.JudgeRunner.SystemPrompt) + 20;
            uses.Add(new ModelUse(Model(judgeCheckpoint), RequestKind.Judge, 1, Math.Min(cap, instructions + asked), judgeCheckpoint.MaxTokens ?? AssumedMaxOutputTokens));
        }
        return uses;
    }

    /// <summary>Whether a unit of this environment asks the judge (as <c>JudgeRunner.ScopeOf</c> decides, follow-ups always asked).</summary>
    private bool AskedIn(JudgeDefinition judge, EnvironmentDefinition environment) => judge.Owner switch
    {
        { Kind: JudgeOwnerKind.Detector or JudgeOwnerKind.Followup } o => o.Environment == environment.Name,
        { Kind: JudgeOwnerKind.Metric } o => experiment.Metrics.FirstOrDefault(m => m.Name == o.Name) is { } metric && metric.HasUnitValuesIn(environment),
        _ => false,
    };

    internal static string Model(CheckpointDefinition checkpoint) => checkpoint.Model ?? checkpoint.Name;

    private static double Tokens(string? text) => text is null ? 0 : Math.Ceiling(text.Length / CharsPerToken);

    private static string? Render(string? template, IReadOnlyDictionary<string, object> parameters)
    {
        if (template is null)
        {
            return null;
        }
        try
        {
            return PromptRenderer.Render(template, parameters);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // An estimate must not fail on a template the run itself would report; its raw length is the estimate then.
            return template;
        }
    }

    private static double ToolTokens(EnvironmentDefinition environment)
    {
        IEnumerable<ToolDefinition> tools;
        try
        {
            tools = ToolRegistry.For(environment).Definitions;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            tools = environment.Tools;
        }
        return tools.Sum(t => Tokens(t.Name) + Tokens(t.Description) + Tokens(ToolSchema.Build(t)));
    }
}
