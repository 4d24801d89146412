namespace Scheme.Compiler.Emit;

/// <param name="Namespace">Namespace of the generated types (the project's RootNamespace in a build).</param>
/// <param name="GenerateEntryPoint">Emit Main for the runner; off for libraries or projects with their own Main.</param>
public sealed record EmitOptions(string Namespace = "SchemeSuite", bool GenerateEntryPoint = true, string CompilerVersion = "")
{
    public string CompilerVersion { get; init; } = CompilerVersion.Length > 0 ? CompilerVersion : CompilerInfo.Version;
}
