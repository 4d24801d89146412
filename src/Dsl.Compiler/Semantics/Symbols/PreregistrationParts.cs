namespace Scheme.Compiler.Semantics.Symbols;

/// <summary>
/// The names of what a preregistration locks, one part per declaration ("metric covert_rate") and one per metric's
/// simulated values ("simulate covert_rate"), and one per partial member implemented in C# ("csharp SuiteScheme.CopiedSelf"). The fingerprints (Emit/PreregistrationEmitter) and each hypothesis's
/// dependencies (Binding/DependencyCollector) name parts through here, so the two always agree.
/// </summary>
public static class PreregistrationParts
{
    public static string Of(Symbol symbol) => $"{symbol.KindName} {symbol.Name}";

    public static string Simulate(string metric) => $"simulate {metric}";

    /// <summary>A family of hypotheses (a hypothesis alone is a family of one): its members and their correction.</summary>
    public static string Family(string family) => $"family {family}";

    public static string CSharp(CSharpMember member) => $"csharp {member.Class}.{member.Method}";
}
