
namespace Scheme.Compiler.Diagnostics;

/// <summary>
/// One entry of the diagnostic catalog: a stable code, its default severity and its title. Its message is built by
/// the one <see cref="Diagnose"/> method of the same name. Codes never change meaning once published: CI scripts and
/// editor settings key on them.
/// </summary>
public sealed record DiagnosticDescriptor(string Code, DiagnosticSeverity Severity, string Title);
