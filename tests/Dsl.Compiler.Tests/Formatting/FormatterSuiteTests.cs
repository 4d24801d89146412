using Scheme.Compiler.Declarations;
using Scheme.Compiler.Emit;
using Scheme.Compiler.Formatting;
using Scheme.Compiler.Tests.Golden;
using Scheme.Compiler.Text;

namespace Scheme.Compiler.Tests.Formatting;

/// <summary>
/// Every valid sample and every .scheme file of the shipped experiments: formatting is idempotent, keeps every comment,
/// and leaves the preregistration fingerprint of every part exactly as it was (computed the way `prereg lock` does,
/// from a full compilation with the file's imports and loaded files).
/// </summary>
public sealed class FormatterSuiteTests
{
    public static IEnumerable<object[]> Files() =>
        Directory.EnumerateFiles(Path.Combine(TestPaths.Samples, "Valid"), "*.scheme", SearchOption.AllDirectories)
            .Concat(Directory.EnumerateFiles(Path.Combine(TestPaths.RepositoryRoot, "experiments"), "*.scheme", SearchOption.AllDirectories)
                .Where(f => !f.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj")))
            .Select(f => Path.GetRelativePath(TestPaths.RepositoryRoot, f).Replace('\\', '/'))
            .Order(StringComparer.Ordinal)
            .Select(f => new object[] { f });

    [Theory]
    [MemberData(nameof(Files))]
    public void Formatting_is_idempotent_keeps_comments_and_every_fingerprint(string file)
    {
        var full = Path.Combine(TestPaths.RepositoryRoot, file);
        var original = File.ReadAllText(full);

        var formatted = FormatterInvariants.AssertFormatsSafely(original, file);

        var before = Fingerprints(original, full);
        var after = Fingerprints(formatted, full);
        Assert.NotEmpty(before);
        Assert.Equal(before, after);
    }

    [Fact]
    public void The_files_cover_the_samples_and_the_example_suite()
    {
        var files = Files().Select(f => (string)f[0]).ToList();
        Assert.Contains("experiments/AntiScheming/suite.scheme", files);
        Assert.Contains(files, f => f.EndsWith("Valid/lib/spec.scheme", StringComparison.Ordinal));
        Assert.True(files.Count >= 15, string.Join(", ", files));
    }

    /// <summary>The shipped example is canonical, so `scheme fmt --check` can guard it in CI.</summary>
    [Fact]
    public void The_example_suite_is_formatted()
    {
        var folder = Path.Combine(TestPaths.RepositoryRoot, "experiments", "AntiScheming");
        var files = Directory.GetFiles(folder, "*.scheme", SearchOption.AllDirectories);
        var output = new StringWriter();
        var code = Scheme.Cli.CommandLine.Run(["fmt", "--check", .. files], output, new StringWriter());
        Assert.True(code == 0, output.ToString());
        Assert.Equal("", output.ToString());
    }

    /// <summary>
    /// The preregistration parts of compiling this one file (its imports and loaded files read from disk beside it), by
    /// name; for a library file that is not a suite of its own, the parts of the declarations it has.
    /// </summary>
    private static Dictionary<string, string> Fingerprints(string text, string fullPath)
    {
        var result = SchemeCompilation.Compile([new SourceFile(Path.GetFileName(fullPath), text, fullPath)]);
        Assert.NotNull(result.Model);
        return PreregistrationEmitter.Parts(result.Model!, DeclarationKinds.Emissions).ToDictionary(p => p.Name, p => p.Hash);
    }
}
