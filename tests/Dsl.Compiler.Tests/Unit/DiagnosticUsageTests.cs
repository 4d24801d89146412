using System.Reflection;
using System.Text.RegularExpressions;
using Scheme.Compiler.Diagnostics;
using Scheme.Compiler.Tests.Golden;

namespace Scheme.Compiler.Tests.Unit;

/// <summary>
/// What Diagnostics/README.md says about a code's reachability is true: a code it calls reserved or unreachable is
/// reported nowhere in the compiler, and every other code of the catalog is reported somewhere.
/// </summary>
public sealed partial class DiagnosticUsageTests
{
    private static readonly string CompilerSources = Path.Combine(TestPaths.RepositoryRoot, "src", "Dsl.Compiler");

    /// <summary>Words a README section uses for a code that no suite can trigger.</summary>
    private static readonly string[] UnreachableMarkers =
        ["(reserved", "reserved:", "no suite can trigger", "cannot be triggered", "unreachable", "never reported"];

    [Fact]
    public void Codes_the_readme_calls_reserved_are_reported_nowhere()
    {
        var uses = UsesByField();
        var wrong = Sections()
            .Where(s => UnreachableMarkers.Any(m => s.Text.Contains(m, StringComparison.OrdinalIgnoreCase)))
            .Select(s => (s.Code, Field: FieldOf(s.Code)))
            .Where(s => s.Field is not null && uses[s.Field] > 0)
            .Select(s => $"{s.Code} ({s.Field}, used {uses[s.Field!]} times)")
            .ToList();

        Assert.True(wrong.Count == 0, "Diagnostics/README.md calls these codes reserved or unreachable, but the compiler reports them: " + string.Join(", ", wrong));
    }

    [Fact]
    public void Every_other_catalog_code_is_reported_by_the_compiler()
    {
        var uses = UsesByField();
        var reserved = Sections()
            .Where(s => UnreachableMarkers.Any(m => s.Text.Contains(m, StringComparison.OrdinalIgnoreCase)))
            .Select(s => s.Code)
            .ToHashSet(StringComparer.Ordinal);
        var unused = Fields()
            .Where(f => !reserved.Contains(f.Descriptor.Code) && uses[f.Name] == 0)
            .Select(f => $"{f.Descriptor.Code} ({f.Name})")
            .ToList();

        Assert.True(unused.Count == 0, "These catalog codes are never reported; document them as reserved or remove them: " + string.Join(", ", unused));
    }

    /// <summary>
    /// How often each code's builder (Diagnose.X, of the same name as the catalog field) is named in the compiler's
    /// sources outside the diagnostics folder: a code is reported only through its builder.
    /// </summary>
    private static Dictionary<string, int> UsesByField()
    {
        var diagnostics = Path.Combine(CompilerSources, "Diagnostics") + Path.DirectorySeparatorChar;
        var sources = Directory.EnumerateFiles(CompilerSources, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Split(Path.DirectorySeparatorChar).Any(part => part is "obj" or "bin"))
            .Where(f => !f.StartsWith(diagnostics, StringComparison.Ordinal))
            .Select(File.ReadAllText)
            .ToList();
        Assert.True(sources.Count > 20, $"Found only {sources.Count} compiler sources under {CompilerSources}.");
        return Fields().ToDictionary(
            f => f.Name,
            f => sources.Sum(s => Regex.Count(s, $@"\bDiagnose\.{f.Name}\b")));
    }

    private static List<(string Name, DiagnosticDescriptor Descriptor)> Fields() =>
        typeof(DiagnosticCatalog).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.FieldType == typeof(DiagnosticDescriptor))
            .Select(f => (f.Name, (DiagnosticDescriptor)f.GetValue(null)!))
            .ToList();

    private static string? FieldOf(string code) => Fields().FirstOrDefault(f => f.Descriptor.Code == code).Name;

    /// <summary>Each '## SCHnnnn: Title' section of the README with its text up to the next heading.</summary>
    private static IEnumerable<(string Code, string Text)> Sections()
    {
        var text = File.ReadAllText(Path.Combine(CompilerSources, "Diagnostics", "README.md")).Replace("\r\n", "\n");
        var headings = Heading().Matches(text).ToList();
        Assert.NotEmpty(headings);
        for (var i = 0; i < headings.Count; i++)
        {
            var end = i + 1 < headings.Count ? headings[i + 1].Index : text.Length;
            yield return (headings[i].Groups["code"].Value, text[headings[i].Index..end]);
        }
    }

    [GeneratedRegex(@"^##\s+(?<code>SCH\d{4})\b", RegexOptions.Multiline)]
    private static partial Regex Heading();
}
