
namespace Scheme.Compiler.Semantics.Expressions;

/// <summary>Enumerates a bound expression and everything below it, without recursion.</summary>
public static class BoundTreeWalker
{
    public static IEnumerable<BoundExpression> Descendants(BoundExpression root)
    {
        var stack = new Stack<BoundExpression>();
        stack.Push(root);
        while (stack.Count > 0)
        {
            var node = stack.Pop();
            yield return node;
            foreach (var child in Children(node))
            {
                stack.Push(child);
            }
        }
    }

    private static IEnumerable<BoundExpression> Children(BoundExpression node) => node switch
    {
        BoundList l => l.Items,
        BoundUnary u => [u.Operand],
        BoundBinary b => [b.Left, b.Right],
        BoundCites c => [c.Subject],
        BoundCall c => c.Arguments,
        BoundJudge { Target: { } target } => [target],
        BoundRemoveSentences r => [r.Predicate],
        BoundInject i => [i.Text],
        BoundCallPredicate p => [p.Body],
        _ => [],
    };
}
