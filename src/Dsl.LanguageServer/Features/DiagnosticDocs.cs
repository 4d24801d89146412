using System.Reflection;

namespace Scheme.LanguageServer.Features;

/// <summary>
/// Each code's documentation: its section of the compiler's Diagnostics/README.md (what happened, a wrong and a fixed
/// example), embedded in this assembly at build time so hover shows exactly what the reference page says.
/// </summary>
public static class DiagnosticDocs
{
    private static readonly Lazy<IReadOnlyDictionary<string, string>> Sections = new(Load);

    public static string? For(string code) => Sections.Value.GetValueOrDefault(code);

    private static IReadOnlyDictionary<string, string> Load()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("Scheme.Diagnostics.README.md");
        if (stream is null)
        {
            return new Dictionary<string, string>();
        }
        var text = new StreamReader(stream).ReadToEnd().Replace("\r\n", "\n");
        var sections = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var part in text.Split("\n## ").Skip(1))
        {
            var colon = part.IndexOf(':');
            if (colon > 0 && part.StartsWith("SCH", StringComparison.Ordinal))
            {
                var end = part.IndexOf("\n# ", StringComparison.Ordinal);
                sections[part[..colon]] = "### " + (end < 0 ? part : part[..end]).TrimEnd();
            }
        }
        return sections;
    }
}
