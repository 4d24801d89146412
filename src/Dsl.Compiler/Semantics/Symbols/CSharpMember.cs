namespace Scheme.Compiler.Semantics.Symbols;

/// <summary>A partial member the generated code declares and the researcher implements in C#: <c>Class.Method</c>.</summary>
/// <param name="Class">The generated static class of the .scheme file that declares it (suite.scheme -> SuiteScheme).</param>
/// <param name="Method">A csharp("Method") method, or the method of a tool of the suite's own (run_check -> RunCheckTool).</param>
public sealed record CSharpMember(string Class, string Method)
{
    public override string ToString() => $"{Class}.{Method}";
}
