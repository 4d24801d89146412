
namespace Scheme.Compiler.Emit;

/// <param name="Namespace">Namespace of the generated types (the project's RootNamespace in a build); characters
/// C# does not allow (my-suite) become underscores.</param>
/// <param name="GenerateEntryPoint">Emit Main for the runner; off for libraries or projects with their own Main.</param>
/// <param name="AbsoluteLinePaths">#line directives name the full path, so C# errors resolve to the .scheme file
/// wherever the generated file lives (golden tests turn it off to stay machine-independent).</param>
public sealed record EmitOptions(string Namespace = EmitOptions.DefaultNamespace, bool GenerateEntryPoint = true, string CompilerVersion = "",
    bool AbsoluteLinePaths = true)
{
    public const string DefaultNamespace = "SchemeSuite";

    public string Namespace { get; init; } = SanitizeNamespace(Namespace);

    public string CompilerVersion { get; init; } = CompilerVersion.Length > 0 ? CompilerVersion : CompilerInfo.Version;

    /// <summary>The hand-written C# of the project (the build passes it), whose implementations of the suite's partial
    /// members the preregistration fingerprints; null: none, as for `scheme check` or a test without sources.</summary>
    public ICSharpImplementations? CSharpImplementations { get; init; }

    private static string SanitizeNamespace(string value)
    {
        var parts = value.Split('.', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => new string(p.Select(c => char.IsLetterOrDigit(c) || c == '_' ? c : '_').ToArray()))
            .Select(p => char.IsDigit(p[0]) ? "_" + p : CSharpLiterals.Identifier(p));
        var joined = string.Join(".", parts);
        return joined.Length == 0 ? DefaultNamespace : joined;
    }
}
