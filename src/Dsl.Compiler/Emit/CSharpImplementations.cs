namespace Scheme.Compiler.Emit;

/// <summary>A partial member the generated code declares and the researcher implements in C#: <c>Class.Method</c>.</summary>
/// <param name="Class">The generated static class of the .scheme file that declares it (suite.scheme -> SuiteScheme).</param>
/// <param name="Method">A csharp("Method") method, or the method of a tool of the suite's own (run_check -> RunCheckTool).</param>
public sealed record CSharpMember(string Class, string Method)
{
    public override string ToString() => $"{Class}.{Method}";
}

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
