
namespace Scheme.Compiler.Diagnostics;

/// <summary>
/// A code with its message, as a <see cref="Diagnose"/> method builds it; reporting it gives it a place. Only the
/// builders make one, so a code's message is written in one place.
/// </summary>
public sealed class DiagnosticMessage
{
    internal DiagnosticMessage(DiagnosticDescriptor descriptor, string text) => (Descriptor, Text) = (descriptor, text);

    public DiagnosticDescriptor Descriptor { get; }

    public string Text { get; }

    public override string ToString() => $"{Descriptor.Code}: {Text}";
}
