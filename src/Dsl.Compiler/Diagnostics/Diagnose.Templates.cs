
namespace Scheme.Compiler.Diagnostics;

/// <summary>SCH05xx: prompt templates.</summary>
public static partial class Diagnose
{
    /// <param name="hint">A did-you-mean and the environment's params, or how to declare one.</param>
    public static DiagnosticMessage UnknownTemplateVariable(string variable, string environment, string hint) =>
        Make(DiagnosticCatalog.UnknownTemplateVariable, $"The template uses '{variable}', which is not a param of environment '{environment}'.{hint}");

    /// <param name="error">Scriban's message.</param>
    public static DiagnosticMessage TemplateSyntaxError(string error) =>
        Make(DiagnosticCatalog.TemplateSyntaxError, $"Prompt template error: {error}");
}
