
namespace Scheme.Compiler.Semantics.Symbols;

/// <summary>
/// A cell of the design that a metric value refers to: <c>covert_rate[o3, SandbaggingQA]</c>. A factor left
/// out means "pooled over all its levels".
/// </summary>
public sealed record DesignCell(string? Checkpoint, string? Environment, string? Condition)
{
    public override string ToString()
    {
        var parts = new[] { Checkpoint, Environment, Condition }.Where(p => p is not null);
        return "[" + string.Join(", ", parts) + "]";
    }
}
