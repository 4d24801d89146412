using Scheme.Compiler.Emit;
using Scheme.Compiler.Tests.Golden;
using Scheme.Compiler.Text;

namespace Scheme.Compiler.Tests.Fuzz;

/// <summary>
/// A file cut off anywhere (an editor's buffer mid-keystroke, a truncated download) compiles to diagnostics inside the
/// text. Random truncation found `import` at the end of the file reported as "Cannot import 'EOF'" with a span past the
/// end; this sweeps every cut point systematically instead of waiting for the mutation fuzzer to land on one.
/// </summary>
[Collection(LargeCompilations.Name)]
public sealed class PrefixFuzzTests
{
    public static IEnumerable<object[]> ValidSamples() => SampleCompiler.Files("Valid");

    [Theory]
    [MemberData(nameof(ValidSamples))]
    public void Every_prefix_at_a_token_edge_compiles_to_diagnostics_inside_the_text(string sample)
    {
        var original = SampleCompiler.Read(sample).Text;
        // Cut where a word starts or ends, and inside punctuation: cutting inside a word only shortens a name.
        var cuts = Enumerable.Range(0, original.Length + 1)
            .Where(i => i == 0 || i == original.Length || !char.IsLetterOrDigit(original[i - 1]) || !char.IsLetterOrDigit(original[i]))
            .ToList();
        var failures = new System.Collections.Concurrent.ConcurrentBag<string>();
        Parallel.ForEach(cuts, length =>
        {
            var text = original[..length];
            var file = new SourceFile(sample, text, null);
            try
            {
                var result = SchemeCompilation.Compile([file], new EmitOptions("Fuzz"));
                foreach (var diagnostic in result.Diagnostics.Where(d => ReferenceEquals(d.File, file)))
                {
                    if (diagnostic.Span.Start < 0 || diagnostic.Span.End > text.Length)
                    {
                        failures.Add($"cut at {length}: {diagnostic} (span {diagnostic.Span.Start}..{diagnostic.Span.End})");
                    }
                }
            }
            catch (Exception e)
            {
                failures.Add($"cut at {length}: threw {e.GetType().Name}: {e.Message}");
            }
        });
        Assert.True(failures.IsEmpty, string.Join("\n", failures.Take(10)));
    }
}
