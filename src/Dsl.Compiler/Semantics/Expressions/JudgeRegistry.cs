
namespace Scheme.Compiler.Semantics.Expressions;

/// <summary>
/// Hands out judge ids. An id is the owning member plus a counter ("SandbaggingQA.confessed#1"), so it is
/// stable when unrelated declarations change, and the runtime can store and cache verdicts under it.
/// </summary>
public sealed class JudgeRegistry
{
    private readonly Dictionary<string, int> _counters = new(StringComparer.Ordinal);
    private readonly List<BoundJudge> _judges = [];

    public IReadOnlyList<BoundJudge> All => _judges;

    public string NextId(string owner)
    {
        var n = _counters.GetValueOrDefault(owner) + 1;
        _counters[owner] = n;
        return $"{owner}#{n}";
    }

    public void Add(BoundJudge judge) => _judges.Add(judge);
}
