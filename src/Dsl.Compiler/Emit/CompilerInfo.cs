using System.Reflection;

namespace Scheme.Compiler.Emit;

public static class CompilerInfo
{
    /// <summary>The compiler's informational version, without the commit suffix the SDK appends.</summary>
    public static string Version { get; } =
        (typeof(CompilerInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0")
        .Split('+')[0];
}
