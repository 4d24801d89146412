
namespace Scheme.Compiler.Diagnostics;

public enum DiagnosticSeverity
{
    Warning,
    Error,
}
