using BenchmarkDotNet.Attributes;
using Scheme.Compiler;
using Scheme.Compiler.Diagnostics;
using Scheme.Compiler.Emit;
using Scheme.Compiler.Syntax;
using Scheme.Compiler.Text;

namespace Scheme.Benchmarks;

/// <summary>
/// The in-process compiler on a generated 10,000-line suite. Parsing alone is the baseline, so the report
/// shows what binding, checking and emitting add. Lines per second = 10,000 / mean time of Compile.
/// </summary>
/// Runs in process: BenchmarkDotNet's usual rebuild into its own artifacts folder trips Antlr4BuildTasks,
/// which cannot handle an absolute intermediate path.
[MemoryDiagnoser]
[InProcess]
public class CompilerBenchmarks
{
    public const int Lines = 10_000;

    private SourceFile _file = null!;

    [GlobalSetup]
    public void Setup()
    {
        var text = SuiteGenerator.Generate(Lines);
        _file = new SourceFile("big.scheme", text, Path.Combine(Path.GetTempPath(), "big.scheme"));
        var result = SchemeCompilation.Compile([_file]);
        if (!result.Success)
        {
            throw new InvalidOperationException("The generated suite does not compile:\n" + string.Join("\n", result.Diagnostics.Take(10)));
        }
        Console.WriteLine($"// Suite: {_file.LineCount} lines, {text.Length} characters, {result.GeneratedFiles[0].Content.Length} characters of C#.");
    }

    [Benchmark(Baseline = true, Description = "Parse only")]
    public CompilationUnitSyntax Parse() => SchemeSyntaxParser.Parse(_file, new DiagnosticBag());

    [Benchmark(Description = "Compile: parse, bind, check, emit")]
    public CompilationResult Compile() => SchemeCompilation.Compile([_file], new EmitOptions("Bench"));
}
