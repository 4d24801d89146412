using System.Text.Json;
using Scheme.Runtime.Tests.Engine;
using Scheme.Testing.Fakes;

namespace Scheme.Runtime.Tests.Money;

/// <summary>
/// The scripted agent on gpt-4.1 behind the fake server, keeping the books: what every answered request costs at
/// gpt-4.1's list price ($2 in, $8 out per million tokens), read from the usage numbers of the reply it sends. So a
/// test knows exactly what the runner has been billed, independently of the runner's own meter.
/// </summary>
public sealed class PricedServer
{
    public const long InputMicroPerToken = 2;
    public const long OutputMicroPerToken = 8;

    /// <summary>The dearest single request of <see cref="TestExperiments.Agentic"/>: the judge, 50 in and 5 out.</summary>
    public const double LargestRequestUsd = (50 * InputMicroPerToken + 5 * OutputMicroPerToken) / 1e6;

    /// <summary>One unit: two agent turns (20+9 each), a follow-up (11+7) and a judge (50+5).</summary>
    public const double UnitUsd = 442 / 1e6;

    private readonly ScriptedAgent _agent = new();
    private long _billedMicro;
    private long _answered;

    /// <summary>Called before each request is answered with the number of requests answered so far; return a reply to send
    /// instead of the agent's (not billed), or null.</summary>
    public Func<long, FakeReply?>? Intercept { get; init; }

    /// <summary>Changes a reply before it is billed and sent (e.g. its usage numbers).</summary>
    public Func<RecordedRequest, FakeReply, FakeReply>? Rewrite { get; init; }

    /// <summary>What each task's requests were billed, in micro-dollars, and how many there were.</summary>
    public System.Collections.Concurrent.ConcurrentDictionary<int, (long Micro, long Requests, long Input, long Output)> ByTask { get; } = new();

    public double BilledUsd => Interlocked.Read(ref _billedMicro) / 1e6;

    public long Answered => Interlocked.Read(ref _answered);

    public FakeReply Reply(RecordedRequest request)
    {
        if (Intercept?.Invoke(Answered) is { } instead)
        {
            return instead;
        }
        var reply = _agent.Reply(request);
        reply = Rewrite?.Invoke(request, reply) ?? reply;
        using var body = JsonDocument.Parse(reply.Body);
        var usage = body.RootElement.GetProperty("usage");
        var input = usage.GetProperty("prompt_tokens").GetInt64();
        var output = usage.GetProperty("completion_tokens").GetInt64();
        var micro = input * InputMicroPerToken + output * OutputMicroPerToken;
        Interlocked.Add(ref _billedMicro, micro);
        ByTask.AddOrUpdate(ScriptedAgent.TaskOf(request), (micro, 1, input, output), (_, t) => (t.Micro + micro, t.Requests + 1, t.Input + input, t.Output + output));
        Interlocked.Increment(ref _answered);
        return reply;
    }
}
