using BenchmarkDotNet.Running;
using Scheme.Benchmarks;

// "compiler": BenchmarkDotNet over the in-process compiler. "noop-build": timed dotnet builds (a script in C#).
// "analyze-1m": the runner's analyze over 1,000,000 unit results, wall time and peak memory.
return args.FirstOrDefault() switch
{
    "noop-build" => NoOpBuildBenchmark.Run(args.Skip(1).ToArray()),
    "analyze-1m" => AnalysisBenchmark.Run(args.Skip(1).ToArray()),
    "compiler" => Run(() => BenchmarkRunner.Run<CompilerBenchmarks>(args: args.Skip(1).ToArray())),
    _ => Run(() => BenchmarkSwitcher.FromAssembly(typeof(CompilerBenchmarks).Assembly).Run(args)),
};

static int Run(Action action)
{
    action();
    return 0;
}
