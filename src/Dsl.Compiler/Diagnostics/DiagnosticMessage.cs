
namespace Scheme.Compiler.Diagnostics;

/// <summary>A code with its message, as a <see cref="Diagnose"/> method builds it; reporting it gives it a place.</summary>
public sealed record DiagnosticMessage(DiagnosticDescriptor Descriptor, string Text);
