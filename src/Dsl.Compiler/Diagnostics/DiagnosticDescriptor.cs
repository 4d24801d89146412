
namespace Scheme.Compiler.Diagnostics;

/// <summary>
/// One entry of the diagnostic catalog: a stable code, its default severity, and a message format whose
/// placeholders ({0}, {1}, ...) are filled at the point of report. Codes never change meaning once
/// published: CI scripts and editor settings key on them.
/// </summary>
public sealed record DiagnosticDescriptor(string Code, DiagnosticSeverity Severity, string Title, string MessageFormat);
