using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Scheme.Analysis.Power;
using Scheme.Compiler;
using Scheme.Compiler.Emit;
using Scheme.Model;

namespace Scheme.Benchmarks;

/// <summary>
/// <c>diagnose</c>: power by simulation of the example suite (experiments/AntiScheming, compiled in process), 2,000
/// replicates with the 80%/90% search, side by side:
/// <list type="bullet">
/// <item>before: every hypothesis alone in its family, which is exactly what diagnose computed before families were
/// corrected;</item>
/// <item>after: the suite as declared (families corrected replicate by replicate, searched together);</item>
/// <item>after + means: the suite with one more mean metric drawn from normal/poisson cells and a t test in family primary.</item>
/// </list>
/// Usage: diagnose [replicates]
/// </summary>
public sealed class DiagnoseBenchmark : IBenchmarkSuite
{
    private static readonly string Root = typeof(DiagnoseBenchmark).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RepositoryRoot").Value!;

    /// <summary>What experiments/AntiScheming would add to show mean metrics (the report's snippet).</summary>
    public const string MeanAddition = """

        metric reads in [SandbaggingQA] = mean(count(calls(read_file)))
        simulate {
          reads[o3] = poisson(4)
          reads[o3_as] = poisson(3)
          reads[o3_as, goal: false] = normal(2.8, 1.5)
        }
        hypothesis M1 "Trained models read fewer files (in family primary)" {
          expect reads[o3_as] < reads[o3]
          test: t_test
          family: primary
        }

        """;

    public string Name => "diagnose";

    public string Description => "diagnose the example suite: before (no family correction) vs after, and with a mean metric";

    public Task<int> RunAsync(string[] args)
    {
        var replicates = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 2_000;
        var example = Compile("");
        var alone = example with { Hypotheses = example.Hypotheses.Select(h => h with { Family = h.Name }).ToList() };
        var withMeans = Compile(MeanAddition);
        var options = new PowerOptions(Replicates: replicates);
        foreach (var round in new[] { "warm-up", "measured" })
        {
            var before = Time(alone, options);
            var after = Time(example, options);
            var means = Time(withMeans, options);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"diagnose ({round}, {replicates} replicates, search on): before {before.Seconds:F2} s | after {after.Seconds:F2} s | after + mean metric {means.Seconds:F2} s"));
            if (round == "measured")
            {
                Scheme.Runtime.Cli.DiagnoseCommand.Print(means.Report, Console.Out);
            }
        }
        return Task.FromResult(0);
    }

    private static (double Seconds, PowerReport Report) Time(ExperimentDefinition experiment, PowerOptions options)
    {
        var clock = Stopwatch.StartNew();
        var report = PowerSimulator.Diagnose(experiment, options);
        return (clock.Elapsed.TotalSeconds, report);
    }

    /// <summary>The example suite, with <paramref name="addition"/> appended to suite.scheme, compiled and loaded in this process.</summary>
    private static ExperimentDefinition Compile(string addition)
    {
        var directory = Directory.CreateTempSubdirectory("scheme-diagnose-").FullName;
        try
        {
            var source = Path.Combine(Root, "experiments", "AntiScheming");
            foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories)
                         .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}") && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}")))
            {
                var target = Path.Combine(directory, Path.GetRelativePath(source, file));
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Copy(file, target);
            }
            File.AppendAllText(Path.Combine(directory, "suite.scheme"), addition);
            var result = SchemeCompilation.CompileFiles(Directory.EnumerateFiles(directory, "*.scheme"), new EmitOptions("AntiScheming"), directory);
            if (!result.Success) throw new InvalidOperationException(string.Join("\n", result.Diagnostics));
            var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
                .Concat([typeof(ExperimentDefinition).Assembly.Location, typeof(Scheme.Engine.RunEngine).Assembly.Location,
                    typeof(PowerSimulator).Assembly.Location, typeof(Scheme.Runtime.Cli.RunnerHost).Assembly.Location])
                .Distinct().Select(p => (MetadataReference)MetadataReference.CreateFromFile(p)).ToList();
            var usings = CSharpSyntaxTree.ParseText("global using System; global using System.Linq; global using System.Collections.Generic;");
            var trees = result.GeneratedFiles.Select(f => CSharpSyntaxTree.ParseText(f.Content, path: f.FileName)).Append(usings);
            var compilation = CSharpCompilation.Create("DiagnoseBenchmark" + Guid.NewGuid().ToString("N"), trees, references,
                new CSharpCompilationOptions(OutputKind.ConsoleApplication, nullableContextOptions: NullableContextOptions.Enable, optimizationLevel: OptimizationLevel.Release));
            using var image = new MemoryStream();
            var emitted = compilation.Emit(image);
            if (!emitted.Success) throw new InvalidOperationException(string.Join("\n", emitted.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)));
            image.Position = 0;
            var assembly = new AssemblyLoadContext(null, isCollectible: true).LoadFromStream(image);
            return (ExperimentDefinition)assembly.GetType("AntiScheming.AntiSchemingStressTest", throwOnError: true)!
                .GetProperty("Definition")!.GetValue(null)!;
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
