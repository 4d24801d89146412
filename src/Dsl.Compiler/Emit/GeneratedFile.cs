
namespace Scheme.Compiler.Emit;

/// <summary>One emitted C# file: <c>&lt;name&gt;.scheme.g.cs</c> for the .scheme file at <see cref="SourcePath"/>.</summary>
public sealed record GeneratedFile(string SourcePath, string FileName, string Content);
