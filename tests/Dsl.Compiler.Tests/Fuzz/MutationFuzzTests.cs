using Scheme.Compiler.Emit;
using Scheme.Compiler.Tests.Golden;
using Scheme.Compiler.Text;
using Xunit.Abstractions;

namespace Scheme.Compiler.Tests.Fuzz;

/// <summary>
/// Thousands of seeded mutations of the valid samples: the compiler must never throw or hang, and every
/// diagnostic must point inside the file. A failure prints the seed and mutation kind to reproduce it.
/// </summary>
[Collection(LargeCompilations.Name)]
public sealed class MutationFuzzTests(ITestOutputHelper output)
{
    private const int MutationsPerSample = 600;
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(10);

    public static IEnumerable<object[]> ValidSamples() => SampleCompiler.Files("Valid");

    [Theory]
    [MemberData(nameof(ValidSamples))]
    public void Mutated_sources_never_crash_or_hang_and_diagnostics_stay_in_the_file(string sample)
    {
        var original = SampleCompiler.Read(sample);
        var diagnosticsSeen = 0;
        for (var seed = 0; seed < MutationsPerSample; seed++)
        {
            var (kind, text) = new Mutator(StableSeed(sample, seed)).Mutate(original.Text);
            var file = new SourceFile(original.Path, text, original.FullPath);

            CompilationResult? result = null;
            Exception? thrown = null;
            // A thread of its own (default stack size) rather than the thread pool: a hang is detected by the
            // join timing out, and the pool is not starved by xunit's own work.
            var thread = new Thread(() =>
            {
                try
                {
                    result = SchemeCompilation.Compile([file], new EmitOptions("Fuzz"));
                }
                catch (Exception e)
                {
                    thrown = e;
                }
            });
            thread.Start();
            var finished = thread.Join(Limit);

            Assert.True(finished, $"Compilation hung (> {Limit.TotalSeconds} s): sample {sample}, seed {seed}, mutation '{kind}'.");
            Assert.True(thrown is null, $"Compiler threw on sample {sample}, seed {seed}, mutation '{kind}': {thrown}");
            foreach (var generated in result!.GeneratedFiles)
            {
                // Whatever the compiler accepts must at least be valid C# syntax.
                var errors = Microsoft.CodeAnalysis.CSharp.CSharpSyntaxTree.ParseText(generated.Content).GetDiagnostics()
                    .Where(d => d.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error).ToList();
                Assert.True(errors.Count == 0, $"Generated C# does not parse ({errors.FirstOrDefault()}): sample {sample}, seed {seed}, mutation '{kind}'.");
            }
            foreach (var diagnostic in result!.Diagnostics.Where(d => ReferenceEquals(d.File, file)))
            {
                var (line, column) = diagnostic.Start;
                var lineLength = LineLength(text, file, line);
                Assert.True(line >= 1 && line <= file.LineCount && column >= 1 && column <= lineLength + 1,
                    $"Diagnostic outside the file ({line},{column}; {file.LineCount} lines, line length {lineLength}): {diagnostic} — sample {sample}, seed {seed}, mutation '{kind}'.");
                Assert.True(diagnostic.Span.End <= text.Length,
                    $"Diagnostic span ends past the text ({diagnostic.Span.End} > {text.Length}): {diagnostic} — sample {sample}, seed {seed}, mutation '{kind}'.");
                diagnosticsSeen++;
            }
        }
        output.WriteLine($"{sample}: {MutationsPerSample} mutations, {diagnosticsSeen} diagnostics checked.");
        Assert.True(diagnosticsSeen > MutationsPerSample / 2, "Mutations should mostly produce diagnostics; the mutator may be broken.");
    }

    /// <summary>
    /// The same mutations in every process, so a failure's seed reproduces it (HashCode.Combine is randomized per
    /// process: a CI failure could not be replayed).
    /// </summary>
    private static int StableSeed(string sample, int seed) =>
        sample.Aggregate(seed * 31 + 17, (hash, c) => unchecked(hash * 31 + c));

    private static int LineLength(string text, SourceFile file, int line)
    {
        var start = file.GetOffset(line, 0);
        var end = text.IndexOfAny(['\n', '\r'], start);
        return (end < 0 ? text.Length : end) - start;
    }
}
