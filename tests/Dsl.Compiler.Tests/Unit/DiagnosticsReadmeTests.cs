using System.Text.RegularExpressions;
using Scheme.Compiler.Diagnostics;
using Scheme.Compiler.Tests.Golden;

namespace Scheme.Compiler.Tests.Unit;

/// <summary>Keeps Diagnostics/README.md in step with the catalog: one section per code, none for codes that do not exist.</summary>
public sealed partial class DiagnosticsReadmeTests
{
    private static readonly string ReadmePath =
        Path.Combine(TestPaths.RepositoryRoot, "src", "Dsl.Compiler", "Diagnostics", "README.md");

    [Fact]
    public void Readme_has_a_section_for_every_catalog_code()
    {
        var documented = DocumentedCodes();
        var missing = DiagnosticCatalog.All.Select(d => d.Code).Where(c => !documented.Contains(c)).ToList();

        Assert.True(missing.Count == 0, "Diagnostics/README.md has no '## CODE: Title' section for: " + string.Join(", ", missing));
    }

    [Fact]
    public void Readme_documents_no_code_outside_the_catalog()
    {
        var known = DiagnosticCatalog.All.Select(d => d.Code).ToHashSet(StringComparer.Ordinal);
        var unknown = DocumentedCodes().Where(c => !known.Contains(c)).ToList();

        Assert.True(unknown.Count == 0, "Diagnostics/README.md documents codes that are not in DiagnosticCatalog: " + string.Join(", ", unknown));
    }

    [Fact]
    public void Readme_sections_use_the_catalog_titles()
    {
        var text = File.ReadAllText(ReadmePath);
        var wrong = DiagnosticCatalog.All
            .Where(d => !text.Contains($"## {d.Code}: {d.Title}\n", StringComparison.Ordinal) && !text.Contains($"## {d.Code}: {d.Title}\r\n", StringComparison.Ordinal))
            .Select(d => $"{d.Code} (expected '## {d.Code}: {d.Title}')")
            .ToList();

        Assert.True(wrong.Count == 0, "Sections whose heading does not match the catalog title: " + string.Join(", ", wrong));
    }

    private static List<string> DocumentedCodes() =>
        Heading().Matches(File.ReadAllText(ReadmePath)).Select(m => m.Groups["code"].Value).ToList();

    [GeneratedRegex(@"^##\s+(?<code>SCH\d{4})\b", RegexOptions.Multiline)]
    private static partial Regex Heading();
}
