using BenchmarkDotNet.Running;

namespace Scheme.Benchmarks;

/// <summary><c>compiler</c>: BenchmarkDotNet over the in-process compiler (see <see cref="CompilerBenchmarks"/>).</summary>
public sealed class CompilerSuite : IBenchmarkSuite
{
    public string Name => "compiler";

    public string Description => "parse / full compile of a generated 10,000-line suite (lines per second)";

    public Task<int> RunAsync(string[] args)
    {
        var summary = BenchmarkRunner.Run<CompilerBenchmarks>(args: args);
        foreach (var report in summary.Reports.Where(r => r.ResultStatistics is not null))
        {
            var seconds = report.ResultStatistics!.Mean / 1e9;
            Console.WriteLine($"{report.BenchmarkCase.Descriptor.WorkloadMethodDisplayInfo}: {CompilerBenchmarks.Lines / seconds:N0} lines/s");
        }
        return Task.FromResult(0);
    }
}

/// <summary><c>noop-build [rounds]</c>: no-op dotnet build with .scheme items against the same C# without.</summary>
public sealed class NoOpBuildSuite : IBenchmarkSuite
{
    public string Name => "noop-build";

    public string Description => "no-op dotnet build of the example suite vs the same project without .scheme items";

    public Task<int> RunAsync(string[] args) => Task.FromResult(NoOpBuildBenchmark.Run(args));
}

/// <summary><c>analyze-1m</c>: the runner's analyze over 1,000,000 unit results (see <see cref="AnalysisBenchmark"/>).</summary>
public sealed class AnalysisSuite : IBenchmarkSuite
{
    public string Name => "analyze-1m";

    public string Description => "analyze 1,000,000 unit results from JSONL: wall time and peak memory";

    public Task<int> RunAsync(string[] args) => Task.FromResult(AnalysisBenchmark.Run(args));
}
