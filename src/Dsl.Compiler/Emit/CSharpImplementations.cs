using Scheme.Compiler.Semantics.Symbols;

namespace Scheme.Compiler.Emit;

/// <summary>
/// Reads the hand-written C# that implements a suite's partial members, for the preregistration lock. The compiler
/// does not parse C# itself (it stays free of Roslyn); the command line implements this over the project's sources
/// that the build passes. Given the members the suite declares, it returns for each implementation it finds a
/// canonical text: the implementation and, transitively, the project's own methods, fields and types it uses, with
/// layout and comments normalized away, so that a formatting-only edit keeps the fingerprint and any other edit changes it.
/// A member without an implementation is left out: that is the C# compiler's error to report.
/// </summary>
public interface ICSharpImplementations
{
    IReadOnlyDictionary<CSharpMember, string> CanonicalTexts(IReadOnlyList<CSharpMember> members);
}
