using System.Globalization;
using Scheme.Testing.Fakes;

namespace Scheme.Benchmarks;

/// <summary>
/// Child process of <see cref="RuntimeBenchmarkSuite"/>: <c>runtime-serve LATENCY_MS RPM</c> serves chat completions
/// on 127.0.0.1 after a fixed latency, printing its base URL; with RPM &gt; 0 it enforces RPM requests in any
/// rolling 60 s window, answering 429 with Retry-After (seconds until a slot frees) beyond. "stats" on standard
/// input prints the counts; closing standard input stops it.
/// </summary>
public sealed class RuntimeServeSuite : IBenchmarkSuite
{
    public string Name => "runtime-serve";

    public string Description => "(internal) loopback server for the runtime benchmark.";

    public async Task<int> RunAsync(string[] args)
    {
        var latency = TimeSpan.FromMilliseconds(int.Parse(args[0], CultureInfo.InvariantCulture));
        var rpm = int.Parse(args[1], CultureInfo.InvariantCulture);
        var window = new Queue<DateTime>();
        var gate = new Lock();
        long answered = 0, rejected = 0;
        await using var server = FakeOpenAiServer.Start();
        server.Handler = _ =>
        {
            if (rpm > 0)
            {
                lock (gate)
                {
                    var now = DateTime.UtcNow;
                    while (window.Count > 0 && now - window.Peek() >= TimeSpan.FromMinutes(1))
                    {
                        window.Dequeue();
                    }
                    if (window.Count >= rpm)
                    {
                        rejected++;
                        var wait = Math.Max(1, (int)Math.Ceiling((window.Peek() + TimeSpan.FromMinutes(1) - now).TotalSeconds));
                        return FakeReply.Error(429, wait.ToString(CultureInfo.InvariantCulture));
                    }
                    window.Enqueue(now);
                }
            }
            Interlocked.Increment(ref answered);
            return FakeReply.Text("ok", promptTokens: 20, completionTokens: 2, model: "bench-model").After(latency);
        };
        Console.WriteLine(server.BaseUrl);
        Console.Out.Flush();
        while (await Console.In.ReadLineAsync() is { } command)
        {
            if (command == "stats")
            {
                Console.WriteLine($"{Interlocked.Read(ref answered)} answered, {Interlocked.Read(ref rejected)} rejected with 429");
                Console.Out.Flush();
            }
        }
        return 0;
    }
}
