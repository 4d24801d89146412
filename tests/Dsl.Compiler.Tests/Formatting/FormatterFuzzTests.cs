using Scheme.Compiler.Formatting;
using Scheme.Compiler.Tests.Fuzz;
using Scheme.Compiler.Tests.Golden;
using Xunit.Abstractions;

namespace Scheme.Compiler.Tests.Formatting;

/// <summary>
/// The mutation fuzzer's seeded edits of every valid sample, formatted: the formatter never throws, hangs or refuses its
/// own output; a mutant the compiler cannot parse is never given a new text; one it can parse formats idempotently,
/// with every comment kept and every declaration's canonical text (what fingerprints hash) unchanged.
/// A failure names the sample, seed and mutation to reproduce it.
/// </summary>
[Collection(LargeCompilations.Name)]
public sealed class FormatterFuzzTests(ITestOutputHelper output)
{
    private const int MutationsPerSample = 250;
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(10);

    public static IEnumerable<object[]> ValidSamples() => SampleCompiler.Files("Valid");

    [Theory]
    [MemberData(nameof(ValidSamples))]
    public void Comments_and_line_breaks_between_any_tokens_keep_every_invariant(string sample)
    {
        var original = SampleCompiler.Read(sample).Text;
        for (var seed = 0; seed < MutationsPerSample; seed++)
        {
            var text = new LayoutMutator(StableSeed(sample, seed)).Mutate(original);
            FormatterInvariants.AssertFormatsSafely(text, $"sample {sample}, layout seed {seed}");
        }
    }

    [Theory]
    [MemberData(nameof(ValidSamples))]
    public void Mutants_never_crash_the_formatter_and_only_parsable_ones_are_changed_safely(string sample)
    {
        var original = SampleCompiler.Read(sample).Text;
        var (parsed, unparsable) = (0, 0);
        for (var seed = 0; seed < MutationsPerSample; seed++)
        {
            var (kind, text) = new Mutator(StableSeed(sample, seed)).Mutate(original);
            var where = $"sample {sample}, seed {seed}, mutation '{kind}'";
            Exception? thrown = null;
            var thread = new Thread(() =>
            {
                try
                {
                    if (FormatterInvariants.Canonical(text) is null)
                    {
                        var result = SchemeFormatter.Format(text, "mutant.scheme");
                        Assert.True(result.Formatted is null && !result.Changed && result.Errors.Count > 0 && result.InternalError is null,
                            $"An unparsable mutant was given a new text or no error: {where}");
                        unparsable++;
                    }
                    else
                    {
                        FormatterInvariants.AssertFormatsSafely(text, where);
                        parsed++;
                    }
                }
                catch (Exception e)
                {
                    thrown = e;
                }
            });
            thread.Start();
            Assert.True(thread.Join(Limit), $"Formatting hung (> {Limit.TotalSeconds} s): {where}.");
            Assert.True(thrown is null, $"{where}: {thrown}");
        }
        output.WriteLine($"{sample}: {parsed} parsable and {unparsable} unparsable mutants.");
        // Both kinds must occur, or the test checks less than it says.
        Assert.True(parsed > MutationsPerSample / 10 && unparsable > MutationsPerSample / 10, $"{parsed} parsable, {unparsable} unparsable");
    }

    /// <summary>Not the compiler fuzz test's seeds: the same kinds of edits, at other places.</summary>
    private static int StableSeed(string sample, int seed) =>
        sample.Aggregate(seed * 37 + 101, (hash, c) => unchecked(hash * 31 + c));
}
