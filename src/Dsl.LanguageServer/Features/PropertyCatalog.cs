using Scheme.Compiler;
using Scheme.Compiler.Diagnostics;
using Scheme.Compiler.Syntax;
using Scheme.Compiler.Text;

namespace Scheme.LanguageServer.Features;

/// <summary>
/// The properties each kind of declaration accepts, as the binder itself knows them: the binders hold the lists (one
/// handler per property), so instead of copying them here the catalog asks the compiler once, with a probe declaration
/// holding a property no kind has, and reads the known properties from the SCH0115 message. A test holds the probe to
/// the binders: if the message changes shape, completion of properties fails there, not silently in an editor.
/// </summary>
public static class PropertyCatalog
{
    private const string Probe = "zz_probe_property";

    private static readonly Lazy<IReadOnlyDictionary<string, IReadOnlyList<string>>> Known = new(Load);

    /// <summary>Properties of a declaration kind; "limits" for an environment's limits block.</summary>
    public static IReadOnlyList<string> For(string kind) => Known.Value.GetValueOrDefault(kind) ?? [];

    public static string KindName(DeclarationKind kind) => kind.ToString().ToLowerInvariant();

    private static IReadOnlyDictionary<string, IReadOnlyList<string>> Load()
    {
        var probes = new Dictionary<string, string>
        {
            ["experiment"] = $"experiment P {{ {Probe}: 0 }}",
            ["checkpoint"] = $"checkpoint P {{ {Probe}: 0 }}",
            ["environment"] = $"environment P {{ {Probe}: 0 }}",
            ["limits"] = $"environment P {{ limits {{ {Probe}: 0 }} }}",
            ["manipulation"] = $"manipulation P {{ {Probe}: 0 }}",
            ["run"] = $"run P {{ {Probe}: 0 }}",
            ["simulate"] = $"simulate {{ {Probe}: 0 }}",
            ["hypothesis"] = $"hypothesis P \"t\" {{ {Probe}: 0 }}",
        };
        var known = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var (kind, text) in probes)
        {
            var result = SchemeCompilation.Compile([new SourceFile("probe.scheme", text, "/probe/probe.scheme")]);
            var message = result.Diagnostics.FirstOrDefault(d => d.Descriptor == DiagnosticCatalog.UnknownProperty && d.Message.StartsWith($"'{Probe}'", StringComparison.Ordinal))?.Message;
            const string Marker = "Known properties: ";
            var at = message?.LastIndexOf(Marker, StringComparison.Ordinal) ?? -1;
            known[kind] = at < 0 ? [] : message![(at + Marker.Length)..].TrimEnd('.').Split(", ", StringSplitOptions.RemoveEmptyEntries).ToList();
        }
        return known;
    }
}
