using Scheme.Compiler.Syntax;
using Scheme.Compiler.Text;

namespace Scheme.Compiler.Semantics.Symbols;

/// <summary>
/// A model checkpoint. Settings are resolved through <c>extends</c>: a child inherits every setting it
/// does not set itself, and the lineage stays recorded so analyses can group by base model.
/// </summary>
public sealed record CheckpointSymbol(string Name, DeclarationSyntax Declaration, SourceFile File) : Symbol(Name, Declaration, File)
{
    public override string KindName => "checkpoint";

    public CheckpointSymbol? Base { get; set; }

    /// <summary>Settings written in this declaration, before inheritance.</summary>
    public Dictionary<string, object> OwnSettings { get; } = new(StringComparer.Ordinal);

    public List<string> OwnCapabilities { get; } = [];

    /// <summary>Properties written here, valid or not (so a bad provider is not also reported missing).</summary>
    public IReadOnlySet<string> Written { get; set; } = new HashSet<string>();

    /// <summary>The capabilities list held an unknown entry, so capability checks would only echo that error.</summary>
    public bool OwnCapabilitiesInvalid { get; set; }

    public bool CapabilitiesIncomplete
    {
        get
        {
            var seen = new HashSet<CheckpointSymbol>(ReferenceEqualityComparer.Instance);
            for (var c = this; c is not null && seen.Add(c); c = c.Base)
            {
                if (c.DeclaresCapabilities)
                {
                    return c.OwnCapabilitiesInvalid;
                }
            }
            return false;
        }
    }

    public bool WritesAnywhere(string key)
    {
        var seen = new HashSet<CheckpointSymbol>(ReferenceEqualityComparer.Instance);
        for (var c = this; c is not null && seen.Add(c); c = c.Base)
        {
            if (c.Written.Contains(key))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>True when the capabilities list is written here (it replaces the base's list).</summary>
    public bool DeclaresCapabilities { get; set; }

    public object? Setting(string key)
    {
        var seen = new HashSet<CheckpointSymbol>(ReferenceEqualityComparer.Instance);
        for (var c = this; c is not null && seen.Add(c); c = c.Base)
        {
            if (c.OwnSettings.TryGetValue(key, out var value))
            {
                return value;
            }
        }
        return null;
    }

    public IReadOnlyList<string> Capabilities
    {
        get
        {
            var seen = new HashSet<CheckpointSymbol>(ReferenceEqualityComparer.Instance);
            for (var c = this; c is not null && seen.Add(c); c = c.Base)
            {
                if (c.DeclaresCapabilities)
                {
                    return c.OwnCapabilities;
                }
            }
            return [];
        }
    }
}
