namespace Scheme.Cli.CSharpSources;

/// <summary>
/// What the build tells the lock about the project beyond its sources: its references (so names on framework and
/// package types bind, and a project's extension method on a string is found), which of them are other projects
/// (whose C# the lock does not read: SCH9022), and its global usings (the SDK writes them under obj/, which is not passed).
/// </summary>
public sealed record ProjectCSharpReferences(IReadOnlyList<string> Assemblies, IReadOnlyList<string> ProjectReferences, IReadOnlyList<ProjectUsing> Usings)
{
    public static readonly ProjectCSharpReferences None = new([], [], []);
}

/// <summary>A &lt;Using&gt; item, passed as <c>NAME</c>, <c>static NAME</c> or <c>ALIAS=NAME</c>.</summary>
public sealed record ProjectUsing(string Namespace, string? Alias = null, bool Static = false)
{
    public static ProjectUsing Parse(string text)
    {
        text = text.Trim();
        if (text.StartsWith("static ", StringComparison.Ordinal))
        {
            return new ProjectUsing(text["static ".Length..].Trim(), Static: true);
        }
        var equals = text.IndexOf('=', StringComparison.Ordinal);
        return equals > 0 ? new ProjectUsing(text[(equals + 1)..].Trim(), text[..equals].Trim()) : new ProjectUsing(text);
    }

    /// <summary>The directive; a name that is not C# makes a syntax error in that line only, which no declaration is in.</summary>
    public string GlobalUsing => $"global using {(Static ? "static " : "")}{(Alias is null ? "" : Alias + " = ")}global::{Namespace};";
}
