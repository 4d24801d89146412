using System.CommandLine;
using System.Globalization;
using Scheme.Engine;
using Scheme.Engine.Design;

namespace Scheme.Runtime.Cli;

/// <summary>The options of <c>run</c>, shared with <c>resume</c>, which re-reads them from the manifest.</summary>
public sealed class RunOptions
{
    public Option<bool> Offline { get; } = new("--offline") { Description = "Use the simulated provider for every checkpoint: no request is sent, outcomes are drawn from the simulate block." };
    public Option<string?> Out { get; } = new("--out") { Description = "Run directory (default: runs/<experiment>-<UTC timestamp>). With --shard, the whole run's folder, where the shard writes its own directory OUT/shard-I-of-N (default: runs/<experiment>-<experiment hash>, the same for every shard)." };
    public Option<int> Concurrency { get; } = new("--concurrency") { Description = "Units in flight, and concurrent requests, per endpoint.", DefaultValueFactory = _ => 8 };
    public Option<string?> Endpoint { get; } = new("--endpoint") { Description = "Base URL that replaces that of every openai checkpoint, e.g. http://localhost:8000/v1." };
    public Option<string[]> Checkpoint { get; } = new("--checkpoint") { Description = "Only units of this checkpoint (repeatable).", AllowMultipleArgumentsPerToken = false };
    public Option<string[]> Environment { get; } = new("--environment") { Description = "Only units of this environment (repeatable)." };
    public Option<string?> Run { get; } = new("--run") { Description = "Only this run of the experiment (default: every run)." };
    public Option<long?> Limit { get; } = new("--limit") { Description = "Only the first N units of the selection, in plan order (with --shard, the limit applies first: the shards split the limited plan)." };
    public Option<string?> Shard { get; } = new("--shard")
    {
        Description = "Run only shard I of N (I from 0 to N-1, e.g. $SLURM_ARRAY_TASK_ID/8): the selected units whose id hashes to I, " +
            "into OUT/shard-I-of-N. Join the shards with merge.",
    };
    public Option<string?> Cache { get; } = new("--cache") { Description = "Response cache directory, shared between runs (default: the user cache, ~/.cache/scheme/responses)." };
    public Option<bool> NoCache { get; } = new("--no-cache") { Description = "Neither read nor write the response cache." };
    public Option<double?> MaxCost { get; } = new("--max-cost") { Description = "Stop cleanly once the whole run has spent this many USD: every session of this run directory (earlier runs and resumes, " +
        "from its run.db) and the other shards (their spent.json), plus this process. Counts requests an endpoint answered at list prices " +
        "(retries, judges and failed units included; cache hits free; unknown models count 0)." };
    public Option<int?> RequestsPerMinute { get; } = new("--rpm") { Description = "Requests per minute per endpoint (default: unlimited)." };
    public Option<int?> TokensPerMinute { get; } = new("--tpm") { Description = "Tokens per minute per endpoint (default: unlimited)." };
    public Option<double> Timeout { get; } = new("--timeout") { Description = "Seconds one request may take before it fails as a timeout (and is retried).", DefaultValueFactory = _ => 600 };
    public Option<int> Retries { get; } = new("--retries") { Description = "Retries of a request after a transient failure (429, 5xx, timeout, dropped connection).", DefaultValueFactory = _ => 6 };
    public Option<double> RetryDelay { get; } = new("--retry-delay") { Description = "Base of the exponential backoff in seconds, when the server sends no Retry-After.", DefaultValueFactory = _ => 1 };
    public Option<string?> Replay { get; } = new("--replay") { Description = "Re-grade: replay the transcripts recorded in this run directory instead of asking the models (tools run again; judges are asked live)." };
    public Option<string?> Lock { get; } = LockLocation.Option("whose hash the run records");
    public Option<bool> Batch { get; } = new("--batch")
    {
        Description = "Send the openai checkpoints' requests through the OpenAI Batch API (half the list price, answers within 24 h), in rounds: " +
            "each round runs the waiting units from the response cache and submits what they ask next. Checkpoints with reasoning_format " +
            "harmony and reasoning-prefill continuations run live. Needs the response cache; resume polls the batches already submitted.",
    };
    public Option<double> PollInterval { get; } = new("--poll-interval") { Description = "With --batch: seconds before the first poll of a batch; the wait grows by half each poll, up to 5 minutes.", DefaultValueFactory = _ => 30 };
    public Option<double> ProgressInterval { get; } = new("--progress-interval") { Description = "Seconds between progress lines when the output is not a terminal.", DefaultValueFactory = _ => 5 };

    public IEnumerable<Option> All =>
        [Offline, Out, Concurrency, Endpoint, Checkpoint, Environment, Run, Limit, Shard, Cache, NoCache, MaxCost, RequestsPerMinute, TokensPerMinute,
         Timeout, Retries, RetryDelay, Replay, Lock, ProgressInterval, Batch, PollInterval];

    public Command AddTo(Command command)
    {
        foreach (var option in All)
        {
            command.Options.Add(option);
        }
        return command;
    }

    /// <summary>What is wrong with the values, or null. (Checked here rather than by a command validator, which
    /// does not see default values.)</summary>
    public static string? Validate(RunRequest request) => request switch
    {
        { Settings.Concurrency: < 1 } => "--concurrency must be at least 1.",
        { Limit: < 0 } => "--limit must not be negative.",
        { Settings.MaxCostUsd: < 0 } => "--max-cost must not be negative.",
        // NaN compares false with everything, so a NaN budget would never be reached: refused, as is Infinity (no budget is no --max-cost).
        { Settings.MaxCostUsd: { } cost } when !double.IsFinite(cost) => "--max-cost must be a finite number of USD.",
        { Settings.RequestTimeout: { } t } when t <= TimeSpan.Zero => "--timeout must be positive.",
        { Settings.RequestsPerMinute: < 1 } => "--rpm must be at least 1.",
        { Settings.TokensPerMinute: < 1 } => "--tpm must be at least 1.",
        { Settings.Retry.MaxRetries: < 0 } => "--retries must not be negative.",
        { ProgressInterval: var p } when p <= TimeSpan.Zero => "--progress-interval must be positive.",
        { Shard: { } shard } when ShardSpec.TryParse(shard, out var problem) is null => $"{BadShard}: {problem}",
        { Settings: { Batch: true, Offline: true } } => $"{BatchIncompatible}: --batch sends requests to the Batch API; --offline sends none. Use one of them.",
        { Settings: { Batch: true, NoCache: true } } => $"{BatchIncompatible}: --batch keeps the batches' answers in the response cache between rounds; drop --no-cache (--cache DIR chooses where).",
        { Settings: { Batch: true, ReplayDirectory: not null } } => $"{BatchIncompatible}: --replay asks the models nothing but the judges; run it without --batch.",
        { Settings.PollInterval: { } poll } when poll <= TimeSpan.Zero => "--poll-interval must be positive.",
        _ => null,
    };

    public RunRequest Read(ParseResult parse) => new(
        parse.GetValue(Out),
        parse.GetValue(Run),
        parse.GetValue(Checkpoint) ?? [],
        parse.GetValue(Environment) ?? [],
        parse.GetValue(Limit),
        TimeSpan.FromSeconds(parse.GetValue(ProgressInterval)),
        parse.GetValue(Lock),
        parse.GetValue(Shard),
        new EngineSettings(
            Offline: parse.GetValue(Offline),
            Endpoint: parse.GetValue(Endpoint),
            CacheDirectory: parse.GetValue(Cache),
            NoCache: parse.GetValue(NoCache),
            Concurrency: parse.GetValue(Concurrency),
            RequestsPerMinute: parse.GetValue(RequestsPerMinute),
            TokensPerMinute: parse.GetValue(TokensPerMinute),
            RequestTimeout: TimeSpan.FromSeconds(parse.GetValue(Timeout)),
            Retry: new RetryPolicy(parse.GetValue(Retries), TimeSpan.FromSeconds(parse.GetValue(RetryDelay))),
            MaxCostUsd: parse.GetValue(MaxCost),
            ReplayDirectory: parse.GetValue(Replay),
            Batch: parse.GetValue(Batch),
            PollInterval: TimeSpan.FromSeconds(parse.GetValue(PollInterval))));

    /// <summary>--batch with an option it cannot go with (exit 2).</summary>
    public const string BatchIncompatible = "SCH9068";

    /// <summary>Error code of a --shard that is not I/N with 0 &lt;= I &lt; N (SCH9050-9059 are the shard codes; see MergeCommand).</summary>
    public const string BadShard = "SCH9050";

    /// <summary>
    /// The default folder of a sharded run: named by the experiment's hash, not the time, so that every shard, started
    /// whenever and wherever, finds the same folder; a changed experiment gets another.
    /// </summary>
    public static string DefaultShardedOut(string experiment, string hash)
    {
        var hex = hash[(hash.IndexOf(':', StringComparison.Ordinal) + 1)..];
        return Path.Combine("runs", $"{experiment}-{hex[..Math.Min(12, hex.Length)]}");
    }

    /// <summary>The default run directory: runs/&lt;experiment&gt;-&lt;UTC timestamp&gt;.</summary>
    public static string DefaultOut(string experiment, DateTimeOffset now) =>
        Path.Combine("runs", $"{experiment}-{now.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture)}");
}

/// <summary>What to run, read from the command line.</summary>
public sealed record RunRequest(
    string? Out,
    string? Run,
    IReadOnlyList<string> Checkpoints,
    IReadOnlyList<string> Environments,
    long? Limit,
    TimeSpan ProgressInterval,
    string? Lock,
    string? Shard,
    EngineSettings Settings)
{
    /// <summary>The shard to run, or null for the whole selection (<see cref="RunOptions.Validate"/> has checked the text).</summary>
    public ShardSpec? ShardSpec => Shard is null ? null : Scheme.Engine.Design.ShardSpec.Parse(Shard);
}
