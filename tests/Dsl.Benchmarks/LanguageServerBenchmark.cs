using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Scheme.LanguageServer.Protocol;
using Scheme.LanguageServer.Server;

namespace Scheme.Benchmarks;

/// <summary>
/// <c>lsp</c>: the language server in process on a 10,000-line suite split over 20 files (main.scheme importing 19
/// parts), side by side:
/// <list type="bullet">
/// <item>baseline: a check from scratch (every file read and parsed), what a build or a server without the cache pays;</item>
/// <item>after a one-line edit in one part: the time from the change to fresh diagnostics (debounce excluded: it is a
/// wait, not work), and how many files were parsed;</item>
/// <item>completion latency at four kinds of places, with the check fresh, and right after an edit (check included).</item>
/// </list>
/// Usage: lsp [iterations]
/// </summary>
public sealed partial class LanguageServerBenchmark : IBenchmarkSuite
{
    public string Name => "lsp";

    public string Description => "language server: diagnostics after a one-line edit in a 10,000-line suite of 20 files; completion latency";

    public async Task<int> RunAsync(string[] args)
    {
        var iterations = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 50;
        var folder = Path.Combine(Path.GetTempPath(), "scheme-lsp-bench-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(folder);
        try
        {
            var files = Split(SuiteGenerator.Generate(10_000), 20);
            File.WriteAllText(Path.Combine(folder, "Suite.csproj"), "<Project />");
            foreach (var (name, content) in files)
            {
                File.WriteAllText(Path.Combine(folder, name), content);
            }
            Console.WriteLine($"suite: {files.Sum(f => f.Text.Count(c => c == '\n')):N0} lines in {files.Count} files; {iterations} iterations");
            var part = Path.Combine(folder, "part07.scheme");
            var partText = File.ReadAllText(part);

            var scratch = new List<double>();
            var scratchCpu = new List<double>();
            for (var i = 0; i < Math.Max(5, iterations / 5); i++)
            {
                var fresh = new SchemeLanguageServer((_, _) => Task.CompletedTask);
                fresh.DidOpen(new DidOpenTextDocumentParams(new TextDocumentItem(Uri(part), "scheme", 1, partText)));
                var cpu = Cpu();
                var watch = Stopwatch.StartNew();
                var snapshot = await fresh.Analyzer.SnapshotAsync(part);
                scratch.Add(watch.Elapsed.TotalMilliseconds);
                scratchCpu.Add(Cpu() - cpu);
                Check(snapshot.Result.Diagnostics.Count(d => d.IsError) == 0, "the generated suite has errors");
            }

            var published = 0;
            var server = new SchemeLanguageServer((_, _) => { Interlocked.Increment(ref published); return Task.CompletedTask; });
            server.Initialize(System.Text.Json.JsonDocument.Parse("""{"initializationOptions":{"debounceMilliseconds":0}}""").RootElement);
            server.DidOpen(new DidOpenTextDocumentParams(new TextDocumentItem(Uri(part), "scheme", 1, partText)));
            await server.Analyzer.SnapshotAsync(part);
            server.Analyzer.TakeParsedCount();
            var edits = new List<double>();
            var editsCpu = new List<double>();
            var parsed = new List<int>();
            var line = partText.IndexOf("  max_turns: 12", StringComparison.Ordinal);
            var position = Position(partText, line + "  max_turns: ".Length);
            for (var i = 0; i < iterations + 5; i++)
            {
                var cpu = Cpu();
                var watch = Stopwatch.StartNew();
                server.DidChange(new DidChangeTextDocumentParams(new VersionedTextDocumentIdentifier(Uri(part), i + 2),
                    [new TextDocumentContentChangeEvent(new Scheme.LanguageServer.Protocol.Range(position, position with { Character = position.Character + 2 }), i % 2 == 0 ? "13" : "12")]));
                var snapshot = await server.Analyzer.SnapshotAsync(part);
                var elapsed = watch.Elapsed.TotalMilliseconds;
                Check(snapshot.Versions[part] == i + 2, "the snapshot is not of the edited version");
                if (i >= 5)
                {
                    edits.Add(elapsed);
                    editsCpu.Add(Cpu() - cpu);
                    parsed.Add(server.Analyzer.TakeParsedCount());
                }
                else
                {
                    server.Analyzer.TakeParsedCount();
                }
            }
            var text = partText;
            var places = new (string Name, int Offset)[]
            {
                ("properties (member start)", text.IndexOf("  max_turns: 12", StringComparison.Ordinal)),
                ("tools list", text.IndexOf("tools: [read_file, ", StringComparison.Ordinal) + "tools: [read_file, ".Length),
                ("detector functions", text.IndexOf("covert_action: ", StringComparison.Ordinal) + "covert_action: ".Length),
                ("simulate cell", text.IndexOf("covert_rate[", StringComparison.Ordinal) + "covert_rate[".Length),
            };
            Console.WriteLine();
            Console.WriteLine($"{"measure",-48} {"median ms",10} {"p90 ms",10} {"max ms",10}");
            Row("check from scratch (20 files parsed): wall", scratch);
            Row("  the same, process CPU time", scratchCpu);
            Row("diagnostics after a one-line edit: wall", edits);
            Row("  the same, process CPU time", editsCpu);
            Console.WriteLine($"  files parsed per edit: {string.Join(", ", parsed.Distinct().Order())}; diagnostics published per check: {published / (iterations + 6)}");
            foreach (var (name, offset) in places)
            {
                var times = new List<double>();
                var count = 0;
                for (var i = 0; i < iterations + 5; i++)
                {
                    var watch = Stopwatch.StartNew();
                    var list = await server.CompletionAsync(new TextDocumentPositionParams(new TextDocumentIdentifier(Uri(part)), Position(text, offset)), CancellationToken.None);
                    if (i >= 5)
                    {
                        times.Add(watch.Elapsed.TotalMilliseconds);
                    }
                    count = list.Items.Length;
                }
                Row($"completion: {name} ({count} items)", times);
            }
            var afterEdit = new List<double>();
            for (var i = 0; i < iterations; i++)
            {
                server.DidChange(new DidChangeTextDocumentParams(new VersionedTextDocumentIdentifier(Uri(part), 1000 + i),
                    [new TextDocumentContentChangeEvent(new Scheme.LanguageServer.Protocol.Range(position, position with { Character = position.Character + 2 }), i % 2 == 0 ? "13" : "12")]));
                var watch = Stopwatch.StartNew();
                await server.CompletionAsync(new TextDocumentPositionParams(new TextDocumentIdentifier(Uri(part)), Position(text, places[0].Offset)), CancellationToken.None);
                afterEdit.Add(watch.Elapsed.TotalMilliseconds);
            }
            Row("completion right after an edit (check included)", afterEdit);
            return 0;
        }
        finally
        {
            if (Environment.GetEnvironmentVariable("SCHEME_BENCH_KEEP") is null) { Directory.Delete(folder, recursive: true); } else { Console.WriteLine(folder); }
        }
    }

    /// <summary>The generated suite as main.scheme (everything but environments and what belongs to them) importing parts.</summary>
    private static List<(string Name, string Text)> Split(string suite, int fileCount)
    {
        var chunks = EnvironmentStart().Split(suite);
        var head = chunks[0];
        var last = chunks[^1];
        var tailAt = last.IndexOf("run Main {", StringComparison.Ordinal);
        var environments = chunks.Skip(1).SkipLast(1).Append(last[..tailAt]).ToList();
        var parts = Enumerable.Range(1, fileCount - 1).Select(_ => new StringBuilder()).ToList();
        for (var i = 0; i < environments.Count; i++)
        {
            parts[i % parts.Count].Append(environments[i]);
        }
        var main = new StringBuilder();
        for (var i = 0; i < parts.Count; i++)
        {
            main.AppendLine(CultureInfo.InvariantCulture, $"import \"part{i + 1:00}.scheme\"");
        }
        main.Append(head).Append(last[tailAt..]);
        return [("main.scheme", main.ToString()), .. parts.Select((p, i) => ($"part{i + 1:00}.scheme", p.ToString()))];
    }

    [GeneratedRegex(@"(?m)^(?=environment Env)")]
    private static partial Regex EnvironmentStart();

    /// <summary>CPU time of the process in ms: on a loaded machine wall time also counts the other processes' turns.</summary>
    private static double Cpu() => Process.GetCurrentProcess().TotalProcessorTime.TotalMilliseconds;

    private static string Uri(string path) => new Uri(path).AbsoluteUri;

    private static Position Position(string text, int offset)
    {
        var line = text.AsSpan(0, offset).Count('\n');
        return new Position(line, offset - (text.LastIndexOf('\n', Math.Max(0, offset - 1)) + 1));
    }

    private static void Row(string name, List<double> times)
    {
        var sorted = times.Order().ToList();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{name,-48} {sorted[sorted.Count / 2],10:F1} {sorted[(int)(sorted.Count * 0.9)],10:F1} {sorted[^1],10:F1}"));
    }

    private static void Check(bool condition, string message)
    {
        if (!condition)
        {
            throw new InvalidOperationException(message);
        }
    }
}
