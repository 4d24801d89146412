using Scheme.Compiler.Semantics.Symbols;
using Scheme.Compiler.Syntax;

namespace Scheme.Compiler.Semantics.Binding;

/// <summary>
/// The members an environment has after <c>extends</c>: its base's (after the base's own <c>extends</c>), with every
/// member the environment declares again replaced in place, then the environment's new members. A member is declared
/// again when it has the same key: a property (<c>system</c>, <c>tools</c>, <c>covert_action</c>, ...) by name, a param
/// by name, a file by path (a <c>grader_files</c> file and a <c>workspace</c> file of one path are the same file, so a
/// variant can hide a file its base shows), a follow-up by the outcome it sets. <c>limits</c> merge limit by limit
/// (<see cref="EnvironmentBinder"/>). Anything else (a second <c>workspace</c> block's files are split one by one) is
/// added. Inherited members are bound again in the derived environment, so its params, tools and files are what they read.
/// </summary>
public static class EnvironmentInheritance
{
    /// <summary>A member and the environment that wrote it.</summary>
    public sealed record Member(MemberSyntax Syntax, EnvironmentSymbol Origin)
    {
        public bool IsInherited(EnvironmentSymbol environment) => !ReferenceEquals(Origin, environment);
    }

    /// <summary>
    /// Computed once per environment (a long extends chain would otherwise be walked again for each environment and each
    /// name read): asked only once bases are resolved and cycles cut, after which they do not change.
    /// </summary>
    public static IReadOnlyList<Member> Effective(EnvironmentSymbol environment) =>
        Cache.GetValue(environment, e => Effective(e, new HashSet<EnvironmentSymbol>(ReferenceEqualityComparer.Instance)));

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<EnvironmentSymbol, IReadOnlyList<Member>> Cache = new();

    private static IReadOnlyList<Member> Effective(EnvironmentSymbol environment, HashSet<EnvironmentSymbol> seen)
    {
        if (seen.Count > 0 && Cache.TryGetValue(environment, out var known))
        {
            return known;
        }
        var own = Split(environment.Declaration.Members).Select(m => new Member(m, environment)).ToList();
        if (environment.Base is null || !seen.Add(environment))
        {
            return own;
        }
        var mine = new Dictionary<string, Member>(StringComparer.Ordinal);
        foreach (var member in own)
        {
            if (Key(member.Syntax) is { } key)
            {
                mine.TryAdd(key, member);
            }
        }
        var result = new List<Member>();
        var placed = new HashSet<Member>(ReferenceEqualityComparer.Instance);
        foreach (var inherited in Effective(environment.Base, seen))
        {
            if (Key(inherited.Syntax) is { } key && mine.TryGetValue(key, out var replacement))
            {
                if (placed.Add(replacement))
                {
                    result.Add(replacement);
                }
                continue;
            }
            result.Add(inherited);
        }
        result.AddRange(own.Where(m => !placed.Contains(m)));
        return result;
    }

    /// <summary>One member per file, so files override one by one.</summary>
    private static IEnumerable<MemberSyntax> Split(IEnumerable<MemberSyntax> members) =>
        members.SelectMany(m => m is WorkspaceSyntax { Files.Length: > 1 } workspace
            ? workspace.Files.Select(f => (MemberSyntax)(workspace with { Files = [f] }))
            : [m]);

    private static string? Key(MemberSyntax member) => member switch
    {
        // covert_action: and outcome name: are both outcomes: an environment overrides an inherited one by its name.
        PropertySyntax { Name.IsMissing: false } p when p.Name.Text == EnvironmentBinder.DetectorName => "outcome " + p.Name.Text,
        OutcomeSyntax { Name.IsMissing: false } o => "outcome " + o.Name.Text,
        PropertySyntax { Name.IsMissing: false } p => "property " + p.Name.Text,
        ParamSyntax { Name.IsMissing: false } p => "param " + p.Name.Text,
        WorkspaceSyntax { Files: [var file] } => "file " + file.Path.Value,
        FollowupSyntax { Outcome.IsMissing: false } f => "followup " + f.Outcome.Text,
        LimitsSyntax => "limits",
        _ => null,
    };
}
